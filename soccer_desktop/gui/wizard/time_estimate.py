"""The review page's time estimate: a few real training steps, measured before the run starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from soccer_desktop.gui.job_runner import JobRunner
from soccer_desktop.gui.wizard.widgets import ERROR_COLOUR, note
from soccer_desktop.train.config import TrainingConfig


class TimeEstimate(QWidget):
    sig_estimated = Signal(object)
    """The RunEstimate of the configuration shown."""

    NOT_MEASURED = ("How long will it take? <b>Estimate the time</b> runs a few real training steps with these "
                    "settings on this computer (CPU or GPU) and scales them to the whole run.")
    #: Shown while measuring; the run itself needs no estimate, so starting it stops the measurement.
    MEASURING = ("Estimating the time: timing a few training steps on this computer… (Start training does not "
                 "wait for it)")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QPushButton("Estimate the time")
        self.text = note(self.NOT_MEASURED)
        self.estimate: Any = None
        self._job: Any = None
        self._measured: dict[str, Any] | None = None
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addLayout(row)
        self._config: TrainingConfig | None = None
        self._dataset: Path | None = None
        self._jobs: JobRunner | None = None
        self.button.clicked.connect(self.start)

    def show_for(self, config: TrainingConfig, dataset_dir: Path | None, jobs: JobRunner) -> None:
        """The configuration the estimate is for; an estimate of other settings is dropped."""
        self._config, self._dataset, self._jobs = config, dataset_dir, jobs
        if self._measured is not None and self._measured != config.as_dict():
            self.estimate, self._measured = None, None
            self.text.setText(self.NOT_MEASURED)
        self.button.setEnabled(dataset_dir is not None and not self.is_running())

    def is_running(self) -> bool:
        """True from the start of a measurement (even before its thread runs) until it ends."""
        return self._job is not None

    def start(self) -> None:
        if self._config is None or self._dataset is None or self._jobs is None or self.is_running():
            return
        config, dataset = self._config.copy(), self._dataset

        def measure(progress, cancel):  # noqa: ANN001, ANN202
            from soccer_desktop.train.estimate import estimate_training_time

            return estimate_training_time(config, dataset, progress, cancel)

        self.button.setEnabled(False)
        self.text.setText(self.MEASURING)
        self._measured = config.as_dict()
        job = self._jobs.start("Estimating the training time", measure)
        self._job = job
        # A wizard destroyed without closing (its window deleted) must not leave the probe running:
        # the lambda holds only the job's token, never this dying widget.
        token = job.cancel_token
        self.destroyed.connect(lambda *_: token.cancel())
        # Bound methods, not lambdas: Qt drops the call if the wizard is gone by the time the job reports.
        job.sig_progress.connect(self._progress)
        job.sig_finished.connect(self._finished)
        job.sig_failed.connect(self._failed)
        job.sig_cancelled.connect(self._cancelled)
        job.sig_done.connect(self._done)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def _progress(self, progress: Any, _eta: str) -> None:
        self.text.setText(f"{self.MEASURING}<br>{progress.message}")

    def _finished(self, estimate: Any) -> None:
        self.estimate = estimate
        self.text.setText(estimate.describe().replace("\n", "<br>"))
        self.sig_estimated.emit(estimate)

    def _failed(self, message: str) -> None:
        self._measured = None
        self.text.setText(f"<span style='color:{ERROR_COLOUR}'>{message}</span>")

    def _cancelled(self) -> None:
        self._measured = None
        self.text.setText(self.NOT_MEASURED)

    def _done(self) -> None:
        self._job = None
        self.button.setEnabled(self._dataset is not None)
