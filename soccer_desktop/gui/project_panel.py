"""The open project's videos (with missing/changed files flagged) and its counts at a glance."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from soccer_desktop.gui.empty_state import EmptyState
from soccer_desktop.project.store import Video

STATUS_NOTE = {"ok": "", "missing": "  ⚠ file missing", "changed": "  ⚠ file changed"}


class ProjectPanel(QWidget):
    sig_video_chosen = Signal(int)
    """Id of the video to show."""
    sig_open_video_requested = Signal()
    """The empty list's "Open video…" button (the project has no videos)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("No project open")
        self.title.setWordWrap(True)
        self.videos = QListWidget()
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.empty = EmptyState()
        self.empty.add_button("Open video…", self.sig_open_video_requested.emit)
        self.empty.show_only("No videos yet — add the match to label.", "Open video…")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.videos, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.counts)
        self.videos.itemActivated.connect(self._choose)
        self.videos.itemDoubleClicked.connect(self._choose)

    def show_project(self, name: str, root: Path, videos: list[Video], counts: dict[str, int]) -> None:
        self.title.setText(f"<b>{name}</b><br><small>{root}</small>")
        self.videos.clear()
        for video in videos:
            item = QListWidgetItem(f"{Path(video.path).name}{STATUS_NOTE[video.file_status()]}")
            item.setToolTip(
                f"{video.path}\n{video.width}×{video.height}, {video.fps:g} fps, {video.frame_count} frames"
            )
            item.setData(Qt.ItemDataRole.UserRole, video.id)
            self.videos.addItem(item)
        self.videos.setVisible(bool(videos))
        self.empty.setVisible(not videos)
        self.counts.setText(
            f"{counts['videos']} videos · {counts['events']} events<br>"
            f"{counts['frames']} frames extracted · {counts['pseudo_labelled']} pseudo-labelled · "
            f"{counts['reviewed']} reviewed<br>"
            f"{counts['player_boxes']} player boxes · {counts['ball_boxes']} ball boxes"
        )

    def clear(self) -> None:
        self.title.setText("No project open")
        self.videos.clear()
        self.counts.clear()
        self.videos.show()
        self.empty.hide()

    def _choose(self, item: QListWidgetItem) -> None:
        self.sig_video_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))
