"""Help › About / Diagnostics…: the ``soccer-desktop info`` report, read-only, with a Copy button.

The report is collected as a job (its probes run in child processes), so
opening the dialog never imports torch on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from soccer_desktop import __version__
from soccer_desktop.gui.job_runner import Job, JobRunner


class DiagnosticsDialog(QDialog):
    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Soccer Desktop")
        self.resize(820, 640)
        heading = QLabel(f"<h2>Soccer Desktop {__version__}</h2><p>Find every player and the ball, correct the "
                         "boxes, train your own detector. Please paste the report below into a bug report.</p>")
        heading.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText("Collecting diagnostics… (torch, CUDA, video and Qt are checked in separate "
                               "processes; this takes a few seconds)")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.job = self._collect(jobs)

    def _collect(self, jobs: JobRunner) -> Job:
        from soccer_desktop.diagnostics.info import collect_report

        job = jobs.start("Collecting diagnostics", lambda progress, cancel: collect_report().as_text())
        job.sig_finished.connect(self._show_report)
        job.sig_failed.connect(lambda message: self.text.setPlainText(f"Diagnostics failed: {message}"))
        return job

    def _show_report(self, text: str) -> None:
        self.text.setPlainText(text)
        self.copy_button.setEnabled(True)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
