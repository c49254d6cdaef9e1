"""Box geometry: hit testing (tiny balls included), handles, resize, move, clamping, cycling."""

from __future__ import annotations

import pytest

from soccer_desktop.editing import geometry
from soccer_desktop.editing.geometry import Handle, Hit, Rect


def test_rect_basics() -> None:
    rect = Rect.from_points(30, 40, 10, 20)
    assert rect == Rect(10, 20, 20, 20)
    assert (rect.right, rect.bottom, rect.centre, rect.area) == (30, 40, (20, 30), 400)
    assert rect.contains(10, 20) and not rect.contains(9.9, 20) and rect.contains(9.9, 20, margin=0.2)
    assert Rect(0, 0, 100, 100).contains_rect(rect) and not rect.contains_rect(Rect(0, 0, 100, 100))
    assert rect.intersects(Rect(29, 39, 5, 5)) and not rect.intersects(Rect(30, 40, 5, 5))


def test_handles_sit_on_corners_and_edge_middles() -> None:
    points = geometry.handle_points(Rect(10, 20, 40, 60))
    assert points[Handle.NW] == (10, 20) and points[Handle.SE] == (50, 80)
    assert points[Handle.N] == (30, 20) and points[Handle.W] == (10, 50)
    assert len(points) == 8


def test_hit_prefers_smallest_box_so_a_ball_inside_a_player_stays_reachable() -> None:
    boxes = [(1, Rect(0, 0, 100, 200)), (2, Rect(40, 40, 10, 10))]
    assert geometry.hit_test(boxes, 45, 45, 2) == Hit(2)
    assert geometry.hit_test(boxes, 20, 150, 2) == Hit(1)
    assert geometry.hit_test(boxes, 300, 300, 2) is None


def test_tiny_ball_is_clickable_around_it_when_zoomed_out() -> None:
    ball = [(7, Rect(100, 100, 2, 2))]
    # At 0.25x zoom a 6 px screen tolerance is 24 image px: a click 10 px off still hits.
    assert geometry.hit_test(ball, 111, 101, 24) == Hit(7)
    assert geometry.hit_test(ball, 130, 101, 24) is None


def test_handles_only_on_selected_boxes() -> None:
    boxes = [(1, Rect(10, 10, 100, 100))]
    assert geometry.hit_test(boxes, 10, 10, 3) == Hit(1)
    assert geometry.hit_test(boxes, 10, 10, 3, selected=[1]) == Hit(1, Handle.NW)
    assert geometry.hit_test(boxes, 111, 60, 3, selected=[1]) == Hit(1, Handle.E)
    assert geometry.hit_test(boxes, 60, 60, 3, selected=[1]) == Hit(1)  # well inside: move


def test_small_selected_box_moves_from_inside_and_resizes_from_outside() -> None:
    boxes = [(1, Rect(100, 100, 8, 8))]
    assert geometry.hit_test(boxes, 104, 104, 6, selected=[1]) == Hit(1)
    assert geometry.hit_test(boxes, 101, 101, 6, selected=[1]) == Hit(1)
    assert geometry.hit_test(boxes, 97, 97, 6, selected=[1]) == Hit(1, Handle.NW)
    assert geometry.hit_test(boxes, 111, 111, 6, selected=[1]) == Hit(1, Handle.SE)


@pytest.mark.parametrize(
    ("handle", "dx", "dy", "expected"),
    [
        (Handle.SE, 10, 5, Rect(10, 10, 30, 25)),
        (Handle.NW, -5, -5, Rect(5, 5, 25, 25)),
        (Handle.N, 99, 3, Rect(10, 13, 20, 17)),
        (Handle.E, -100, 0, Rect(10, 10, 1, 20)),  # stops at the minimum size, never flips
        (Handle.W, -50, 0, Rect(0, 10, 30, 20)),  # stops at the image edge
        (Handle.S, 0, 500, Rect(10, 10, 20, 90)),
    ],
)
def test_resize(handle: Handle, dx: float, dy: float, expected: Rect) -> None:
    assert geometry.resize(Rect(10, 10, 20, 20), handle, dx, dy, 200, 100) == expected


def test_move_stops_at_the_image_edges_and_groups_keep_their_layout() -> None:
    assert geometry.move(Rect(10, 10, 20, 20), -50, 500, 200, 100) == Rect(0, 80, 20, 20)
    moved = geometry.move_all({1: Rect(10, 10, 5, 5), 2: Rect(50, 20, 5, 5)}, -30, 0, 200, 100)
    assert moved == {1: Rect(0, 10, 5, 5), 2: Rect(40, 20, 5, 5)}


def test_clamp_to_image_and_centred() -> None:
    assert geometry.clamp_to_image(Rect(-5, -5, 20, 20), 100, 100) == Rect(0, 0, 15, 15)
    assert geometry.clamp_to_image(Rect(99.5, 10, 20, 20), 100, 100) is None
    assert geometry.centred(50, 50, 12, 12, 100, 100) == Rect(44, 44, 12, 12)
    assert geometry.centred(2, 99, 12, 12, 100, 100) == Rect(0, 88, 12, 12)


def test_rubber_band_cycle_union_fit() -> None:
    boxes = [(1, Rect(0, 0, 10, 10)), (2, Rect(20, 20, 10, 10)), (3, Rect(5, 5, 30, 30))]
    assert geometry.ids_inside(boxes, Rect(-1, -1, 32, 32)) == [1, 2]
    assert geometry.cycle([4, 8, 9], 8) == 9 and geometry.cycle([4, 8, 9], 9) == 4
    assert geometry.cycle([4, 8, 9], 4, -1) == 9 and geometry.cycle([4, 8, 9], None) == 4
    assert geometry.cycle([], None) is None
    assert geometry.union([Rect(0, 0, 10, 10), Rect(20, 20, 10, 10)]) == Rect(0, 0, 30, 30)
    assert geometry.union([]) is None
    assert geometry.fit_scale(Rect(0, 0, 10, 10), 1000, 500) == 16.0
    assert geometry.fit_scale(Rect(0, 0, 1000, 100), 1000, 500) == pytest.approx(1000 / 1500)
