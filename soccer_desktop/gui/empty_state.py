"""An empty state that says what to do next, with a button for it ("No frames yet — Extract frames…")."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    """A centred sentence and the buttons that do the next step."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        self._buttons.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addLayout(self._buttons)
        layout.addStretch(1)

    def add_button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False: slot())
        self._buttons.insertWidget(self._buttons.count() - 1, button)
        self.buttons[text] = button
        return button

    def show_only(self, text: str, *buttons: str) -> None:
        """Show ``text`` with just the named buttons."""
        self.label.setText(text)
        for name, button in self.buttons.items():
            button.setVisible(name in buttons)

    def text(self) -> str:
        return self.label.text()
