"""Painting the annotation canvas: the frame, its boxes, and what follows the pointer (loupe, ball preview, banner).

The widget (:mod:`soccer_desktop.gui.canvas.canvas_widget`) keeps the state and
the gestures; this module keeps the look. :class:`CanvasPainter`
reads no widget state: the widget's ``paintEvent`` hands it what to draw, in
draw order, and it owns only what painting alone needs (the label font and the
frame resampled to the zoom). The measures of what is drawn around a box
(margins, label size) are here too; the widget reads them to know which
rectangles a change repaints.
"""

from __future__ import annotations

import math
from collections.abc import Container, Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen

from soccer_desktop.editing.geometry import Handle, Rect
from soccer_desktop.gui.frame_view import qimage_from_bgr
from soccer_desktop.gui.view_transform import ViewTransform
from soccer_desktop.project.store import Box, BoxSource, ClassId

if TYPE_CHECKING:
    import numpy as np

#: Screen pixels: how near a handle the pointer must be (a box under three of these gets small handles outside it).
HANDLE_TOLERANCE = 6.0
HANDLE_SIZE = 7
#: Room around a box that its outline, handles, ball ring and label may cover (for partial repaints).
BOX_MARGIN = 12
LABEL_HEIGHT = 18
LABEL_WIDTH = 170
#: A ball smaller than this on screen gets a ring around it so it stays visible when zoomed out.
RING_BELOW = 8.0
RING_RADIUS = 9.0

BACKGROUND = QColor(30, 30, 30)
PLACEHOLDER = QColor(70, 70, 70)
CLASS_COLOURS = {ClassId.PLAYER: QColor(0, 200, 255), ClassId.BALL: QColor(255, 60, 200)}


def box_label(box: Box) -> str:
    text = box.class_id.label
    if box.score is not None:
        text += f" {box.score:.2f}"
    if box.source == BoxSource.PSEUDO:
        text += " · pseudo"
    return text


