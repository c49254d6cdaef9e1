"""First page a new user sees: open the demo project, create or open a project, or a video.

It also says whether a GPU was found (and what it means when not) and where
RF-DETR weights go. That check runs on a plain daemon thread (it may ask torch,
in a child process, for seconds) and the page polls for the answer with a
timer, so the GUI thread never waits and no Qt object crosses threads.
"""

from __future__ import annotations

import html
import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:  # the diagnostics modules load in the check's thread, after the window is up
    from soccer_desktop.diagnostics.first_run import FirstRunFacts

log = logging.getLogger(__name__)
POLL_MS = 100
CHECK_DELAY_MS = 300


def _set_wrapped(label: QLabel, text: str) -> None:
    """Set wrapped rich text and reserve its full height (a centred layout item would otherwise clip it)."""
    label.setText(text)
    label.setMinimumHeight(label.heightForWidth(label.width()))


class WelcomePage(QWidget):
    sig_open_demo = Signal()
    sig_new_project = Signal()
    sig_open_project = Signal()
    sig_open_video = Signal()
    sig_facts_shown = Signal(object)
    """The GPU and weights facts (a FirstRunFacts) are on the page now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h1>Soccer Desktop</h1>"
                       "<p>Find every player and the ball, correct the boxes, train your own detector.</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setWordWrap(True)
        self.demo_button = QPushButton("Open the demo project (a synthetic match)")
        self.new_button = QPushButton("New project…")
        self.open_button = QPushButton("Open project…")
        self.video_button = QPushButton("Open a video…")
        self.gpu_label = QLabel("Checking for a GPU…")
        self.weights_label = QLabel("")
        self.models_button = QPushButton("Open the models folder")
        self.models_button.setVisible(False)
        for label in (self.gpu_label, self.weights_label):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)  # the lines are centred; the label spans the page
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        for button in (self.demo_button, self.new_button, self.open_button, self.video_button):
            button.setMinimumHeight(36)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(24)
        # Added without an alignment so the layout gives the wrapped text its height for the page's width
        # (a fixed width would make the window at least that wide, docks included).
        layout.addWidget(self.gpu_label)
        layout.addWidget(self.weights_label)
        layout.addWidget(self.models_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.demo_button.clicked.connect(self.sig_open_demo)
        self.new_button.clicked.connect(self.sig_new_project)
        self.open_button.clicked.connect(self.sig_open_project)
        self.video_button.clicked.connect(self.sig_open_video)
        self.models_button.clicked.connect(self._open_models_folder)
        self.facts: FirstRunFacts | None = None
        self._answer: list[FirstRunFacts | str] = []
        self._check_started = False
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect_answer)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._check_started:
            self._check_started = True
            # Once the window is up and has painted: the check's imports would otherwise compete with start-up.
            QTimer.singleShot(CHECK_DELAY_MS, self.start_check)

    def start_check(self) -> None:
        """Look for a GPU and weights in the background; the page updates when the answer arrives."""
        answer = self._answer

        def check() -> None:
            try:
                from soccer_desktop.diagnostics.first_run import gather_first_run_facts

                answer.append(gather_first_run_facts())
            except Exception as error:  # the page must say something rather than "Checking…" forever
                log.exception("The first-run check failed")
                answer.append(f"The GPU check failed ({error!r}); Help › About / Diagnostics… says more.")

        threading.Thread(target=check, name="first-run-check", daemon=True).start()
        self._poll.start()

    def _collect_answer(self) -> None:
        if not self._answer:
            return
        self._poll.stop()
        answer = self._answer.pop()
        if isinstance(answer, str):
            _set_wrapped(self.gpu_label, html.escape(answer))
            return
        self.show_facts(answer)

    def show_facts(self, facts: FirstRunFacts) -> None:
        from soccer_desktop.diagnostics.first_run import NO_GPU_MEANING

        self.facts = facts
        if facts.gpu.found:
            _set_wrapped(self.gpu_label, f"<b>GPU found:</b> {html.escape(facts.gpu.summary)}. RF-DETR pseudo-labelling "
                                   "and training run on it.")
        else:
            _set_wrapped(self.gpu_label, f"<b>{html.escape(facts.gpu.summary)}</b><br>{html.escape(NO_GPU_MEANING)}")
        folder = html.escape(str(facts.models_dir))
        if facts.weights_found:
            found = ", ".join(f"{size} ({html.escape(str(path))})" for size, path in facts.weights_found.items())
            _set_wrapped(self.weights_label, f"<b>RF-DETR weights found:</b> {found}. More sizes go into {folder}.")
        else:
            names = ", ".join(html.escape(name) for name in facts.weight_files.values())
            _set_wrapped(self.weights_label, 
                f"<b>RF-DETR weights:</b> none yet. Put a weights file ({names}) into {folder}. With internet, "
                "RF-DETR downloads the COCO weights on first use instead; motion proposals need no weights.")
        self.models_button.setVisible(True)
        self.sig_facts_shown.emit(facts)

    def _open_models_folder(self) -> None:
        if self.facts is not None:
            self.facts.models_dir.mkdir(parents=True, exist_ok=True)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.facts.models_dir)))
