"""One job mechanism for every long task: a plain core function run off the GUI thread.

A job is ``fn(progress, cancel) -> result``. The runner starts it on a worker
thread, relays progress (with ETA) through Qt signals, lets the user cancel,
and reports the outcome: a :class:`UserError` as its own message, anything
else as an unexpected error that is logged with its traceback. Every running
job stays listed until it ends (the jobs panel, :mod:`.jobs_panel`, shows
them all); a finished job is released. A job may name its ``owner`` (a
dialog): closing that dialog cancels only the jobs it started.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

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

    def __init__(self, name: str, fn: JobFunction, parent: QObject | None = None, owner: QObject | None = None,
                 background: bool = False) -> None:
        super().__init__(parent)
        self.name = name
        self._fn = fn
        self.owner = owner
        self.background = background
        """A short housekeeping job (e.g. re-ranking the review queue): listed, but never the one the status
        bar shows while another job runs, and quitting does not ask about it."""
        self.cancel_token = CancelToken()
        self.last_progress: Progress | None = None
        self.last_eta = ""
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
                self.last_progress, self.last_eta = progress, format_eta(eta.remaining(progress))
                self.sig_progress.emit(progress, self.last_eta)

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

    def start(self, name: str, fn: JobFunction, owner: QObject | None = None, background: bool = False) -> Job:
        """Start ``fn`` as a job; ``owner`` (a dialog) lets it cancel its own jobs only (:meth:`cancel_owned_by`)."""
        job = Job(name, fn, self, owner=owner, background=background)
        self._jobs.append(job)
        job.sig_done.connect(self._job_done)  # a slot, not a lambda: PySide shares receivers between lambdas
        self.sig_job_started.emit(job)
        # Start on the next turn of the event loop, so the caller connects to the job's
        # signals before the first one can be emitted.
        QTimer.singleShot(0, job.start)
        return job

    @Slot()
    def _job_done(self) -> None:
        job = self.sender()
        if isinstance(job, Job):
            self._release(job)

    def _release(self, job: Job) -> None:
        """A finished job leaves the list and the runner (it is no longer the runner's child)."""
        if job in self._jobs:
            self._jobs.remove(job)
        # Not deleteLater(): PySide shares one receiver between the lambdas of a call site, and deleting a job
        # that one of them was connected to drops later deliveries to the others (checked in PySide6 6.11).
        # Without a list entry or a Qt parent, nothing of the runner keeps the job alive.
        job.setParent(None)

    def running(self) -> list[Job]:
        return list(self._jobs)

    def foreground(self) -> list[Job]:
        """Running jobs a person started and waits for (not background housekeeping, not those just ending)."""
        return [job for job in self._jobs if not job.background and (job.is_running() or not job.is_started())]

    def cancel_owned_by(self, owner: QObject) -> None:
        """Ask the jobs ``owner`` started to stop (a dialog closing); every other job goes on."""
        for job in list(self._jobs):
            if job.owner is owner:
                job.cancel()

    def cancel_all(self, wait_s: float = 5.0) -> list[Job]:
        """Ask every job to stop and wait up to ``wait_s`` in all for them (quitting); returns those still running."""
        for job in list(self._jobs):
            job.cancel()
        deadline = time.monotonic() + wait_s
        for job in list(self._jobs):
            if job.is_started():
                job.wait(max(0.0, deadline - time.monotonic()))
        return [job for job in self._jobs if job.is_running()]
