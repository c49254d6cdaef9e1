"""Every running job in view: a status-bar button and the small panel it opens (progress, ETA, Cancel each).

The button shows the job a person waits for (the oldest one that is not
background housekeeping such as re-ranking the review queue) and how many
others run; a click opens the panel, one row per job. Rows come and go with
the jobs (:class:`~soccer_desktop.gui.job_runner.JobRunner` releases finished
ones).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.core.jobs import Progress
from soccer_desktop.gui.job_runner import Job, JobRunner


def _describe(job: Job) -> str:
    progress = job.last_progress
    if progress is None or progress.fraction is None:
        return job.name
    text = f"{job.name}: {progress.fraction:.0%}"
    return text + (f" · ETA {job.last_eta}" if job.last_eta else "")


class JobRow(QWidget):
    """One job: its name and latest message, a progress bar with the ETA, and Cancel."""

    def __init__(self, job: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.label = QLabel(job.name)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setMinimumWidth(220)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop this job at its next safe point; work it finished is kept")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel)
        job.sig_progress.connect(self.show_progress)
        if job.last_progress is not None:
            self.show_progress(job.last_progress, job.last_eta)

    def show_progress(self, progress: Progress, eta: str) -> None:
        if progress.total > 0:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(min(progress.done, progress.total))
            self.bar.setFormat(f"%p%  ETA {eta}" if eta else "%p%")
        if self.cancel_button.isEnabled():
            self.label.setText(f"{self.job.name}: {progress.message}" if progress.message else self.job.name)

    def cancel(self) -> None:
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self.label.setText(f"{self.job.name}: cancelling…")


class JobsPanel(QFrame):
    """A small tool window listing every running job."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool)
        self.setWindowTitle("Running jobs")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.rows: dict[Job, JobRow] = {}
        self._layout = QVBoxLayout(self)
        self.empty = QLabel("No job is running.")
        self._layout.addWidget(self.empty)
        runner.sig_job_started.connect(self.add_job)
        for job in runner.running():
            self.add_job(job)

    def add_job(self, job: Job) -> None:
        row = JobRow(job, self)
        self.rows[job] = row
        self._layout.addWidget(row)
        self.empty.setVisible(False)
        job.sig_done.connect(lambda: self.remove_job(job))

    def remove_job(self, job: Job) -> None:
        row = self.rows.pop(job, None)
        if row is not None:
            row.setParent(None)
            row.deleteLater()
        self.empty.setVisible(not self.rows)
        self.adjustSize()


class JobsButton(QToolButton):
    """Status-bar button: the job being waited for (progress, ETA) and how many others run; opens the panel."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.panel = JobsPanel(runner, self)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setToolTip("Show every running job, each with its progress and a Cancel button")
        self.clicked.connect(self.toggle_panel)
        runner.sig_job_started.connect(self._follow)
        self.setVisible(False)

    def _follow(self, job: Job) -> None:
        job.sig_progress.connect(lambda _p, _eta: self.refresh())
        job.sig_done.connect(self.refresh)
        self.refresh()

    def shown_job(self) -> Job | None:
        jobs = self.runner.foreground() or self.runner.running()
        return jobs[0] if jobs else None

    def refresh(self) -> None:
        jobs = self.runner.running()
        shown = self.shown_job()
        if shown is None:
            self.setVisible(False)
            self.panel.hide()
            return
        others = len(jobs) - 1
        self.setText(f"⏳ {_describe(shown)}" + (f"  (+{others} more)" if others else ""))
        self.setVisible(True)

    def toggle_panel(self) -> None:
        if self.panel.isVisible():
            self.panel.hide()
            return
        self.panel.adjustSize()
        corner = self.mapToGlobal(self.rect().topRight())
        self.panel.move(corner.x() - self.panel.width(), corner.y() - self.panel.height())
        self.panel.show()
        self.panel.raise_()


def confirm_cancel_running_jobs(runner: JobRunner, parent: QWidget) -> bool:
    """Before quitting: True when no job a person waits for runs, or when they agree to cancel those that do."""
    running = runner.foreground()
    if not running:
        return True
    names = "\n".join(f"• {job.name}" for job in running)
    box = QMessageBox(QMessageBox.Icon.Question, "Quit Soccer Desktop",
                      f"{len(running)} job{'s are' if len(running) > 1 else ' is'} still running:\n{names}\n\n"
                      "Quit and cancel them? Work they finished is kept; an unfinished export is removed.",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText("Quit and cancel")
    box.button(QMessageBox.StandardButton.No).setText("Keep working")
    return box.exec() == QMessageBox.StandardButton.Yes
