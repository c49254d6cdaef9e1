"""Tracking behind the menus and the overlay: (re-)track an analysis, name the teams, move a track.

Each ``choose_*`` asks the user with a dialog; each ``run_*`` calls the core
(:mod:`soccer_desktop.analysis.track_job`, :mod:`~soccer_desktop.analysis.track_store`)
as a background job on its own database connection, so tests drive the
``run_*`` forms directly. The owner hands in what it has (the job runner, where
the project is, how to report) rather than itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from soccer_desktop.core.errors import UserError
from soccer_desktop.gui.job_runner import Job, JobRunner
from soccer_desktop.project.store import Project


class TrackingActions(QObject):
    sig_tracks_changed = Signal(int)
    """An analysis's track ids, teams or team styles changed (its id): overlays reload."""

    def __init__(self, parent: QWidget, runner: JobRunner, project_root: Callable[[], Path | None],
                 show_info: Callable[[str], None], show_error: Callable[[str], None]) -> None:  # fmt: skip
        super().__init__(parent)
        self._parent = parent
        self._runner = runner
        self._project_root = project_root
        self._show_info = show_info
        self._show_error = show_error

    def _root(self) -> Path | None:
        root = self._project_root()
        if root is None:
            self._show_error("Open or create a project first (File › Open project… or File › New project…).")
        return root

    def _start(self, name: str, analysis_id: int, fn: Callable[..., object], report: bool = True) -> Job:
        job = self._runner.start(name, fn)
        if report:
            job.sig_finished.connect(self._show_info)
        job.sig_failed.connect(self._show_error)
        job.sig_finished.connect(lambda _: self.sig_tracks_changed.emit(analysis_id))
        return job

    # -------------------------------------------------------------- tracking

    def choose_tracking(self, analysis_id: int) -> None:
        """Ask for tracking settings (the last run's, else the defaults), then track."""
        root = self._root()
        if root is None:
            return
        from soccer_desktop.analysis.match_tracks import TrackingSettings
        from soccer_desktop.analysis.store import get_analysis
        from soccer_desktop.analysis.track_store import tracking_record
        from soccer_desktop.gui.tracking_dialogs import TrackingDialog

        with Project.open(root) as project:
            analysis = get_analysis(project, analysis_id)
            record = tracking_record(project, analysis_id)
        settings = TrackingSettings.from_dict(record.settings) if record else TrackingSettings()
        dialog = TrackingDialog(analysis.name, settings, self._parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.run_tracking(analysis_id, dialog.settings())

    def run_tracking(self, analysis_id: int, settings: object = None) -> Job | None:
        root = self._root()
        if root is None:
            return None

        def track(progress: object, cancel: object) -> str:
            from soccer_desktop.analysis.track_job import run_tracking

            with Project.open(root) as project:
                return run_tracking(project, analysis_id, settings, progress, cancel).describe()  # type: ignore[arg-type]

        return self._start("Tracking players", analysis_id, track)

    # -------------------------------------------------------------- teams

    def choose_teams(self, analysis_id: int) -> None:
        root = self._root()
        if root is None:
            return
        from soccer_desktop.analysis.track_store import team_styles
        from soccer_desktop.gui.tracking_dialogs import TeamsDialog

        with Project.open(root) as project:
            styles = team_styles(project, analysis_id)
        dialog = TeamsDialog(styles, self._parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_team_styles(analysis_id, dialog.styles())

    def apply_team_styles(self, analysis_id: int, styles: dict) -> None:
        """Store the teams' names and colours (quick: a few rows) and tell the overlays."""
        root = self._root()
        if root is None:
            return
        from soccer_desktop.analysis.track_store import set_team_style

        try:
            with Project.open(root) as project:
                for team, style in styles.items():
                    set_team_style(project, analysis_id, team, name=style.name, colour=style.colour)
        except UserError as error:
            self._show_error(str(error))
            return
        self.sig_tracks_changed.emit(analysis_id)

    def move_track(self, analysis_id: int, track_id: int, team: int) -> Job | None:
        """Put a player track in ``team`` and remember it; a job, as a full match holds millions of boxes."""
        root = self._root()
        if root is None:
            return None

        def move(progress: object, cancel: object) -> int:
            from soccer_desktop.analysis.track_store import move_track

            with Project.open(root) as project:
                return move_track(project, analysis_id, track_id, team)

        return self._start(f"Moving track {track_id}", analysis_id, move, report=False)
