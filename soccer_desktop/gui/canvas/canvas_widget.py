"""The annotation canvas: a frame at full resolution with its boxes, edited with mouse and keyboard.

The widget shows state and reports gestures; it never writes to the
project. A finished drag, a drawn box or a ball click becomes one signal
(``sig_rects_edited``, ``sig_draw_finished``, ``sig_ball_clicked``); the
panel turns it into one stored, undoable edit and hands the stored boxes
back with :meth:`CanvasWidget.set_boxes`. During a drag the widget only
moves a preview and repaints the rectangles that changed (old and new
place of each moved box, the loupe, the rubber band), never the whole
frame. What the gestures are (tools, the drag in progress, the pointer
they show) lives in :mod:`soccer_desktop.gui.canvas.gestures`; geometry
(hit tests, handles, clamping) in
:mod:`soccer_desktop.editing.geometry`; zoom and pan in
:class:`~soccer_desktop.gui.view_transform.ViewTransform`; the look (frame,
boxes, loupe) in :mod:`soccer_desktop.gui.canvas.canvas_painting`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCursor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QRegion,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from soccer_desktop.editing import geometry
from soccer_desktop.editing.commands import passes
from soccer_desktop.editing.geometry import Handle, Rect
from soccer_desktop.gui.canvas.canvas_painting import (
    BACKGROUND,
    BOX_MARGIN,
    HANDLE_TOLERANCE,
    LABEL_HEIGHT,
    LABEL_WIDTH,
    CanvasPainter,
)
from soccer_desktop.gui.canvas.gestures import DRAG_THRESHOLD, Drag, Tool, cursor_shape
from soccer_desktop.gui.frame_view import qimage_from_bgr
from soccer_desktop.gui.view_transform import MAX_SCALE, ViewTransform
from soccer_desktop.project.store import Box, ClassId

if TYPE_CHECKING:
    import numpy as np

LOUPE_SIZE = 180
LOUPE_OFFSET = 24
WHEEL_ZOOM_STEP = 1.25


class CanvasWidget(QWidget):
    """Shows one frame and its boxes; reports finished gestures as signals."""

    sig_rects_edited = Signal(object, str)
    """A move or resize ended: ``{box_id: Rect}`` (image pixels) and the undo label."""
    sig_draw_finished = Signal(object)
    """A box was drawn with the draw tool: its Rect (image pixels, inside the image)."""
    sig_ball_clicked = Signal(float, float)
    """The ball tool clicked at this image point."""
    sig_selection_changed = Signal(object)
    """The selected box ids (a tuple, in id order)."""
    sig_tool_changed = Signal(object)
    """The tool now active (a :class:`Tool`), e.g. back to SELECT after drawing one box."""
    sig_view_changed = Signal()
    """Zoom or pan changed."""
    sig_space_tapped = Signal()
    """Space was pressed and released without panning (the panel binds it to an action)."""
    sig_context_menu = Signal(QPoint)
    """Right click (global position); the box under it, if any, is selected first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.transform = ViewTransform()
        self._fit_mode = True
        self._array: np.ndarray | None = None
        self._image: QImage | None = None
        self._size: tuple[int, int] | None = None
        self._boxes: list[Box] = []
        self._by_id: dict[int, Box] = {}
        self._rects: dict[int, Rect] = {}
        self._visible: list[Box] = []
        self._visible_ids: set[int] = set()
        self._preview: dict[int, Rect] = {}
        self._selected: set[int] = set()
        self._hover: int | None = None
        self._hover_handle: Handle | None = None
        self._threshold = 0.0
        self._show_boxes = True
        self._show_scores = False
        self._loupe = False
        self._tool = Tool.SELECT
        self.ball_size = 12.0
        self.draw_class = ClassId.PLAYER
        self._drag: Drag | None = None
        self._cursor: QPointF | None = None
        self._space_down = False
        self._space_used = False
        self._message = ""
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.clear_message)
        self._painting = CanvasPainter(self.font())
        self.paint_log: list[QRect] | None = None
        """When a list, every paint appends the rectangles it repainted (benchmarks and tests read it)."""

    # ------------------------------------------------------------------ frame
    def set_image(self, image: np.ndarray | None, size: tuple[int, int] | None = None) -> None:
        """Show a BGR frame (kept alive here), or none; ``size`` stands in when the image is missing.

        The zoom and view position stay when the new frame has the same size
        as the old one (moving between frames of a video); otherwise it fits.
        """
        old_size = self._size
        self._array = image
        self._image = None if image is None else qimage_from_bgr(image)
        self._size = (image.shape[1], image.shape[0]) if image is not None else size
        self._painting.forget_scaled()
        if self._fit_mode or old_size != self._size:
            self._fit_mode = True
            self._apply_fit()
        self.update()

    def image_size(self) -> tuple[int, int] | None:
        return self._size

    def has_image(self) -> bool:
        return self._image is not None

    # ------------------------------------------------------------------ boxes
    def set_boxes(self, boxes: Iterable[Box]) -> None:
        """The stored boxes of the frame (replaces any drag preview); keeps the selection that still exists."""
        if self._drag is not None and self._drag.kind in ("move", "resize"):
            self._drag = None  # the stored boxes replace whatever was being dragged
        self._boxes = list(boxes)
        self._by_id = {b.id: b for b in self._boxes}
        self._rects = {b.id: Rect.of(b) for b in self._boxes}
        self._preview = {}
        self._refresh_visible()
        self.update()

    def boxes(self) -> list[Box]:
        return list(self._boxes)

    def visible_boxes(self) -> list[Box]:
        """Boxes shown (and editable) now: all but pseudo boxes under the score threshold."""
        return list(self._visible)

    def _refresh_visible(self) -> None:
        if self._show_boxes:
            self._visible = [b for b in self._boxes if passes(b, self._threshold)]
        else:
            self._visible = []
        self._visible_ids = {b.id for b in self._visible}
        if self._hover not in self._visible_ids:
            self._hover = None
        kept = self._selected & self._visible_ids
        if kept != self._selected:
            self._selected = kept
            self.sig_selection_changed.emit(self.selected_ids())

    def set_threshold(self, threshold: float) -> None:
        self._threshold = float(threshold)
        self._refresh_visible()
        self.update()

    @property
    def threshold(self) -> float:
        return self._threshold

    def set_boxes_shown(self, shown: bool) -> None:
        self._show_boxes = bool(shown)
        self._refresh_visible()
        self.update()

    def boxes_shown(self) -> bool:
        return self._show_boxes

    def set_scores_shown(self, shown: bool) -> None:
        self._show_scores = bool(shown)
        self.update()

    def scores_shown(self) -> bool:
        return self._show_scores

    def set_loupe(self, enabled: bool) -> None:
        old = self._overlay_region()
        self._loupe = bool(enabled)
        self.update(old.united(self._overlay_region()))

    def loupe_enabled(self) -> bool:
        return self._loupe

    # -------------------------------------------------------------- selection
    def selected_ids(self) -> tuple[int, ...]:
        return tuple(sorted(self._selected))

    def set_selection(self, ids: Iterable[int]) -> None:
        wanted = set(ids) & self._visible_ids
        if wanted == self._selected:
            return
        region = self._boxes_region(self._selected | wanted)
        self._selected = wanted
        self.update(region)
        self.sig_selection_changed.emit(self.selected_ids())

    def select_all(self) -> None:
        self.set_selection(self._visible_ids)

    def select_step(self, step: int) -> None:
        """Tab order: left to right across the panorama (then top to bottom)."""
        order = [b.id for b in sorted(self._visible, key=lambda b: (b.x, b.y, b.id))]
        current = self.selected_ids()[0] if len(self._selected) == 1 else None
        if step < 0 and len(self._selected) > 1:
            current = None
        chosen = geometry.cycle(order, current, step)
        if chosen is not None:
            self.set_selection([chosen])
            self.ensure_visible(self._rects[chosen])

    # ------------------------------------------------------------------ tools
    @property
    def tool(self) -> Tool:
        return self._tool

    def set_tool(self, tool: Tool) -> None:
        if tool == self._tool:
            return
        old = self._overlay_region()
        self._tool = tool
        if self._drag is not None and self._drag.kind in ("draw",):
            self._drag = None
        self._update_cursor()
        self.update(old.united(self._overlay_region()))
        self.sig_tool_changed.emit(tool)

    def cancel(self) -> bool:
        """Esc: abandon a drag or drawing, else leave the draw/ball tool, else clear the selection.

        Returns whether anything was cancelled.
        """
        if self._drag is not None and self._drag.kind != "pan":
            old = self._overlay_region().united(self._boxes_region(self._preview))
            self._drag = None
            self._preview = {}
            self.update(old)
            return True
        if self._tool != Tool.SELECT:
            self.set_tool(Tool.SELECT)
            return True
        if self._selected:
            self.set_selection([])
            return True
        return False

    def is_dragging(self) -> bool:
        return self._drag is not None and self._drag.started

    # --------------------------------------------------------------- messages
    def show_message(self, text: str, timeout_ms: int = 8000) -> None:
        """A banner across the top of the canvas (errors such as a locked project), cleared after a while."""
        self._message = text
        self._message_timer.start(timeout_ms)
        self.update()

    def clear_message(self) -> None:
        self._message = ""
        self._message_timer.stop()
        self.update()

    def message(self) -> str:
        return self._message

    # ------------------------------------------------------------------- view
    def fit(self) -> None:
        self._fit_mode = True
        self._apply_fit()
        self._view_changed()

    def _apply_fit(self) -> None:
        if self._size:
            self.transform.fit(self._size[0], self._size[1], self.width(), self.height())

    def is_fitted(self) -> bool:
        return self._fit_mode

    def actual_size(self) -> None:
        """1:1 pixels around the cursor when it is over the canvas, else around the centre."""
        anchor = self._cursor or QPointF(self.width() / 2, self.height() / 2)
        self._fit_mode = False
        self.transform.set_scale_around(1.0, anchor.x(), anchor.y())
        self._view_changed()

    def zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        anchor = anchor or QPointF(self.width() / 2, self.height() / 2)
        self._fit_mode = False
        self.transform.zoom_around(factor, anchor.x(), anchor.y())
        self._view_changed()

    def zoom_to(self, rect: Rect, max_scale: float = 16.0) -> None:
        self._fit_mode = False
        scale = geometry.fit_scale(rect, self.width(), self.height(), max_scale=min(max_scale, MAX_SCALE))
        self.transform.scale = max(scale, 0.02)
        self.transform.centre_on(*rect.centre, self.width(), self.height())
        self._view_changed()

    def zoom_to_selection(self) -> bool:
        rect = geometry.union(self._rects[i] for i in self._selected)
        if rect is None:
            return False
        self.zoom_to(rect)
        return True

    def ensure_visible(self, rect: Rect) -> None:
        shown = self._screen(rect)
        if not QRectF(self.rect()).contains(shown):
            self._fit_mode = False
            self.transform.centre_on(*rect.centre, self.width(), self.height())
            self._view_changed()

    def _view_changed(self) -> None:
        self.update()
        self.sig_view_changed.emit()

    def set_view(self, scale: float, offset_x: float, offset_y: float) -> None:
        self._fit_mode = False
        self.transform.scale, self.transform.offset_x, self.transform.offset_y = scale, offset_x, offset_y
        self._view_changed()

    # ---------------------------------------------------------- coordinates
    def _screen(self, rect: Rect) -> QRectF:
        t = self.transform
        return QRectF(rect.x * t.scale + t.offset_x, rect.y * t.scale + t.offset_y, rect.w * t.scale, rect.h * t.scale)

    def _image_point(self, pos: QPointF) -> tuple[float, float]:
        return self.transform.to_image(pos.x(), pos.y())

    def _clamped_point(self, pos: QPointF) -> tuple[float, float]:
        x, y = self._image_point(pos)
        if self._size:
            x = min(max(0.0, x), float(self._size[0]))
            y = min(max(0.0, y), float(self._size[1]))
        return x, y

    def widget_point(self, x: float, y: float) -> QPoint:
        """Where image point ``(x, y)`` is on the widget (tests aim with it)."""
        wx, wy = self.transform.to_widget(x, y)
        return QPoint(int(round(wx)), int(round(wy)))

    def _tolerance(self) -> float:
        return HANDLE_TOLERANCE / self.transform.scale

    def _rect_of(self, box_id: int) -> Rect:
        return self._preview.get(box_id) or self._rects[box_id]

    def _box_dirty(self, rect: Rect) -> QRect:
        shown = self._screen(rect)
        right_extra = max(BOX_MARGIN, LABEL_WIDTH - shown.width())
        return shown.adjusted(-BOX_MARGIN, -BOX_MARGIN - LABEL_HEIGHT, right_extra, BOX_MARGIN).toAlignedRect()

    def _boxes_region(self, ids: Iterable[int] | dict[int, Rect]) -> QRegion:
        region = QRegion()
        for box_id in ids:
            if box_id in self._rects:
                region = region.united(self._box_dirty(self._rects[box_id]))
            if box_id in self._preview:
                region = region.united(self._box_dirty(self._preview[box_id]))
        return region

    def _items(self) -> list[tuple[int, Rect]]:
        return [(b.id, self._rect_of(b.id)) for b in self._visible]

    # ---------------------------------------------------------------- events
    def event(self, event: QEvent) -> bool:
        # Space belongs to the canvas (held: pan; tapped: the panel's action), not to a shortcut.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                event.accept()
                return True
        return super().event(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        return False  # Tab selects boxes here (a panel shortcut), it does not move the focus

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            if not event.isAutoRepeat():
                self._space_down = True
                self._space_used = False
                self._update_cursor()
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space:
            if event.isAutoRepeat():
                event.accept()
                return
            was_down, used = self._space_down, self._space_used
            self._space_down = False
            self._space_used = False
            if self._drag is not None and self._drag.kind == "pan" and self._drag.from_space:
                self._drag = None
            self._update_cursor()
            if was_down and not used:
                self.sig_space_tapped.emit()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusInEvent(self, event: object) -> None:
        pass  # QWidget repaints everything on focus changes; nothing here depends on focus

    def focusOutEvent(self, event: object) -> None:
        self._space_down = False

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = (delta.y() or delta.x()) / 120
            if steps:
                self.zoom(WHEEL_ZOOM_STEP**steps, event.position())
        else:
            dx, dy = delta.x(), delta.y()
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and dx == 0:
                dx, dy = dy, 0
            if dx or dy:
                self._fit_mode = False
                self.transform.pan(dx / 2, dy / 2)
                self._view_changed()
        event.accept()

    def leaveEvent(self, event: QEvent) -> None:
        old = self._overlay_region().united(self._boxes_region([self._hover] if self._hover else []))
        self._cursor = None
        self._hover = None
        self.update(old)
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        button = event.button()
        image_point = self._image_point(pos)
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self._space_down):
            self._space_used = self._space_used or self._space_down
            self._drag = Drag("pan", pos, image_point, started=True, from_space=self._space_down)
            self._update_cursor()
            return
        if self._size is None:
            return
        if button == Qt.MouseButton.RightButton:
            hit = geometry.hit_test(self._items(), *image_point, self._tolerance())
            if hit is not None and hit.box_id not in self._selected:
                self.set_selection([hit.box_id])
            self.sig_context_menu.emit(event.globalPosition().toPoint())
            return
        if button != Qt.MouseButton.LeftButton:
            return
        if self._tool == Tool.BALL:
            x, y = image_point
            if 0 <= x <= self._size[0] and 0 <= y <= self._size[1]:
                self.sig_ball_clicked.emit(x, y)
            return
        if self._tool == Tool.DRAW:
            start = self._clamped_point(pos)
            self._drag = Drag("draw", pos, start, rect=Rect(start[0], start[1], 0.0, 0.0))
            return
        modifiers = event.modifiers()
        additive = bool(modifiers & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier))
        hit = geometry.hit_test(self._items(), *image_point, self._tolerance(), self._selected)
        if hit is not None and hit.handle is not None:
            if not additive:
                self.set_selection([hit.box_id])
            self._drag = Drag("resize", pos, image_point, originals={hit.box_id: self._rects[hit.box_id]},
                               handle=hit.handle)
            return
        if hit is not None:
            if modifiers & Qt.KeyboardModifier.ControlModifier and hit.box_id in self._selected:
                self.set_selection(self._selected - {hit.box_id})
                return
            if hit.box_id not in self._selected:
                self.set_selection(self._selected | {hit.box_id} if additive else {hit.box_id})
            self._drag = Drag("move", pos, image_point,
                               originals={i: self._rects[i] for i in self._selected if i in self._rects})
            return
        self._drag = Drag("rubber", pos, image_point, rect=Rect(*image_point, 0.0, 0.0), additive=additive)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        old = self._overlay_region()
        self._cursor = pos
        drag = self._drag
        if drag is None:
            self._update_hover(pos)
            self._update_cursor()
            self.update(old.united(self._overlay_region()))
            return
        if drag.kind == "pan":
            delta = pos - drag.press
            drag.press = pos
            self._fit_mode = False
            self.transform.pan(delta.x(), delta.y())
            self._view_changed()
            return
        if not drag.started:
            moved = pos - drag.press
            if max(abs(moved.x()), abs(moved.y())) < DRAG_THRESHOLD:
                self.update(old.united(self._overlay_region()))
                return
            drag.started = True
        x, y = self._image_point(pos)
        dx, dy = x - drag.image_start[0], y - drag.image_start[1]
        width, height = self._size or (0, 0)
        if drag.kind == "move":
            region = self._boxes_region(drag.originals)
            self._preview = geometry.move_all(drag.originals, dx, dy, width, height)
            region = region.united(self._boxes_region(self._preview))
        elif drag.kind == "resize":
            ((box_id, rect),) = drag.originals.items()
            assert drag.handle is not None
            region = self._boxes_region(drag.originals)
            self._preview = {box_id: geometry.resize(rect, drag.handle, dx, dy, width, height)}
            region = region.united(self._boxes_region(self._preview))
        else:  # draw, rubber
            region = QRegion()
            end = self._clamped_point(pos) if drag.kind == "draw" else (x, y)
            drag.rect = Rect.from_points(*drag.image_start, *end)
        self.update(region.united(old).united(self._overlay_region()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag = self._drag
        if drag is None:
            return
        if drag.kind == "pan":
            if event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton):
                self._drag = None
                self._update_cursor()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        old = self._overlay_region()
        self._drag = None
        if drag.kind in ("move", "resize"):
            preview, self._preview = self._preview, {}
            changed = {i: r for i, r in preview.items() if not geometry.same_rect(r, self._rects.get(i, r))}
            if drag.started and changed:
                self.update(self._boxes_region(preview))
                self.sig_rects_edited.emit(changed, "Move box" if drag.kind == "move" else "Resize box")
            return
        if drag.kind == "draw":
            self.update(old)
            rect = drag.rect
            if drag.started and rect is not None and self._size:
                rect = geometry.clamp_to_image(rect, *self._size)
                if rect is not None:
                    self.set_tool(Tool.SELECT)
                    self.sig_draw_finished.emit(rect)
            return
        # rubber band
        self.update(old)
        if drag.started and drag.rect is not None:
            inside = geometry.ids_inside(self._items(), drag.rect)
            self.set_selection(self._selected | set(inside) if drag.additive else inside)
        elif not drag.additive:
            self.set_selection([])

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._fit_mode:
            self._apply_fit()
        super().resizeEvent(event)

    def _update_hover(self, pos: QPointF) -> None:
        hit = None
        if self._tool == Tool.SELECT and self._size is not None:
            hit = geometry.hit_test(self._items(), *self._image_point(pos), self._tolerance(), self._selected)
        hover = None if hit is None else hit.box_id
        self._hover_handle = None if hit is None else hit.handle
        if hover != self._hover:
            region = self._boxes_region([i for i in (hover, self._hover) if i is not None])
            self._hover = hover
            self.update(region)

    def _update_cursor(self) -> None:
        shape = cursor_shape(self._drag, self._space_down, self._tool, self._hover, self._hover_handle)
        if self.cursor().shape() != shape:
            self.setCursor(QCursor(shape))

    # ---------------------------------------------------------------- overlays
    def _loupe_scale(self) -> float:
        return min(64.0, max(8.0, self.transform.scale * 4))

    def _loupe_rect(self) -> QRect | None:
        if not self._loupe or self._cursor is None or self._size is None:
            return None
        x = int(self._cursor.x()) + LOUPE_OFFSET
        y = int(self._cursor.y()) + LOUPE_OFFSET
        if x + LOUPE_SIZE > self.width():
            x = int(self._cursor.x()) - LOUPE_OFFSET - LOUPE_SIZE
        if y + LOUPE_SIZE > self.height():
            y = int(self._cursor.y()) - LOUPE_OFFSET - LOUPE_SIZE
        return QRect(x, y, LOUPE_SIZE, LOUPE_SIZE)

    def _ball_preview(self) -> Rect | None:
        if self._tool != Tool.BALL or self._cursor is None or self._size is None or self._drag is not None:
            return None
        x, y = self._image_point(self._cursor)
        if not (0 <= x <= self._size[0] and 0 <= y <= self._size[1]):
            return None
        return geometry.centred(x, y, self.ball_size, self.ball_size, *self._size)

    def _overlay_region(self) -> QRegion:
        """Everything drawn over the frame that follows the pointer (so a move repaints only this)."""
        region = QRegion()
        loupe = self._loupe_rect()
        if loupe is not None:
            region = region.united(loupe.adjusted(-2, -2, 2, 2))
        ball = self._ball_preview()
        if ball is not None:
            region = region.united(self._box_dirty(ball))
        if self._drag is not None and self._drag.rect is not None:
            region = region.united(self._screen(self._drag.rect).toAlignedRect().adjusted(-3, -3, 3, 3))
        return region

    # ------------------------------------------------------------------ paint
    def paintEvent(self, event: QPaintEvent) -> None:
        if self.paint_log is not None:
            self.paint_log.extend(event.region())
        clip = event.rect()
        painter = QPainter(self)
        painter.fillRect(clip, BACKGROUND)
        self._painting.paint_image(painter, clip, self.transform, self._size, self._image, self._array)
        if self._show_boxes:
            shown = ((box, self._screen(self._rect_of(box.id))) for box in self._visible)
            self._painting.paint_boxes(painter, clip, shown, self._selected, self._hover, self._show_scores)
        self._paint_overlays(painter)
        painter.end()

    def _paint_overlays(self, painter: QPainter) -> None:
        drag = self._drag
        if drag is not None and drag.rect is not None and drag.started:
            drawing = self.draw_class if drag.kind == "draw" else None
            self._painting.paint_band(painter, self._screen(drag.rect), drawing)
        ball = self._ball_preview()
        if ball is not None:
            self._painting.paint_ball_preview(painter, self._screen(ball))
        loupe = self._loupe_rect()
        if loupe is not None:
            assert self._cursor is not None and self._size is not None
            boxes = ((box, self._rect_of(box.id)) for box in self._visible)
            self._painting.paint_loupe(painter, loupe, self._loupe_scale(), self._image_point(self._cursor), self._size,
                                       self._image, boxes, self._selected)
        if self._message:
            self._painting.paint_message(painter, self._message, self.width())
