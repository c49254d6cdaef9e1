"""Labelling jobs behind the Labels menu: extract, pseudo-label, import labels, export and check datasets.

Each ``choose_*`` asks the user with a dialog; each ``run_*`` starts the core
function as a background job on its own database connection and reports its
summary, so tests drive the ``run_*`` forms directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog

from soccer_desktop.core.errors import UserError
from soccer_desktop.gui.job_runner import Job
from soccer_desktop.project.store import Project

if TYPE_CHECKING:
    from soccer_desktop.gui.main_window import MainWindow


class LabellingActions:
    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def _project_root(self) -> Path | None:
        if self._window.project is None:
            self._window.show_error("Open or create a project first (File › Open project… or File › New project…).")
            return None
        return self._window.project.root

    def _start_project_job(self, name: str, fn: object) -> Job:
        """Run a job on the open project; its summary is shown and the project views refresh after it."""
        job = self._window.jobs.start(name, fn)
        job.sig_finished.connect(self._window.show_info)
        job.sig_failed.connect(self._window.show_error)
        job.sig_cancelled.connect(
            lambda: self._window.statusBar().showMessage(f"{name}: cancelled; work done so far is kept.", 10000)
        )
        job.sig_done.connect(self._window.labels_changed)
        return job

    def choose_extraction(self) -> None:
        if self._project_root() is None:
            return
        from soccer_desktop.gui.label_dialogs import ExtractDialog

        dialog = ExtractDialog(self._window.project.videos(), self._window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.run_extraction(dialog.video_ids(), dialog.strategy(), dialog.quality())

    def run_extraction(self, video_ids: list[int] | None, strategy: object, quality: int) -> Job | None:
        root = self._project_root()
        if root is None:
            return None

        def extract(progress: object, cancel: object) -> str:
            from soccer_desktop.video.extract import extract_frames

            with Project.open(root) as project:
                return extract_frames(project, video_ids, strategy, quality, progress, cancel).describe()

        return self._start_project_job("Extracting frames", extract)

    def choose_pseudo_label(self) -> None:
        if self._project_root() is None:
            return
        from soccer_desktop.gui.label_dialogs import PseudoLabelDialog

        dialog = PseudoLabelDialog(self._window.project.videos(), self._window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.run_pseudo_label(dialog.choice(), dialog.scope())

    def run_pseudo_label(self, choice: object, scope: object) -> Job | None:
        root = self._project_root()
        if root is None:
            return None

        def label(progress: object, cancel: object) -> str:
            from soccer_desktop.detect.choice import build_factory
            from soccer_desktop.detect.pseudo_label import pseudo_label, select_frames
            from soccer_desktop.video.frame_index import index_dir

            with Project.open(root) as project:
                frames = select_frames(project, scope)
                if not frames:
                    raise UserError("There are no unreviewed frames to pseudo-label. Extract frames first "
                                    "(Labels › Extract frames…); reviewed frames are never changed.")
                notes: list[str] = []
                factory = build_factory(choice, warn=notes.append, index_cache=index_dir(project.root))
                summary = pseudo_label(project, factory, frames, progress=progress, cancel=cancel)
                return "\n\n".join([f"{factory.name}: {summary.describe()}", *notes])

        return self._start_project_job("Pseudo-labelling frames", label)

    def choose_label_import(self) -> None:
        if self._project_root() is None:
            return
        from soccer_desktop.gui.dataset_dialogs import ImportLabelsDialog

        dialog = ImportLabelsDialog(self._window)
        if dialog.exec() == QDialog.DialogCode.Accepted and (request := dialog.request()) is not None:
            self.run_label_import(request)

    def run_label_import(self, request: object) -> Job | None:
        root = self._project_root()
        if root is None:
            return None

        def run(progress: object, cancel: object) -> str:
            from soccer_desktop.dataset.label_import import import_labels

            with Project.open(root) as project:
                return import_labels(project, request.source, request.fmt, video=request.video,
                                     reviewed=request.reviewed, progress=progress, cancel=cancel).summary()

        job = self._start_project_job(f"Importing {request.source.name}", run)
        job.sig_finished.connect(lambda _: self._window.refresh_project())
        return job

    def choose_dataset_export(self) -> None:
        if self._project_root() is None:
            return
        from soccer_desktop.gui.dataset_dialogs import ExportDatasetDialog

        dialog = ExportDatasetDialog(self._window.project.root / "datasets", self._window)
        if dialog.exec() == QDialog.DialogCode.Accepted and (request := dialog.request()) is not None:
            self.run_dataset_export(request)

    def run_dataset_export(self, request: object) -> Job | None:
        root = self._project_root()
        if root is None:
            return None

        def export(progress: object, cancel: object) -> str:
            from soccer_desktop.dataset.export import export_dataset

            with Project.open(root) as project:
                result = export_dataset(project, request.out_dir, request.fmt, valid=request.valid,
                                        test=request.test, seed=request.seed,
                                        include_pseudo=request.include_pseudo, progress=progress, cancel=cancel)
            if result.validation is not None and not result.validation.ok:
                raise UserError(f"{result.summary()}\n\nThe exported dataset has problems:\n"
                                f"{result.validation.format()}")
            return result.summary()

        return self._start_project_job("Exporting the dataset", export)

    def choose_dataset_validation(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._window, "Dataset folder to check")
        if folder:
            self.run_dataset_validation(Path(folder))

    def run_dataset_validation(self, folder: Path) -> Job:
        def validate(progress: object, cancel: object) -> str:
            from soccer_desktop.dataset.validate import validate_dataset

            report = validate_dataset(folder, progress, cancel)
            if not report.ok:
                raise UserError(report.format())
            return report.format()

        job = self._window.jobs.start(f"Checking {folder.name}", validate)
        job.sig_finished.connect(self._window.show_info)
        job.sig_failed.connect(self._window.show_error)
        return job
