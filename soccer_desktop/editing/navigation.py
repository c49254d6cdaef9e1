"""Frame order for the canvas: previous/next, next unreviewed. Frames are ordered by (video_id, frame_index, id)."""

from __future__ import annotations

from collections.abc import Container, Sequence


def neighbour(order: Sequence[int], current: int | None, step: int) -> int | None:
    """The frame ``step`` places from ``current`` in ``order`` (None past either end or when unknown)."""
    if not order:
        return None
    if current not in order:
        return order[0] if step > 0 else order[-1]
    index = list(order).index(current) + step
    return order[index] if 0 <= index < len(order) else None


def next_unreviewed(order: Sequence[int], unreviewed: Container[int], current: int | None) -> int | None:
    """The first unreviewed frame after ``current``, wrapping round; None when every other frame is reviewed."""
    if not order:
        return None
    start = list(order).index(current) + 1 if current in order else 0
    for offset in range(len(order)):
        frame_id = order[(start + offset) % len(order)]
        if frame_id != current and frame_id in unreviewed:
            return frame_id
    return None
