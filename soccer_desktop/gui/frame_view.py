"""A widget that shows one video frame with zoom (wheel around the cursor), pan, fit and 1:1.

It paints a QImage that wraps the frame's numpy array without copying, and
keeps that array alive as long as the image is shown. Zoomed out, it paints
the frame's copy at the display size (made on the decode thread).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from soccer_desktop.gui.overlay import FrameOverlay, OverlayPainter
from soccer_desktop.gui.view_transform import ViewTransform
from soccer_desktop.video.display import DisplayFrame

if TYPE_CHECKING:
    import numpy as np

WHEEL_ZOOM_STEP = 1.25
RESAMPLE_BELOW_SCALE = 0.75  # shrink with OpenCV once per frame: Qt's smooth scaling on every paint costs ~10 ms at 4K


def qimage_from_bgr(image: np.ndarray) -> QImage:
    """Wrap a BGR (or BGRA) uint8 array as a QImage (no copy: keep ``image`` alive while it is used)."""
    if not image.flags["C_CONTIGUOUS"]:
        image = image.copy(order="C")
    height, width = image.shape[:2]
    bgra = image.ndim == 3 and image.shape[2] == 4  # bytes B,G,R,255: Qt's RGB32 on little-endian machines
    layout = QImage.Format.Format_RGB32 if bgra else QImage.Format.Format_BGR888
    return QImage(image.data, width, height, image.strides[0], layout)


class FrameView(QWidget):
    """Zoomable, pannable frame display. Fits the frame until the user zooms or pans."""

    sig_view_changed = Signal()
    """Zoom or pan changed (the transform is in :attr:`transform`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.transform = ViewTransform()
        self._frame: DisplayFrame | None = None
        self._image: tuple[np.ndarray, QImage] | None = None  # the full frame, wrapped once it is painted
        self._shrunk: tuple[np.ndarray, QImage] | None = None  # the copy at the display size, wrapped
        self.overlay: FrameOverlay | None = None
        self._overlay_painter = OverlayPainter()
        self._fit_mode = True
        self._pan_start: QPointF | None = None
        self._background = QColor(30, 30, 30)

    # ------------------------------------------------------------------ frame
    def set_frame(self, frame: DisplayFrame | np.ndarray | None, overlay: FrameOverlay | None = None) -> None:
        """Show a frame (a BGR array, or a decoded frame) and the overlay of that same frame, in one repaint."""
        if frame is not None and not isinstance(frame, DisplayFrame):
            frame = DisplayFrame.from_bgr(frame)
        self._frame = frame
        self.overlay = overlay
        self._image = self._shrunk = None
        if self._fit_mode:
            self._apply_fit()
        self.update()

    def set_overlay(self, overlay: FrameOverlay | None) -> None:
        """Replace the overlay of the frame shown (options changed)."""
        self.overlay = overlay
        self.update()

    @property
    def frame_array(self) -> np.ndarray | None:
        """The BGR frame on screen, at full size."""
        return None if self._frame is None else self._frame.bgr()

    def display_size(self) -> tuple[int, int] | None:
        """The size the frame is painted at, when it is shown resampled (zoomed out enough), else None."""
        size = self.frame_size()
        scale = self.transform.scale
        if size is None or scale >= RESAMPLE_BELOW_SCALE:
            return None
        return round(size[0] * scale), round(size[1] * scale)

    def frame_size(self) -> tuple[int, int] | None:
        return None if self._frame is None else self._frame.size

    # ------------------------------------------------------------------- view
    def fit(self) -> None:
        self._fit_mode = True
        self._apply_fit()
        self.update()
        self.sig_view_changed.emit()

    def _apply_fit(self) -> None:
        size = self.frame_size()
        if size:
            self.transform.fit(size[0], size[1], self.width(), self.height())

    def actual_size(self) -> None:
        """1:1 pixels, around the centre of the view."""
        self._fit_mode = False
        self.transform.set_scale_around(1.0, self.width() / 2, self.height() / 2)
        self.update()
        self.sig_view_changed.emit()

    def zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        anchor = anchor or QPointF(self.width() / 2, self.height() / 2)
        self._fit_mode = False
        self.transform.zoom_around(factor, anchor.x(), anchor.y())
        self.update()
        self.sig_view_changed.emit()

    def is_fitted(self) -> bool:
        return self._fit_mode

    # ---------------------------------------------------------------- events
    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(WHEEL_ZOOM_STEP**steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            self._pan_start = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_start is not None:
            delta = event.position() - self._pan_start
            self._pan_start = event.position()
            self._fit_mode = False
            self.transform.pan(delta.x(), delta.y())
            self.update()
            self.sig_view_changed.emit()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._pan_start = None
        self.unsetCursor()
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._fit_mode:
            self._apply_fit()
            self.sig_view_changed.emit()  # the fitted scale follows the window
        super().resizeEvent(event)

    def _full_image(self) -> QImage:
        assert self._frame is not None
        if self._image is None:
            array = self._frame.bgr()
            self._image = (array, qimage_from_bgr(array))
        return self._image[1]

    def _shrunk_image(self, width: int, height: int) -> QImage:
        """The frame at the size it is shown at (the decode thread made it; a zoom or resize makes it here)."""
        assert self._frame is not None
        if self._shrunk is None or (self._shrunk[1].width(), self._shrunk[1].height()) != (width, height):
            array = self._frame.shrunk((width, height))
            self._shrunk = (array, qimage_from_bgr(array))
        return self._shrunk[1]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._background)
        size = self.frame_size()
        if size is not None:
            t = self.transform
            target = QRectF(t.offset_x, t.offset_y, size[0] * t.scale, size[1] * t.scale)
            if t.scale < RESAMPLE_BELOW_SCALE:  # at whole pixels, its own size: a copy, not a resampling
                shrunk = self._shrunk_image(max(1, round(target.width())), max(1, round(target.height())))
                painter.drawImage(QPoint(round(target.x()), round(target.y())), shrunk)
            else:
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, t.scale < 1.0)
                painter.drawImage(target, self._full_image())
            if self.overlay is not None:
                self._overlay_painter.paint(painter, t, self.overlay, self.font(), self.devicePixelRatioF())
        painter.end()