class CanvasPainter:
    """Paints the canvas onto a widget's painter from what it is given; keeps the label font and the resampled frame."""

    def __init__(self, font: QFont) -> None:
        self._font = QFont(font)
        self._font.setPointSizeF(max(7.0, self._font.pointSizeF() * 0.9))
        self._metrics = QFontMetrics(self._font)
        self._scaled: tuple[float, QImage, object] | None = None

    def forget_scaled(self) -> None:
        """The frame changed: its copy resampled to the zoom is stale."""
        self._scaled = None

    def _scaled_image(self, array: np.ndarray, scale: float) -> QImage:
        """The frame resampled to the current zoom (area averaging keeps a few-pixel ball visible)."""
        if self._scaled is None or self._scaled[0] != scale:
            array = downscale(array, scale)
            self._scaled = (scale, qimage_from_bgr(array), array)
        return self._scaled[1]

    def paint_image(self, painter: QPainter, clip: QRect, transform: ViewTransform, size: tuple[int, int] | None,
                    image: QImage | None, array: np.ndarray | None) -> None:
        """The frame (``image``, or a placeholder of ``size`` when missing) inside ``clip``; ``array`` is its pixels."""
        if size is None:
            return
        t = transform
        if image is None:  # the whole frame's place on screen
            painter.fillRect(QRectF(t.offset_x, t.offset_y, size[0] * t.scale, size[1] * t.scale), PLACEHOLDER)
            return
        if t.scale < 1.0:
            assert array is not None
            scaled = self._scaled_image(array, t.scale)
            ox, oy = round(t.offset_x), round(t.offset_y)
            source = clip.translated(-ox, -oy).intersected(scaled.rect())
            if not source.isEmpty():
                painter.drawImage(source.topLeft() + QPoint(ox, oy), scaled, source)
            return
        width, height = size
        x0 = max(0, math.floor((clip.left() - t.offset_x) / t.scale))
        y0 = max(0, math.floor((clip.top() - t.offset_y) / t.scale))
        x1 = min(width, math.ceil((clip.right() + 1 - t.offset_x) / t.scale))
        y1 = min(height, math.ceil((clip.bottom() + 1 - t.offset_y) / t.scale))
        if x1 <= x0 or y1 <= y0:
            return
        target = QRectF(x0 * t.scale + t.offset_x, y0 * t.scale + t.offset_y, (x1 - x0) * t.scale, (y1 - y0) * t.scale)
        painter.drawImage(target, image, QRectF(x0, y0, x1 - x0, y1 - y0))

    def paint_boxes(self, painter: QPainter, clip: QRect, boxes: Iterable[tuple[Box, QRectF]],
                    selected_ids: Container[int], hover: int | None, show_scores: bool) -> None:
        """``boxes`` (each with its place on screen) that reach into ``clip``, their handles and labels."""
        reach = QRectF(clip).adjusted(-BOX_MARGIN - LABEL_WIDTH, -BOX_MARGIN, BOX_MARGIN, BOX_MARGIN + LABEL_HEIGHT)
        groups: dict[tuple[ClassId, bool, bool], list[QRectF]] = {}
        rings: dict[tuple[ClassId, bool, bool], list[QPointF]] = {}
        labels: list[tuple[Box, QRectF]] = []
        handles: list[tuple[Box, QRectF]] = []
        for box, shown in boxes:
            if not shown.intersects(reach):
                continue
            selected = box.id in selected_ids
            key = (box.class_id, box.source == BoxSource.PSEUDO, selected)
            groups.setdefault(key, []).append(shown)
            if box.class_id == ClassId.BALL and max(shown.width(), shown.height()) < RING_BELOW:
                rings.setdefault(key, []).append(shown.center())
            if selected:
                handles.append((box, shown))
            if box.id == hover or selected or (show_scores and box.source == BoxSource.PSEUDO):
                labels.append((box, shown))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for key, rects in groups.items():
            painter.setPen(_pen(*key))
            painter.drawRects(rects)
            for centre in rings.get(key, ()):
                painter.drawEllipse(centre, RING_RADIUS, RING_RADIUS)
        if handles:
            painter.setPen(QPen(QColor(20, 20, 20)))
            painter.setBrush(QBrush(QColor(255, 255, 255)))
            for box, shown in handles:
                painter.drawRects(_handle_rects(shown))
        if labels:
            painter.setFont(self._font)
            for box, shown in labels:
                self._paint_label(painter, box, shown)

    def _paint_label(self, painter: QPainter, box: Box, shown: QRectF) -> None:
        text = box_label(box)
        width = min(LABEL_WIDTH, self._metrics.horizontalAdvance(text) + 6)
        area = QRectF(shown.left(), shown.top() - LABEL_HEIGHT + 1, width, LABEL_HEIGHT - 2)
        painter.fillRect(area, QColor(0, 0, 0, 170))
        painter.setPen(QPen(CLASS_COLOURS[box.class_id]))
        painter.drawText(area.adjusted(3, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    @staticmethod
    def paint_band(painter: QPainter, shown: QRectF, drawing: ClassId | None) -> None:
        """A box being drawn (of class ``drawing``), or the rubber band of a selection when ``drawing`` is None."""
        if drawing is not None:
            painter.setPen(_pen(drawing, False, True))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            pen = QPen(QColor(255, 255, 255))
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(QBrush(QColor(255, 255, 255, 40)))
        painter.drawRect(shown)

    @staticmethod
    def paint_ball_preview(painter: QPainter, shown: QRectF) -> None:
        """Where a click of the ball tool would put the ball."""
        painter.setPen(_pen(ClassId.BALL, True, False))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(shown)
        if max(shown.width(), shown.height()) < RING_BELOW:
            painter.drawEllipse(shown.center(), RING_RADIUS, RING_RADIUS)

    def paint_loupe(self, painter: QPainter, area: QRect, scale: float, point: tuple[float, float],
                    size: tuple[int, int], image: QImage | None, boxes: Iterable[tuple[Box, Rect]],
                    selected_ids: Container[int]) -> None:
        """The frame around image ``point`` magnified ``scale`` times into ``area``, with ``boxes`` (image pixels)."""
        ix, iy = point
        ox = area.x() + area.width() / 2 - ix * scale
        oy = area.y() + area.height() / 2 - iy * scale
        painter.save()
        painter.setClipRect(area)
        painter.fillRect(area, BACKGROUND)
        width, height = size
        x0 = max(0, math.floor((area.left() - ox) / scale))
        y0 = max(0, math.floor((area.top() - oy) / scale))
        x1 = min(width, math.ceil((area.right() + 1 - ox) / scale))
        y1 = min(height, math.ceil((area.bottom() + 1 - oy) / scale))
        if image is not None and x1 > x0 and y1 > y0:
            painter.drawImage(QRectF(x0 * scale + ox, y0 * scale + oy, (x1 - x0) * scale, (y1 - y0) * scale),
                              image, QRectF(x0, y0, x1 - x0, y1 - y0))
        seen = Rect(x0, y0, max(0, x1 - x0), max(0, y1 - y0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for box, rect in boxes:
            if rect.intersects(seen):
                painter.setPen(_pen(box.class_id, box.source == BoxSource.PSEUDO, box.id in selected_ids))
                painter.drawRect(QRectF(rect.x * scale + ox, rect.y * scale + oy, rect.w * scale, rect.h * scale))
        centre = QPointF(area.x() + area.width() / 2, area.y() + area.height() / 2)
        for colour, width in ((QColor(0, 0, 0, 200), 3), (QColor(255, 255, 255), 1)):
            pen = QPen(colour)
            pen.setWidth(width)
            painter.setPen(pen)
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                painter.drawLine(centre + QPointF(dx * 4, dy * 4), centre + QPointF(dx * 14, dy * 14))
        painter.setPen(QPen(QColor(255, 255, 255)))
        painter.setFont(self._font)
        painter.drawText(QRectF(area).adjusted(4, 0, -4, -2), Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft,
                         f"{scale:.0f}×  x {ix:.1f}  y {iy:.1f}")
        painter.restore()
        painter.setPen(QPen(QColor(255, 255, 255)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(area)

    def paint_message(self, painter: QPainter, message: str, widget_width: int) -> None:
        """``message`` as a banner across the top of a widget ``widget_width`` pixels wide."""
        width = max(100, widget_width - 40)
        bounds = self._metrics.boundingRect(QRect(0, 0, width - 16, 1000), Qt.TextFlag.TextWordWrap, message)
        area = QRect(20, 10, width, bounds.height() + 12)
        painter.fillRect(area, QColor(150, 30, 30, 230))
        painter.setPen(QPen(QColor(255, 255, 255)))
        painter.setFont(self._font)
        painter.drawText(area.adjusted(8, 6, -8, -6), Qt.TextFlag.TextWordWrap, message)


def _pen(class_id: ClassId, pseudo: bool, selected: bool) -> QPen:
    colour = QColor(CLASS_COLOURS[class_id])
    pen = QPen(colour)
    pen.setCosmetic(True)
    pen.setWidth(2 if selected else 1)
    if pseudo:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def _handle_rects(shown: QRectF) -> list[QRectF]:
    """The eight handles; a box too small to hold them gets four small corner ones just outside."""
    small = shown.width() < 3 * HANDLE_TOLERANCE or shown.height() < 3 * HANDLE_TOLERANCE
    if small:
        size = 5.0
        return [QRectF(shown.left() - size, shown.top() - size, size, size),
                QRectF(shown.right(), shown.top() - size, size, size),
                QRectF(shown.left() - size, shown.bottom(), size, size),
                QRectF(shown.right(), shown.bottom(), size, size)]
    half = HANDLE_SIZE / 2
    return [QRectF(shown.left() + shown.width() * fx - half, shown.top() + shown.height() * fy - half,
                   HANDLE_SIZE, HANDLE_SIZE) for handle in Handle for fx, fy in [handle.value]]


def downscale(image: np.ndarray, scale: float) -> np.ndarray:
    """``image`` shrunk by ``scale`` (< 1) for display, averaging pixels so a few-pixel ball stays visible.

    An integer area reduction first (OpenCV's fast path), then bilinear for
    the rest (a factor above 0.5, where bilinear loses nothing). The image
    is cropped to a multiple of the integer factor: the last few pixels at
    the right and bottom edges fall into the last screen pixel or less.
    Pixel ``(x, y)`` of the result shows image point ``(x / scale, y / scale)``.
    """
    import cv2

    height, width = image.shape[:2]
    factor = max(1, int(1 / scale))
    if factor > 1:
        width, height = (width // factor) * factor, (height // factor) * factor
        image = cv2.resize(image[:height, :width], (width // factor, height // factor), interpolation=cv2.INTER_AREA)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if size != (image.shape[1], image.shape[0]):
        image = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
    return image


def region_area(rects: Sequence[QRect]) -> int:
    """Pixels covered by a list of repainted rectangles (counting overlaps once per rectangle)."""
    return sum(r.width() * r.height() for r in rects)
