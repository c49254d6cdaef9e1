"""List of a video's events, filterable by label; double-click (or Enter) jumps to one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from soccer_desktop.gui.empty_state import EmptyState
from soccer_desktop.gui.timeline import Marker
from soccer_desktop.project.store import Event

ALL_LABELS = "All events"


class EventsPanel(QWidget):
    sig_jump = Signal(int)
    """Frame index of the chosen event."""
    sig_markers_changed = Signal(list)
    """The markers that pass the label filter (list of Marker)."""
    sig_import_requested = Signal()
    """The empty list's "Import events…" button (the video shown has no events)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._events: list[Event] = []
        self.filter_box = QComboBox()
        self.list = QListWidget()
        self.empty = EmptyState()
        self.empty.add_button("Import events…", self.sig_import_requested.emit)
        self.empty.show_only("No events for this video — import its event file (SoccerNet-style JSON), "
                             "or drop it on the window.", "Import events…")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty, 1)
        self.filter_box.currentIndexChanged.connect(self._refresh)
        self.list.itemActivated.connect(self._jump)
        self.list.itemDoubleClicked.connect(self._jump)

    def set_events(self, events: list[Event]) -> None:
        self._events = list(events)
        labels = sorted({event.label for event in events})
        self.filter_box.blockSignals(True)
        self.filter_box.clear()
        self.filter_box.addItem(ALL_LABELS)
        self.filter_box.addItems(labels)
        self.filter_box.blockSignals(False)
        self.list.setVisible(bool(events))
        self.empty.setVisible(not events)
        self._refresh()

    def set_label_filter(self, label: str | None) -> None:
        index = self.filter_box.findText(label or ALL_LABELS)
        if index >= 0:
            self.filter_box.setCurrentIndex(index)

    def visible_events(self) -> list[Event]:
        label = self.filter_box.currentText()
        return [e for e in self._events if label in ("", ALL_LABELS) or e.label == label]

    def _refresh(self) -> None:
        self.list.clear()
        events = self.visible_events()
        for event in events:
            text = f"{event.game_time or event.position_ms / 1000:>8}  {event.label}"
            if event.team:
                text += f"  ({event.team})"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, event.frame_index)
            self.list.addItem(item)
        self.sig_markers_changed.emit([Marker(e.frame_index, e.label) for e in events])

    def _jump(self, item: QListWidgetItem) -> None:
        self.sig_jump.emit(int(item.data(Qt.ItemDataRole.UserRole)))
