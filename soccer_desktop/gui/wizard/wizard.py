"""The training wizard: dataset, model, augmentation, schedule, hardware, review, then the live run."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from soccer_desktop.gui.job_runner import JobRunner
from soccer_desktop.gui.wizard.augment_page import AugmentPage
from soccer_desktop.gui.wizard.hardware_page import HardwarePage
from soccer_desktop.gui.wizard.pages import (
    DatasetPage,
    ModelPage,
    ReviewPage,
    RunPage,
    SchedulePage,
)
from soccer_desktop.train import runs
from soccer_desktop.train.config import TrainingConfig, soccertrack_config

log = logging.getLogger(__name__)


class TrainingWizard(QWizard):
    sig_run_started = Signal(object)
    """The run folder (Path) of a run this wizard started."""
    sig_message = Signal(str)
    """An error shown to the user (tests read it)."""

    def __init__(
        self,
        project_root: Path | None = None,
        dataset_dir: Path | None = None,
        config: TrainingConfig | None = None,
        jobs: JobRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Train a detector")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(1150, 760)
        self.project_root = Path(project_root).resolve() if project_root else None
        self.dataset_dir = Path(dataset_dir) if dataset_dir else None
        self.config = config.copy() if config else soccertrack_config()
        self.jobs = jobs or JobRunner(self)
        self.run_dir: Path | None = None
        self.dataset_page = DatasetPage()
        self.model_page = ModelPage()
        self.augment_page = AugmentPage()
        self.schedule_page = SchedulePage()
        self.hardware_page = HardwarePage()
        self.review_page = ReviewPage()
        self.run_page = RunPage()
        for page in (self.dataset_page, self.model_page, self.augment_page, self.schedule_page,
                     self.hardware_page, self.review_page, self.run_page):
            self.addPage(page)

    # ------------------------------------------------------------- services
    def default_run_dir(self, name: str) -> Path:
        base = self.project_root or (Path.home() / "soccer-desktop-runs")
        return runs.new_run_dir(base, name) if self.project_root else base / runs.safe_run_name(name)

    def previous_checkpoints(self) -> list[tuple[str, Path]]:
        """(label, best weights file) of the project's finished runs, newest first."""
        if self.project_root is None:
            return []
        from soccer_desktop.core.errors import UserError
        from soccer_desktop.project.store import Project

        found = []
        try:
            with Project.open(self.project_root) as project:
                for record in runs.list_runs(project):
                    manifest = record.manifest() or {}
                    best = manifest.get("best_checkpoint")
                    if best and (Path(record.directory) / best).is_file():
                        score = f", mAP {record.best_map:.3f}" if record.best_map is not None else ""
                        found.append((f"{record.name} ({record.status}{score})", Path(record.directory) / best))
        except UserError as error:
            log.warning("Could not list the project's runs: %s", error)
        return found

    def show_error(self, message: str) -> None:
        log.warning("Shown to the user: %s", message)
        box = QMessageBox(QMessageBox.Icon.Warning, "Training", message, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.sig_message.emit(message)

    def start_run(self, monitor) -> None:  # noqa: ANN001 - RunMonitor (imported lazily by the run page)
        assert self.run_dir is not None and self.dataset_dir is not None
        monitor.start(self.config.copy(), self.dataset_dir, self.run_dir, self.project_root)
        self.sig_run_started.emit(self.run_dir)

    # ------------------------------------------------------------- closing
    def done(self, result: int) -> None:
        """Close the wizard. A run it started goes on in the background (Cancel it on the run page first to
        stop it); it stays listed with the project's runs, where it can be opened again."""
        monitor = self.run_page.monitor
        if monitor.is_running():
            log.info("The training run in %s goes on in the background", monitor.run_dir)
        monitor.timer.stop()
        self.jobs.cancel_owned_by(self)  # only the wizard's own jobs: the main window's go on
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.jobs.cancel_owned_by(self)
        super().closeEvent(event)


def open_training_wizard(parent: QWidget | None = None, project_root: Path | None = None,
                         dataset_dir: Path | None = None, jobs: JobRunner | None = None,
                         config: TrainingConfig | None = None) -> TrainingWizard:
    """Create and show the wizard (not modal); keep the returned object alive while it is open."""
    wizard = TrainingWizard(project_root, dataset_dir, config, jobs, parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.show()
    return wizard
