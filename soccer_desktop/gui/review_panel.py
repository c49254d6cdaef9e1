"""The review queue panel: frames ranked by how much a person's look is worth.

Ranking reads every box of the project, so it runs as a background job with
its own database connection; the panel only shows the result.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.gui.empty_state import EmptyState
from soccer_desktop.gui.job_runner import Job, JobRunner
from soccer_desktop.labels.review_queue import ReviewFilter, ReviewItem, rank_frames, review_counts
from soccer_desktop.project.store import ClassId, Project, Video

REVIEWED_CHOICES = (("Unreviewed", False), ("Reviewed", True), ("All frames", None))
BALL_CHOICES = (("With or without ball", None), ("Has ball", True), ("No ball", False))
COLUMNS = ("Frame", "Score", "Why")


class ReviewPanel(QWidget):
    sig_open_frame = Signal(int)
    """Id of the frame to open (in the canvas, or the video panel at that frame)."""
    sig_ranked = Signal()
    """The list was refreshed."""
    sig_extract_requested = Signal()
    """The empty list's "Extract frames…" button (the project has no frames)."""
    sig_train_requested = Signal()
    """The empty list's "New training run…" button (every frame is reviewed)."""

    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._root: Path | None = None
        self._videos: dict[int, Video] = {}
        self._items: list[ReviewItem] = []
        self._ranking: Job | None = None
        self._stale = False

        self.counts = QLabel("No project open")
        self.counts.setWordWrap(True)
        self.reviewed_box = QComboBox()
        for text, value in REVIEWED_CHOICES:
            self.reviewed_box.addItem(text, value)
        self.ball_box = QComboBox()
        for text, value in BALL_CHOICES:
            self.ball_box.addItem(text, value)
        self.video_box = QComboBox()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.empty = EmptyState()
        self.empty.add_button("Extract frames…", self.sig_extract_requested.emit)
        self.empty.add_button("New training run…", self.sig_train_requested.emit)
        self.empty.hide()
        self.next_button = QPushButton("Next to review")
        self.next_button.setToolTip("Open the top unreviewed frame of the list")

        filters = QHBoxLayout()
        filters.addWidget(self.reviewed_box)
        filters.addWidget(self.ball_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.counts)
        layout.addLayout(filters)
        layout.addWidget(self.video_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.next_button)

        for box in (self.reviewed_box, self.ball_box, self.video_box):
            box.currentIndexChanged.connect(self.refresh)
        self.table.cellActivated.connect(lambda row, _column: self._open_row(row))
        self.table.cellDoubleClicked.connect(lambda row, _column: self._open_row(row))
        self.next_button.clicked.connect(self.open_next)
        self.setEnabled(False)

    # ----------------------------------------------------------------- state
    def set_project(self, project: Project | None) -> None:
        self._root = None if project is None else project.root
        self._videos = {} if project is None else {video.id: video for video in project.videos()}
        self.video_box.blockSignals(True)
        self.video_box.clear()
        self.video_box.addItem("All videos", None)
        for video in self._videos.values():
            self.video_box.addItem(Path(video.path).name, video.id)
        self.video_box.blockSignals(False)
        self.setEnabled(project is not None)
        self.refresh()

    def current_filter(self) -> ReviewFilter:
        return ReviewFilter(
            reviewed=self.reviewed_box.currentData(),
            has_ball=self.ball_box.currentData(),
            video_id=self.video_box.currentData(),
        )

    def items(self) -> list[ReviewItem]:
        return list(self._items)

    def refresh(self) -> None:
        """Rank again in the background (a refresh asked for during a ranking runs after it)."""
        if self._root is None:
            self._show([], None)
            return
        if self._ranking is not None:
            self._stale = True
            return
        root, review_filter = self._root, self.current_filter()

        def rank(progress: object, cancel: object) -> tuple[list[ReviewItem], object]:
            with Project.open(root) as project:
                return rank_frames(project, review_filter), review_counts(project)

        self._ranking = self._jobs.start("Ranking frames for review", rank, background=True)
        self._ranking.sig_finished.connect(lambda result: self._show(*result))
        self._ranking.sig_done.connect(self._ranking_done)

    def _ranking_done(self) -> None:
        self._ranking = None
        if self._stale:
            self._stale = False
            self.refresh()

    def _show(self, items: list[ReviewItem], counts: object) -> None:
        self._items = items
        if counts is None:
            self.counts.setText("No project open")
        else:
            self.counts.setText(
                f"{counts.frames} frames extracted · {counts.pseudo_labelled} pseudo-labelled · "
                f"{counts.reviewed} reviewed<br>{counts.boxes[ClassId.PLAYER]} player boxes · "
                f"{counts.boxes[ClassId.BALL]} ball boxes"
            )
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            frame = item.frame
            video = self._videos.get(frame.video_id) if frame.video_id is not None else None
            name = f"{Path(video.path).stem} #{frame.frame_index}" if video else Path(frame.image_path).name
            cells = (name, f"{item.score:.1f}", ", ".join(item.reasons) or ("reviewed" if frame.reviewed else "—"))
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, frame.id)
                if item.requested:  # sent back from the results viewer: stands out at the top
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, column, cell)
        self.next_button.setEnabled(any(not item.frame.reviewed for item in items))
        self._show_empty_state(items, counts)
        self.sig_ranked.emit()

    def _show_empty_state(self, items: list[ReviewItem], counts: object) -> None:
        """An empty list says why, and offers the next step."""
        empty = counts is not None and not items
        self.table.setVisible(not empty)
        self.empty.setVisible(empty)
        if not empty:
            return
        if counts.frames == 0:
            self.empty.show_only("No frames yet — extract frames from the videos, then pseudo-label them.",
                                 "Extract frames…")
        elif self.current_filter() == ReviewFilter(reviewed=False) and counts.reviewed == counts.frames:
            self.empty.show_only("Every frame is reviewed — train a detector on them.", "New training run…")
        else:
            self.empty.show_only("No frame matches these filters.")

    # ------------------------------------------------------------ navigation
    def open_next(self) -> None:
        """Open the most valuable unreviewed frame in the list."""
        for item in self._items:
            if not item.frame.reviewed:
                self.sig_open_frame.emit(item.frame.id)
                return

    def next_frame_id(self) -> int | None:
        return next((item.frame.id for item in self._items if not item.frame.reviewed), None)

    def _open_row(self, row: int) -> None:
        self.sig_open_frame.emit(int(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)))
