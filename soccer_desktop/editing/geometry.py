"""Box geometry for the annotation canvas: hit testing, handles, moving, resizing, clamping.

Pure functions on image-pixel rectangles, so they are tested without a
widget. Coordinates follow the store: ``x, y`` is the top-left corner,
``w, h`` the size, all in (fractional) image pixels. Distances a person
aims with (handle size, click tolerance) are measured on screen, so the
caller divides them by the view scale before passing them here.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: The smallest box side the editor makes, in image pixels (balls can be 1-2 px in the data).
MIN_SIZE = 1.0


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @classmethod
    def of(cls, box: object) -> Rect:
        """The rectangle of anything with ``x, y, w, h`` (a store Box or NewBox)."""
        return cls(float(box.x), float(box.y), float(box.w), float(box.h))  # type: ignore[attr-defined]

    @classmethod
    def from_points(cls, x0: float, y0: float, x1: float, y1: float) -> Rect:
        """The rectangle spanned by two corners given in any order."""
        return cls(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    @property
    def area(self) -> float:
        return self.w * self.h

    def contains(self, x: float, y: float, margin: float = 0.0) -> bool:
        return self.x - margin <= x <= self.right + margin and self.y - margin <= y <= self.bottom + margin

    def contains_rect(self, other: Rect) -> bool:
        return self.x <= other.x and self.y <= other.y and other.right <= self.right and other.bottom <= self.bottom

    def intersects(self, other: Rect) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def translated(self, dx: float, dy: float) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.w, self.h)

    def as_tuple(self) -> tuple[float, float, float, float]:
        return self.x, self.y, self.w, self.h


class Handle(enum.Enum):
    """The eight resize handles; the value is where the handle sits as a fraction of the box."""

    NW = (0.0, 0.0)
    N = (0.5, 0.0)
    NE = (1.0, 0.0)
    E = (1.0, 0.5)
    SE = (1.0, 1.0)
    S = (0.5, 1.0)
    SW = (0.0, 1.0)
    W = (0.0, 0.5)

    @property
    def moves_left(self) -> bool:
        return self.value[0] == 0.0

    @property
    def moves_right(self) -> bool:
        return self.value[0] == 1.0

    @property
    def moves_top(self) -> bool:
        return self.value[1] == 0.0

    @property
    def moves_bottom(self) -> bool:
        return self.value[1] == 1.0


def handle_points(rect: Rect) -> dict[Handle, tuple[float, float]]:
    return {handle: (rect.x + rect.w * fx, rect.y + rect.h * fy) for handle in Handle for fx, fy in [handle.value]}


@dataclass(frozen=True)
class Hit:
    """What lies under the pointer: a box, and the handle grabbed (None: the body, to move it)."""

    box_id: int
    handle: Handle | None = None


def hit_test(
    boxes: Sequence[tuple[int, Rect]],
    x: float,
    y: float,
    tolerance: float,
    selected: Iterable[int] = (),
) -> Hit | None:
    """The handle or box under ``(x, y)`` (image pixels; ``tolerance`` too).

    Handles only exist on selected boxes and win over bodies. A box too
    small on screen to hold handles inside it keeps its inside for moving
    and has its handles just outside, so a 6 px ball can still be moved.
    Among boxes under the point the smallest wins (a ball inside a player
    box stays reachable); boxes smaller than the tolerance get a clickable
    margin so a 2 px ball can be hit at any zoom.
    """
    selected_ids = set(selected)
    best_handle: tuple[float, int, Handle] | None = None
    for box_id, rect in boxes:
        if box_id not in selected_ids:
            continue
        small = rect.w < 3 * tolerance or rect.h < 3 * tolerance
        strictly_inside = rect.x < x < rect.right and rect.y < y < rect.bottom
        if small and strictly_inside:
            continue
        if not small and rect.contains(x, y, -tolerance):
            continue  # well inside a large box: the body
        for handle, (hx, hy) in handle_points(rect).items():
            distance = max(abs(hx - x), abs(hy - y))
            if distance <= tolerance and (best_handle is None or distance < best_handle[0]):
                best_handle = (distance, box_id, handle)
    if best_handle is not None:
        return Hit(best_handle[1], best_handle[2])
    best: tuple[float, int] | None = None
    for box_id, rect in boxes:
        margin = max(0.0, tolerance - min(rect.w, rect.h) / 2)
        if rect.contains(x, y, margin):
            key = (rect.area, -box_id)
            if best is None or key < (best[0], -best[1]):
                best = (rect.area, box_id)
    return None if best is None else Hit(best[1])


def clamp_delta(rects: Iterable[Rect], dx: float, dy: float, width: float, height: float) -> tuple[float, float]:
    """The part of a move ``(dx, dy)`` that keeps every rectangle inside the image."""
    items = list(rects)
    if not items:
        return dx, dy
    left = min(r.x for r in items)
    top = min(r.y for r in items)
    right = max(r.right for r in items)
    bottom = max(r.bottom for r in items)
    dx = min(max(dx, -left), width - right) if right - left <= width else dx
    dy = min(max(dy, -top), height - bottom) if bottom - top <= height else dy
    return dx, dy


def move(rect: Rect, dx: float, dy: float, width: float, height: float) -> Rect:
    """``rect`` moved by ``(dx, dy)``, stopping at the image edges."""
    dx, dy = clamp_delta([rect], dx, dy, width, height)
    return rect.translated(dx, dy)


def move_all(rects: dict[int, Rect], dx: float, dy: float, width: float, height: float) -> dict[int, Rect]:
    """Several boxes moved together by one delta (they keep their layout at the image edge)."""
    dx, dy = clamp_delta(rects.values(), dx, dy, width, height)
    return {box_id: rect.translated(dx, dy) for box_id, rect in rects.items()}


def resize(
    rect: Rect,
    handle: Handle,
    dx: float,
    dy: float,
    width: float,
    height: float,
    min_size: float = MIN_SIZE,
) -> Rect:
    """``rect`` with the edges ``handle`` holds moved by ``(dx, dy)``.

    The opposite edges stay put; an edge stops at the image border and
    ``min_size`` short of the opposite edge (a box never flips inside out).
    """
    left, top, right, bottom = rect.x, rect.y, rect.right, rect.bottom
    if handle.moves_left:
        left = min(max(0.0, left + dx), right - min_size)
    if handle.moves_right:
        right = max(min(float(width), right + dx), left + min_size)
    if handle.moves_top:
        top = min(max(0.0, top + dy), bottom - min_size)
    if handle.moves_bottom:
        bottom = max(min(float(height), bottom + dy), top + min_size)
    return Rect(left, top, right - left, bottom - top)


def clamp_to_image(rect: Rect, width: float, height: float, min_size: float = MIN_SIZE) -> Rect | None:
    """The part of ``rect`` inside the image, or None when less than ``min_size`` of it is left."""
    left, top = max(0.0, rect.x), max(0.0, rect.y)
    right, bottom = min(float(width), rect.right), min(float(height), rect.bottom)
    if right - left < min_size or bottom - top < min_size:
        return None
    return Rect(left, top, right - left, bottom - top)


def centred(cx: float, cy: float, w: float, h: float, width: float, height: float) -> Rect:
    """A ``w`` x ``h`` box centred on ``(cx, cy)``, shifted (not shrunk) to stay inside the image."""
    w, h = min(w, float(width)), min(h, float(height))
    x = min(max(0.0, cx - w / 2), width - w)
    y = min(max(0.0, cy - h / 2), height - h)
    return Rect(x, y, w, h)


def ids_inside(boxes: Iterable[tuple[int, Rect]], area: Rect) -> list[int]:
    """Boxes wholly inside ``area`` (what a rubber band selects)."""
    return [box_id for box_id, rect in boxes if area.contains_rect(rect)]


def cycle(ids: Sequence[int], current: int | None, step: int = 1) -> int | None:
    """The next (``step=1``) or previous (``-1``) id after ``current``, wrapping; the first one without one."""
    if not ids:
        return None
    if current not in ids:
        return ids[0] if step > 0 else ids[-1]
    return ids[(list(ids).index(current) + step) % len(ids)]


def union(rects: Iterable[Rect]) -> Rect | None:
    items = list(rects)
    if not items:
        return None
    left = min(r.x for r in items)
    top = min(r.y for r in items)
    return Rect(left, top, max(r.right for r in items) - left, max(r.bottom for r in items) - top)


def fit_scale(rect: Rect, view_w: float, view_h: float, margin: float = 0.25, max_scale: float = 16.0) -> float:
    """The zoom that shows ``rect`` with ``margin`` (a fraction of its size) around it, at most ``max_scale``."""
    w = max(rect.w, 1.0) * (1 + 2 * margin)
    h = max(rect.h, 1.0) * (1 + 2 * margin)
    return min(max_scale, view_w / w, view_h / h)


def same_rect(a: Rect, b: Rect, tolerance: float = 1e-9) -> bool:
    return all(math.isclose(p, q, abs_tol=tolerance) for p, q in zip(a.as_tuple(), b.as_tuple()))
