"""The canvas's gestures: its tools, the drag in progress, and the pointer each state shows.

The canvas widget turns mouse and keyboard events into these; what a gesture
is and how the pointer looks during it read here in one place.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, Qt

from soccer_desktop.editing.geometry import Handle, Rect

#: Screen pixels: how far the pointer must travel before a drag starts.
DRAG_THRESHOLD = 3.0


class Tool(enum.Enum):
    SELECT = "select"
    DRAW = "draw"
    BALL = "ball"


HANDLE_CURSORS = {
    Handle.NW: Qt.CursorShape.SizeFDiagCursor, Handle.SE: Qt.CursorShape.SizeFDiagCursor,
    Handle.NE: Qt.CursorShape.SizeBDiagCursor, Handle.SW: Qt.CursorShape.SizeBDiagCursor,
    Handle.N: Qt.CursorShape.SizeVerCursor, Handle.S: Qt.CursorShape.SizeVerCursor,
    Handle.E: Qt.CursorShape.SizeHorCursor, Handle.W: Qt.CursorShape.SizeHorCursor,
}


@dataclass
class Drag:
    """A mouse press and what dragging it does (until the release)."""

    kind: str  # "move", "resize", "draw", "rubber", "pan"
    press: QPointF
    image_start: tuple[float, float]
    started: bool = False
    originals: dict[int, Rect] = field(default_factory=dict)
    handle: Handle | None = None
    rect: Rect | None = None
    additive: bool = False
    from_space: bool = False


def cursor_shape(drag: Drag | None, space_down: bool, tool: Tool, hover: int | None,
                 hover_handle: Handle | None) -> Qt.CursorShape:  # fmt: skip
    """A closed hand while panning, an open one with Space held, a cross for the drawing tools, resize or
    move arrows over a box (``hover``; ``hover_handle`` the handle under the pointer), else an arrow."""
    if drag is not None and drag.kind == "pan":
        return Qt.CursorShape.ClosedHandCursor
    if space_down:
        return Qt.CursorShape.OpenHandCursor
    if tool in (Tool.DRAW, Tool.BALL):
        return Qt.CursorShape.CrossCursor
    if hover is not None:
        return HANDLE_CURSORS[hover_handle] if hover_handle is not None else Qt.CursorShape.SizeAllCursor
    return Qt.CursorShape.ArrowCursor
