"""Scrub bar with event markers: drag to scrub, click a marker to jump to its event."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

MARKER_HIT_PX = 5
MARGIN_PX = 8

LABEL_COLOURS = {
    "PASS": QColor(90, 170, 255),
    "HIGH PASS": QColor(160, 120, 255),
    "DRIVE": QColor(255, 200, 60),
    "SHOT": QColor(255, 90, 70),
    "GOAL": QColor(255, 255, 255),
}
DEFAULT_MARKER_COLOUR = QColor(180, 180, 180)


@dataclass(frozen=True)
class Marker:
    frame_index: int
    label: str


class Timeline(QWidget):
    """Horizontal timeline over ``frame_count`` frames."""

    sig_scrubbing = Signal(int)
    """The user is dragging over this frame (show something close, fast)."""
    sig_scrub_released = Signal(int)
    """The user let go on this frame (show exactly it)."""
    sig_marker_clicked = Signal(int)
    """A marker was clicked: the frame of its event."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self._frame_count = 0
        self._position = 0
        self._markers: list[Marker] = []
        self._dragging = False

    def sizeHint(self) -> QSize:
        return QSize(400, 34)

    def set_frame_count(self, frame_count: int) -> None:
        self._frame_count = max(0, frame_count)
        self._position = 0
        self.update()

    def set_position(self, frame_index: int) -> None:
        if frame_index != self._position:
            self._position = frame_index
            self.update()

    def position(self) -> int:
        return self._position

    def is_dragging(self) -> bool:
        return self._dragging

    def set_markers(self, markers: list[Marker]) -> None:
        self._markers = sorted(markers, key=lambda m: m.frame_index)
        self.update()

    def markers(self) -> list[Marker]:
        return list(self._markers)

    # ------------------------------------------------------------- geometry
    def x_of(self, frame_index: int) -> float:
        usable = max(1, self.width() - 2 * MARGIN_PX)
        last = max(1, self._frame_count - 1)
        return MARGIN_PX + usable * frame_index / last

    def frame_at(self, x: float) -> int:
        usable = max(1, self.width() - 2 * MARGIN_PX)
        fraction = min(1.0, max(0.0, (x - MARGIN_PX) / usable))
        return int(round(fraction * max(0, self._frame_count - 1)))

    def marker_at(self, x: float) -> Marker | None:
        best = min(self._markers, key=lambda m: abs(self.x_of(m.frame_index) - x), default=None)
        if best is not None and abs(self.x_of(best.frame_index) - x) <= MARKER_HIT_PX:
            return best
        return None

    # ---------------------------------------------------------------- mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._frame_count == 0:
            return
        x = event.position().x()
        marker = self.marker_at(x) if event.position().y() < self.height() / 2 else None
        if marker is not None:
            self.set_position(marker.frame_index)
            self.sig_marker_clicked.emit(marker.frame_index)
            return
        self._dragging = True
        self.set_position(self.frame_at(x))
        self.sig_scrubbing.emit(self._position)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._dragging:
            index = self.frame_at(x)
            if index != self._position:
                self.set_position(index)
                self.sig_scrubbing.emit(index)
        marker = self.marker_at(x)
        self.setToolTip(f"{marker.label} at frame {marker.frame_index}" if marker else "")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging and event.button() == Qt.MouseButton.LeftButton:
            self._dragging = False
            self.set_position(self.frame_at(event.position().x()))
            self.sig_scrub_released.emit(self._position)

    # ---------------------------------------------------------------- paint
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        height = self.height()
        painter.fillRect(self.rect(), self.palette().window())
        track = QRectF(MARGIN_PX, height * 0.55, self.width() - 2 * MARGIN_PX, height * 0.25)
        painter.fillRect(track, QColor(70, 70, 70))
        if self._frame_count:
            played = QRectF(track.left(), track.top(), self.x_of(self._position) - track.left(), track.height())
            painter.fillRect(played, QColor(60, 140, 220))
            for marker in self._markers:
                x = self.x_of(marker.frame_index)
                painter.setPen(QPen(LABEL_COLOURS.get(marker.label, DEFAULT_MARKER_COLOUR), 2))
                painter.drawLine(int(x), 2, int(x), int(height * 0.5))
            x = self.x_of(self._position)
            painter.setPen(QPen(QColor(255, 255, 255), 2))
            painter.drawLine(int(x), int(height * 0.45), int(x), height - 2)
        painter.end()
