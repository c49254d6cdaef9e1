"""First page a new user sees: open the demo project, create or open a project, or a video."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    sig_open_demo = Signal()
    sig_new_project = Signal()
    sig_open_project = Signal()
    sig_open_video = Signal()

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
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        for button in (self.demo_button, self.new_button, self.open_button, self.video_button):
            button.setMinimumHeight(36)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.demo_button.clicked.connect(self.sig_open_demo)
        self.new_button.clicked.connect(self.sig_new_project)
        self.open_button.clicked.connect(self.sig_open_project)
        self.video_button.clicked.connect(self.sig_open_video)
