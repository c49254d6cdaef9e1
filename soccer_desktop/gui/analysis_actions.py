"""The Analysis menu: analyse the video shown (a background job with frames/s, ETA and Cancel) and export.

``choose_*`` ask with a dialog; ``run_*`` start the core function as a job on
its own database connection, so tests drive the ``run_*`` forms directly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog

from soccer_desktop.gui.job_runner import Job
from soccer_desktop.project.store import Project, Video

if TYPE_CHECKING:
    from soccer_desktop.analysis.match_tracks import TrackingSettings
    from soccer_desktop.detect.choice import DetectorChoice
    from soccer_desktop.gui.main_window import MainWindow

EXPORT_FILTERS = {
    "csv": "CSV (*.csv)",
    "json": "JSON (*.json)",
    "mot": "MOT folder (*)",
    "video": "MP4 video (*.mp4)",
}


class AnalysisActions:
    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def _video(self) -> Video | None:
        window = self._window
        if window.project is None or window.current_video is None:
            window.show_error("Open a project and show one of its videos first, then analyse it.")
            return None
        return window.current_video

    def choose_analysis(self) -> None:
        video = self._video()
        if video is None:
            return
        from soccer_desktop.gui.analyse_dialog import AnalyseDialog  # the detector modules load on first use

        dialog = AnalyseDialog(video, self._window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.run_analysis(dialog.choice(), dialog.frame_range(), dialog.batch(), dialog.name(), dialog.tracking())

    def run_analysis(self, choice: DetectorChoice, frame_range: tuple[int, int] | None = None,
                     batch: int | None = None, name: str | None = None,
                     tracking: TrackingSettings | None = None) -> Job | None:  # fmt: skip
        video = self._video()
        if video is None:
            return None
        window = self._window
        root = window.project.root  # type: ignore[union-attr]

        def analyse(progress: object, cancel: object) -> object:
            from soccer_desktop.analysis.job import run_analysis

            with Project.open(root) as project:
                return run_analysis(project, video.id, choice, frame_range, batch=batch, name=name,
                                    progress=progress, cancel=cancel)  # type: ignore[arg-type]

        job = window.jobs.start(f"Analysing {Path(video.path).name}", analyse)

        def finished(summary: object) -> None:
            window.show_info(summary.describe())  # type: ignore[attr-defined]
            self._refresh(root, video.id, summary.analysis_id)  # type: ignore[attr-defined]
            if tracking is not None:
                window.tracking.run_tracking(summary.analysis_id, tracking)  # type: ignore[attr-defined]

        job.sig_finished.connect(finished)
        job.sig_failed.connect(window.show_error)
        job.sig_cancelled.connect(lambda: window.statusBar().showMessage(
            "Analysis cancelled; the frames done are kept and a new run with the same settings continues.", 10000))
        job.sig_cancelled.connect(lambda: self._refresh(root, video.id, None))
        return job

    def _refresh(self, root: Path, video_id: int, select: int | None) -> None:
        window = self._window
        if window.project is None or window.project.root != root or window.current_video is None:
            return
        if window.current_video.id == video_id:
            window.video_panel.show_analyses(window.project, video_id, select)

    def with_chosen(self, action: Callable[[int], object]) -> None:
        """Call ``action`` with the analysis chosen in the video panel (tracking, teams)."""
        analysis_id = self._window.video_panel.overlay_controls.analysis_id() if self._video() else None
        if analysis_id is None:
            if self._window.current_video is not None:
                self._window.show_error("Choose an analysis in the video panel's Analysis box first.")
            return
        action(analysis_id)

    def choose_export(self) -> None:
        analysis_id = self._window.video_panel.overlay_controls.analysis_id() if self._video() else None
        if analysis_id is None:
            if self._window.current_video is not None:
                self._window.show_error("Choose an analysis in the video panel's Analysis box first, then export it.")
            return
        path, chosen = QFileDialog.getSaveFileName(self._window, "Export analysis", "",
                                                   ";;".join(EXPORT_FILTERS.values()))  # fmt: skip
        if path:
            kind = next((k for k, text in EXPORT_FILTERS.items() if text == chosen), "csv")
            self.run_export(analysis_id, Path(path), kind)

    def run_export(self, analysis_id: int, out: Path, kind: str) -> Job | None:
        window = self._window
        if window.project is None:
            return None
        root = window.project.root

        def export(progress: object, cancel: object) -> str:
            from soccer_desktop.analysis.export import export_analysis

            with Project.open(root) as project:
                return f"Wrote {export_analysis(project, analysis_id, out, kind, progress, cancel)}"  # type: ignore[arg-type]

        job = window.jobs.start(f"Exporting analysis {analysis_id}", export)
        job.sig_finished.connect(window.show_info)
        job.sig_failed.connect(window.show_error)
        return job
