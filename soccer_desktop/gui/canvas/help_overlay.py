"""The shortcut list drawn over the canvas (? or F1), built from the keymap in use."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QMouseEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from soccer_desktop.editing.keymap import ACTIONS, MOUSE_GESTURES, PRESET_TITLES, Keymap


def shown_key(key: str) -> str:
    """A key as the platform writes it (Ctrl becomes ⌘ on macOS)."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) or key


def help_html(keymap: Keymap) -> str:
    groups: dict[str, list[str]] = {}
    bindings = keymap.bindings()
    for spec in ACTIONS:
        keys = " / ".join(f"<b>{html.escape(shown_key(k))}</b>" for k in bindings[spec.id]) or "<i>unbound</i>"
        groups.setdefault(spec.group, []).append(
            f"<tr><td style='padding-right:14px'>{keys}</td><td>{html.escape(spec.title)}</td></tr>"
        )
    groups["Mouse"] = [
        f"<tr><td style='padding-right:14px'><b>{html.escape(k)}</b></td><td>{html.escape(t)}</td></tr>"
        for k, t in MOUSE_GESTURES
    ]
    columns = []
    for name, rows in groups.items():
        columns.append(f"<h3 style='margin:6px 0 2px 0'>{html.escape(name)}</h3><table>{''.join(rows)}</table>")
    title = PRESET_TITLES.get(keymap.preset, keymap.preset)
    return (
        f"<h2 style='margin:0'>Canvas shortcuts — {html.escape(title)}</h2>"
        "<p style='margin:2px 0'>Every edit is stored at once; undo and redo too. "
        "Change keys with <b>Keys…</b>. Press ? or Esc to close.</p>"
        f"<table><tr><td valign='top' style='padding-right:24px'>{''.join(columns[:3])}</td>"
        f"<td valign='top'>{''.join(columns[3:])}</td></tr></table>"
    )


class HelpOverlay(QWidget):
    """A translucent panel over the canvas listing every shortcut; a click closes it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setObjectName("canvasHelp")
        self.setStyleSheet("#canvasHelp { background: rgba(15, 15, 15, 225); } QLabel { color: #eee; }")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setMargin(16)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setStyleSheet("background: transparent;")
        scroll.setWidget(self.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.hide()

    def set_keymap(self, keymap: Keymap) -> None:
        self.label.setText(help_html(keymap))

    def text(self) -> str:
        return self.label.text()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.hide()
        event.accept()
