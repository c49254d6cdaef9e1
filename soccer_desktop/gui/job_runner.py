"""One job mechanism for every long task: a plain core function run off the GUI thread.

A job is ``fn(progress, cancel) -> result``. The runner starts it on a worker
thread, relays progress (with ETA) through Qt signals, lets the user cancel,
and reports the outcome: a :class:`UserError` as its own message, anything
else as an unexpected error that is logged with its traceback.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import (
    CancelToken,
    EtaEstimator,
    JobCancelled,
    Progress,
    ProgressCallback,
    format_eta,
)

log = logging.getLogger(__name__)

JobFunction = Callable[[ProgressCallback, CancelToken], Any]
PROGRESS_INTERVAL_S = 0.05


class Job(QObject):
    """A running job. Its signals arrive on the GUI thread."""

    sig_progress = Signal(object, str)
    """Progress report and the ETA text."""
    sig_finished = Signal(object)
    """The job's return value."""
    sig_failed = Signal(str)
    """A message for the user (the traceback, if any, is in the log)."""
    sig_cancelled = Signal()
    sig_done = Signal()
    """Emitted last, whatever the outcome."""

    def __init__(self, name: str, fn: JobFunction, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._fn = fn
        self.cancel_token = CancelToken()
        self._thread = threading.Thread(target=self._run, name=f"job: {name}", daemon=True)
        self._last_report = 0.0

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def is_started(self) -> bool:
        return self._thread.ident is not None

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        eta = EtaEstimator()

        def report(progress: Progress) -> None:
            now = time.monotonic()
            final = progress.total > 0 and progress.done >= progress.total
            if final or now - self._last_report >= PROGRESS_INTERVAL_S:
                self._last_report = now
                self.sig_progress.emit(progress, format_eta(eta.remaining(progress)))

        try:
            result = self._fn(report, self.cancel_token)
        except JobCancelled:
            log.info("Job %r cancelled", self.name)
            self.sig_cancelled.emit()
        except UserError as error:
            log.warning("Job %r failed: %s", self.name, error)
            self.sig_failed.emit(error.for_gui())
        except Exception as error:  # a bug: keep the traceback in the log, tell the user where
            log.exception("Job %r crashed", self.name)
            self.sig_failed.emit(f"{self.name} failed unexpectedly: {error!r}. Details are in the log file.")
        else:
            self.sig_finished.emit(result)
        self.sig_done.emit()


class JobRunner(QObject):
    """Starts jobs and keeps them alive until they end."""

    sig_job_started = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []

    def start(self, name: str, fn: JobFunction) -> Job:
        job = Job(name, fn, self)
        self._jobs.append(job)
        job.sig_done.connect(lambda: self._jobs.remove(job))
        self.sig_job_started.emit(job)
        # Start on the next turn of the event loop, so the caller connects to the job's
        # signals before the first one can be emitted.
        QTimer.singleShot(0, job.start)
        return job

    def running(self) -> list[Job]:
        return list(self._jobs)

    def cancel_all(self, wait_s: float = 5.0) -> None:
        """Ask every job to stop and wait a little for them (used when the window closes)."""
        for job in list(self._jobs):
            job.cancel()
        for job in list(self._jobs):
            if job.is_started():
                job.wait(wait_s)


class JobStatusWidget(QWidget):
    """Status-bar strip: name, progress bar with ETA, and a Cancel button for the current job."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = QLabel()
        self._bar = QProgressBar()
        self._bar.setMaximumWidth(240)
        self._bar.setTextVisible(True)
        self._cancel = QPushButton("Cancel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._label)
        layout.addWidget(self._bar)
        layout.addWidget(self._cancel)
        self._job: Job | None = None
        self._cancel.clicked.connect(self._cancel_current)
        runner.sig_job_started.connect(self._track)
        self.setVisible(False)

    def _track(self, job: Job) -> None:
        self._job = job
        self._label.setText(job.name)
        self._bar.setRange(0, 0)
        self._cancel.setEnabled(True)
        job.sig_progress.connect(self._show_progress)
        job.sig_done.connect(lambda: self._finish(job))
        self.setVisible(True)

    def _show_progress(self, progress: Progress, eta: str) -> None:
        if progress.total > 0:
            self._bar.setRange(0, progress.total)
            self._bar.setValue(progress.done)
            self._bar.setFormat(f"%p%  ETA {eta}")
        self._label.setText(progress.message or (self._job.name if self._job else ""))

    def _cancel_current(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._cancel.setEnabled(False)
            self._label.setText("Cancelling…")

    def _finish(self, job: Job) -> None:
        if job is self._job:
            self._job = None
            self.setVisible(False)
