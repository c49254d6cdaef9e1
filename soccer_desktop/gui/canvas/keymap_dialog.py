"""Remap the canvas shortcuts: choose a preset, edit any action's keys, see conflicts before saving."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.editing.keymap import ACTIONS, PRESET_TITLES, PRESETS, Keymap, KeymapError


def parse_keys(text: str) -> list[str]:
    """``"Ctrl+Shift+Z, Ctrl+Y"`` -> two keys (a comma separates keys here)."""
    return [part.strip() for part in text.split(",") if part.strip()]


class KeymapDialog(QDialog):
    """Edits a copy of a keymap; :meth:`result_keymap` is the accepted one."""

    def __init__(self, keymap: Keymap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Canvas shortcuts")
        self.resize(640, 720)
        self._keymap = keymap
        self._editors: dict[str, QLineEdit] = {}
        self.preset = QComboBox()
        for name in PRESETS:
            self.preset.addItem(PRESET_TITLES.get(name, name), name)
        self.preset.setCurrentIndex(list(PRESETS).index(keymap.preset))
        self.table = QTableWidget(len(ACTIONS), 2)
        self.table.setHorizontalHeaderLabels(["Action", "Keys (comma between keys)"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, spec in enumerate(ACTIONS):
            title = QLabel(f"{spec.group}: {spec.title}")
            title.setToolTip(spec.id)
            self.table.setCellWidget(row, 0, title)
            editor = QLineEdit()
            editor.setObjectName(f"keys-{spec.id}")
            editor.textEdited.connect(self._check)
            self.table.setCellWidget(row, 1, editor)
            self._editors[spec.id] = editor
        self.table.resizeColumnToContents(0)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #c33;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self._restore_preset)
        top = QHBoxLayout()
        top.addWidget(QLabel("Preset"))
        top.addWidget(self.preset, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.preset.currentIndexChanged.connect(self._restore_preset)
        self._fill(keymap)

    def _fill(self, keymap: Keymap) -> None:
        for action, keys in keymap.bindings().items():
            self._editors[action].setText(", ".join(keys))
        self._check()

    def _restore_preset(self) -> None:
        self._fill(Keymap(self.preset.currentData()))

    def edited_keymap(self) -> Keymap:
        """The keymap the table shows; raises KeymapError for keys that cannot be used."""
        keymap = Keymap(self.preset.currentData())
        for action, editor in self._editors.items():
            keymap = keymap.remapped(action, parse_keys(editor.text()))
        return keymap

    def _check(self) -> bool:
        try:
            keymap = self.edited_keymap()
            keymap.check()
        except KeymapError as error:
            self.problems.setText(str(error))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return False
        self.problems.setText("")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        return True

    def accept(self) -> None:
        if self._check():
            self._keymap = self.edited_keymap()
            super().accept()

    def result_keymap(self) -> Keymap:
        return self._keymap

    def set_keys(self, action: str, text: str) -> None:
        """Type keys into an action's row (tests use it)."""
        self._editors[action].setText(text)
        self._editors[action].textEdited.emit(text)

