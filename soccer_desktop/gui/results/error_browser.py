"""The error browser: missed balls, ghost balls, near misses, missed and false players, one click from review.

Selecting an error shows its frame zoomed on it, predictions solid and
ground truth dashed; the arrow keys step through the list. "Send to review"
hands the frames to :func:`soccer_desktop.evaluation.review.send_to_review`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.evaluation.dataset import CLASS_NAMES
from soccer_desktop.evaluation.metrics import ERROR_KINDS, ErrorItem, Metrics

COLUMNS = ("Kind", "Frame", "Class", "Score", "Size px")
TRUTH_COLOUR = QColor("#00c853")
PREDICTION_COLOURS = {1: QColor("#2979ff"), 2: QColor("#ff1744")}
FOCUS_COLOUR = QColor("#ffd600")
KIND_LABELS = {"missed ball": "Missed balls", "ghost ball": "Ghost balls", "near miss": "Near misses",
               "missed player": "Missed players", "false player": "False players"}
MIN_VIEW = (240.0, 135.0)  # pixels of the frame shown around a small error at least


class _NumberItem(QTableWidgetItem):
    """A cell that sorts by its number (missing scores last)."""

    def __init__(self, text: str, value: float) -> None:
        super().__init__(text)
        self.value = value

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.value < getattr(other, "value", 0.0)


@dataclass(frozen=True)
class _Drawn:
    xywh: tuple[float, float, float, float]
    class_id: int
    score: float | None


class ErrorView(QWidget):
    """One frame zoomed on an error: predictions solid, ground truth dashed, the error outlined in yellow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 200)
        self._image: np.ndarray | None = None
        self._origin = (0.0, 0.0)
        self._truth: list[_Drawn] = []
        self._predictions: list[_Drawn] = []
        self._focus: tuple[float, float, float, float] | None = None
        self.message = "Select an error to see it"

    def show_error(self, image: np.ndarray | None, truth: Sequence[_Drawn], predictions: Sequence[_Drawn],
                   focus: tuple[float, float, float, float]) -> None:  # fmt: skip
        if image is None:
            self._image, self.message = None, "The frame's image is missing"
            self.update()
            return
        x, y, w, h = focus
        view_w = max(MIN_VIEW[0], 6 * max(w, h))
        view_h = max(MIN_VIEW[1], view_w * 9 / 16)
        height, width = image.shape[:2]
        x0 = int(max(0, min(width - view_w, x + w / 2 - view_w / 2)))
        y0 = int(max(0, min(height - view_h, y + h / 2 - view_h / 2)))
        self._image = np.ascontiguousarray(cv2.cvtColor(image[y0:y0 + int(view_h), x0:x0 + int(view_w)],
                                                        cv2.COLOR_BGR2RGB))  # fmt: skip
        self._origin = (float(x0), float(y0))
        self._truth, self._predictions, self._focus = list(truth), list(predictions), focus
        self.update()

    def clear(self, message: str = "Select an error to see it") -> None:
        self._image, self.message = None, message
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#202020"))
        if self._image is None:
            painter.setPen(QColor("#dddddd"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
            return
        crop = self._image
        scale = min(self.width() / crop.shape[1], self.height() / crop.shape[0])
        left = (self.width() - crop.shape[1] * scale) / 2
        top = (self.height() - crop.shape[0] * scale) / 2
        image = QImage(crop.data, crop.shape[1], crop.shape[0], crop.strides[0], QImage.Format.Format_RGB888)
        painter.drawImage(QRectF(left, top, crop.shape[1] * scale, crop.shape[0] * scale), image)

        def rect(xywh: tuple[float, float, float, float]) -> QRectF:
            return QRectF(left + (xywh[0] - self._origin[0]) * scale, top + (xywh[1] - self._origin[1]) * scale,
                          xywh[2] * scale, xywh[3] * scale)  # fmt: skip

        for drawn in self._truth:
            painter.setPen(QPen(TRUTH_COLOUR, 2, Qt.PenStyle.DashLine))
            painter.drawRect(rect(drawn.xywh))
        for drawn in self._predictions:
            painter.setPen(QPen(PREDICTION_COLOURS[drawn.class_id], 2, Qt.PenStyle.SolidLine))
            painter.drawRect(rect(drawn.xywh))
            if drawn.score is not None:
                box = rect(drawn.xywh)
                painter.drawText(box.topLeft() - QPointF(0, 3), f"{drawn.score:.2f}")
        if self._focus is not None:
            painter.setPen(QPen(FOCUS_COLOUR, 1, Qt.PenStyle.DotLine))
            painter.drawRect(rect(self._focus).adjusted(-6, -6, 6, 6))


class ErrorBrowser(QWidget):
    """Error lists of one evaluation at the slider's confidence; opens and sends errors to review."""

    sig_send_to_review = Signal(list)
    """ErrorItems whose frames should go back to the review queue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._metrics: Metrics | None = None
        self._confidence = 0.3
        self._items: list[ErrorItem] = []
        self.kind_box = QComboBox()
        self.kind_box.addItem("All errors", None)
        for kind in ERROR_KINDS:
            self.kind_box.addItem(KIND_LABELS[kind], kind)
        self.count_label = QLabel()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSortingEnabled(True)
        self.view = ErrorView()
        self.send_button = QPushButton("Send to review")
        self.send_button.setToolTip("Put the selected error's frame at the top of the review queue, with the reason")
        self.send_all_button = QPushButton("Send all shown to review")
        top = QHBoxLayout()
        top.addWidget(self.kind_box)
        top.addWidget(self.count_label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.send_all_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.view)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.kind_box.currentIndexChanged.connect(self._fill)
        self.table.itemSelectionChanged.connect(self._selected)
        self.send_button.clicked.connect(lambda: self.sig_send_to_review.emit(self.selected_items()))
        self.send_all_button.clicked.connect(lambda: self.sig_send_to_review.emit(self.shown_items()))
        self._fill()

    def show_metrics(self, metrics: Metrics | None, confidence: float) -> None:
        self._metrics, self._confidence = metrics, confidence
        self._fill()

    def set_confidence(self, confidence: float) -> None:
        if self._metrics is not None and confidence != self._confidence:
            self._confidence = confidence
            self._fill()

    def shown_items(self) -> list[ErrorItem]:
        return [self._items[int(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))]
                for row in range(self.table.rowCount())]  # fmt: skip

    def selected_items(self) -> list[ErrorItem]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self._items[int(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))] for row in rows]

    def select_row(self, row: int) -> None:
        self.table.setCurrentCell(row, 0)
        self.table.selectRow(row)

    def _fill(self) -> None:
        kind = self.kind_box.currentData()
        self._items = [] if self._metrics is None else self._metrics.errors(self._confidence)
        shown = [(n, item) for n, item in enumerate(self._items) if kind is None or item.kind == kind]
        images = {} if self._metrics is None else self._metrics.dataset.images
        self.table.setSortingEnabled(False)
        self.table.clearSelection()
        self.table.setRowCount(len(shown))
        for row, (number, item) in enumerate(shown):
            image = images.get(item.image_id)
            frame = (f"{image.video} #{image.frame_index}" if image is not None and image.frame_index is not None
                     else image.file_name if image is not None else str(item.image_id))  # fmt: skip
            cells = (
                QTableWidgetItem(item.kind), QTableWidgetItem(frame), QTableWidgetItem(CLASS_NAMES[item.class_id]),
                _NumberItem("—" if item.score is None else f"{item.score:.2f}", -1.0 if item.score is None else item.score),
                _NumberItem(f"{item.size:.1f}", item.size),
            )  # fmt: skip
            cells[0].setData(Qt.ItemDataRole.UserRole, number)
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.table.setSortingEnabled(True)
        self.count_label.setText(f"{len(shown)} shown at confidence {self._confidence:.2f}")
        self.send_all_button.setEnabled(bool(shown))
        self.send_button.setEnabled(False)
        self.view.clear("Select an error to see it" if shown else "No errors of this kind at this confidence")

    def _selected(self) -> None:
        items = self.selected_items()
        self.send_button.setEnabled(bool(items))
        if not items or self._metrics is None:
            return
        item = items[0]
        metrics = self._metrics
        image = metrics.dataset.images[item.image_id]
        picture = cv2.imread(str(image.path), cv2.IMREAD_COLOR)
        truth, dets = metrics.dataset.truth, metrics.detections
        in_truth = truth.image_id == item.image_id
        in_dets = (dets.image_id == item.image_id) & (dets.score >= self._confidence)
        self.view.show_error(
            picture,
            [_Drawn(tuple(b), int(c), None) for b, c in zip(truth.xywh[in_truth], truth.class_id[in_truth], strict=True)],
            [_Drawn(tuple(b), int(c), float(s)) for b, c, s in zip(dets.xywh[in_dets], dets.class_id[in_dets],
                                                                   dets.score[in_dets], strict=True)],
            item.xywh,
        )  # fmt: skip

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Left/Right step through the list too (Up/Down do in the table itself)."""
        step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Left: -1}.get(Qt.Key(event.key()))
        if step is None or not self.table.rowCount():
            super().keyPressEvent(event)
            return
        self.select_row(max(0, min(self.table.rowCount() - 1, self.table.currentRow() + step)))
