"""The real canvas driven with mouse and keyboard; every edit checked against the project database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from soccer_desktop.gui.canvas.canvas_panel import CanvasPanel
from soccer_desktop.gui.canvas.gestures import Tool
from soccer_desktop.project.store import BoxSource, ClassId, Project
from tests.gui.canvas.conftest import at, drag, geometry_of, key, snapshot

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def test_opens_the_first_frame_with_its_stored_boxes(panel: CanvasPanel, project: Project) -> None:
    assert panel.current_frame().id == 1
    assert panel.canvas.boxes() == project.boxes(1)
    assert panel.canvas.image_size() == (800, 400) and panel.canvas.has_image()
    assert "1/3" in panel.info.text() and "3 boxes (2 pseudo)" in panel.info.text()


def test_draw_a_box_with_w_and_a_drag(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    key(qtbot, canvas, "W")
    assert canvas.tool == Tool.DRAW and panel.actions_by_id["tool_draw"].isChecked()
    drag(qtbot, canvas, at(canvas, 600, 50), at(canvas, 660, 150))
    new = project.boxes(1)[-1]
    assert (new.class_id, new.source, new.x, new.y, new.w, new.h) == (ClassId.PLAYER, BoxSource.MANUAL, 600, 50, 60, 100)
    assert canvas.selected_ids() == (new.id,)
    assert canvas.tool == Tool.SELECT  # one box per W, as in labelImg
    key(qtbot, canvas, "Z", CTRL)
    assert len(project.boxes(1)) == 3


def test_draw_is_clipped_to_the_image_and_a_click_draws_nothing(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    key(qtbot, canvas, "W")
    drag(qtbot, canvas, at(canvas, 780, 380), at(canvas, 900, 500))
    assert geometry_of(project, project.boxes(1)[-1].id) == (780, 380, 20, 20)
    key(qtbot, canvas, "W")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 50, 50))
    assert len(project.boxes(1)) == 4


def test_move_by_drag_is_one_undo_step(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    before = snapshot(project)
    drag(qtbot, canvas, at(canvas, 120, 140), at(canvas, 170, 120), steps=15)
    assert geometry_of(project, 1) == (150, 80, 40, 80)
    stack = panel.histories.history(1).stack
    assert stack.count() == 1 and stack.undoText() == "Move box"
    key(qtbot, canvas, "Z", CTRL)
    assert snapshot(project) == before
    key(qtbot, canvas, "Z", CTRL | SHIFT)
    assert geometry_of(project, 1) == (150, 80, 40, 80)
    key(qtbot, canvas, "Z", CTRL)
    key(qtbot, canvas, "Y", CTRL)
    assert geometry_of(project, 1) == (150, 80, 40, 80)


def test_a_click_without_moving_does_not_edit(qtbot, panel: CanvasPanel, project: Project) -> None:
    before = snapshot(project)
    drag(qtbot, panel.canvas, at(panel.canvas, 120, 140), at(panel.canvas, 121, 141), steps=2)
    assert snapshot(project) == before
    assert panel.histories.history(1).stack.count() == 0


def test_moving_a_pseudo_box_makes_it_manual(qtbot, panel: CanvasPanel, project: Project) -> None:
    drag(qtbot, panel.canvas, at(panel.canvas, 320, 140), at(panel.canvas, 330, 140))
    box = project.box(2)
    assert (box.x, box.source, box.score) == (310, BoxSource.MANUAL, 0.9)


@pytest.mark.parametrize(
    ("corner", "to", "expected"),
    [((140, 180), (160, 200), (100, 100, 60, 100)),  # SE
     ((100, 100), (90, 120), (90, 120, 50, 60)),  # NW
     ((120, 100), (150, 60), (100, 60, 40, 120)),  # N: only the top edge moves
     ((140, 140), (99, 140), (100, 100, 1, 80))],  # E past W: stops at the minimum size
)
def test_resize_by_handles(qtbot, panel: CanvasPanel, project: Project, corner, to, expected) -> None:
    canvas = panel.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 120, 140))
    assert canvas.selected_ids() == (1,)
    drag(qtbot, canvas, at(canvas, *corner), at(canvas, *to))
    assert geometry_of(project, 1) == expected
    assert panel.histories.history(1).stack.undoText() == "Resize box"


def test_class_keys_delete_and_undo(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    before = snapshot(project)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 120, 140))
    key(qtbot, canvas, "2")
    assert project.box(1).class_id == ClassId.BALL
    key(qtbot, canvas, "1")
    assert project.box(1).class_id == ClassId.PLAYER
    key(qtbot, canvas, "Delete")
    assert [b.id for b in project.boxes(1)] == [2, 3]
    assert canvas.selected_ids() == ()
    for _ in range(3):
        key(qtbot, canvas, "Z", CTRL)
    assert snapshot(project) == before


def test_class_key_without_selection_sets_the_class_of_the_next_box(qtbot, panel: CanvasPanel,
                                                                   project: Project) -> None:
    canvas = panel.canvas
    key(qtbot, canvas, "2")
    assert panel.class_box.currentData() == ClassId.BALL
    key(qtbot, canvas, "W")
    drag(qtbot, canvas, at(canvas, 700, 300), at(canvas, 712, 311))
    assert project.boxes(1)[-1].class_id == ClassId.BALL


def test_class_menu_changes_the_class(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.RightButton, pos=at(canvas, 120, 140))
    assert canvas.selected_ids() == (1,)
    menu = panel._menu
    (ball,) = [a for a in menu.actions() if a.text() == "Ball"]
    ball.trigger()
    menu.close()
    assert project.box(1).class_id == ClassId.BALL


def test_ball_tool_makes_a_ball_box_of_the_chosen_size_with_one_click(qtbot, panel: CanvasPanel,
                                                                     project: Project) -> None:
    canvas = panel.canvas
    key(qtbot, canvas, "B")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 400, 300))
    ball = project.boxes(1)[-1]
    assert (ball.class_id, ball.source, ball.x, ball.y, ball.w, ball.h) == (ClassId.BALL, BoxSource.MANUAL,
                                                                          394, 294, 12, 12)
    panel.ball_size.setValue(7)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 2, 398))  # at the edge: shifted inside
    assert geometry_of(project, project.boxes(1)[-1].id) == (0, 393, 7, 7)
    assert canvas.tool == Tool.BALL  # stays on for the next frame's ball
    key(qtbot, canvas, "Escape")
    assert canvas.tool == Tool.SELECT


def test_nudges_merge_into_one_step(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 120, 140))
    for _ in range(3):
        key(qtbot, canvas, "Right")
    key(qtbot, canvas, "Down", SHIFT)
    key(qtbot, canvas, "Left")
    assert geometry_of(project, 1) == (102, 110, 40, 80)
    stack = panel.histories.history(1).stack
    assert stack.count() == 1
    key(qtbot, canvas, "Z", CTRL)
    assert geometry_of(project, 1) == (100, 100, 40, 80)
    key(qtbot, canvas, "Y", CTRL)
    assert geometry_of(project, 1) == (102, 110, 40, 80)
    for _ in range(200):
        key(qtbot, canvas, "Up", SHIFT)
    assert geometry_of(project, 1) == (102, 0, 40, 80)  # stops at the image edge


def test_duplicate_select_all_and_rubber_band(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    drag(qtbot, canvas, at(canvas, 50, 50), at(canvas, 400, 250))  # rubber band over the two players
    assert canvas.selected_ids() == (1, 2)
    key(qtbot, canvas, "D", CTRL)
    assert len(project.boxes(1)) == 5 and canvas.selected_ids() == (4, 5)
    assert geometry_of(project, 4) == (110, 110, 40, 80)
    key(qtbot, canvas, "A", CTRL)
    assert canvas.selected_ids() == (1, 2, 3, 4, 5)
    key(qtbot, canvas, "Escape")
    assert canvas.selected_ids() == ()


def test_shift_click_adds_and_ctrl_click_toggles(qtbot, panel: CanvasPanel) -> None:
    canvas = panel.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 120, 140))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, SHIFT, at(canvas, 320, 140))
    assert canvas.selected_ids() == (1, 2)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, CTRL, at(canvas, 120, 140))
    assert canvas.selected_ids() == (2,)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 700, 50))
    assert canvas.selected_ids() == ()


def test_tab_cycles_left_to_right(qtbot, panel: CanvasPanel) -> None:
    canvas = panel.canvas
    seen = []
    for _ in range(4):
        key(qtbot, canvas, "Tab")
        seen.append(canvas.selected_ids())
    assert seen == [(1,), (2,), (3,), (1,)]
    qtbot.keyClick(canvas, Qt.Key.Key_Backtab, SHIFT)
    assert canvas.selected_ids() == (3,)


def test_move_several_selected_boxes_together(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    canvas.set_selection([1, 2])
    drag(qtbot, canvas, at(canvas, 120, 140), at(canvas, 130, 150))
    assert geometry_of(project, 1)[:2] == (110, 110) and geometry_of(project, 2)[:2] == (310, 110)
    key(qtbot, canvas, "Z", CTRL)
    assert geometry_of(project, 1)[:2] == (100, 100) and geometry_of(project, 2)[:2] == (300, 100)


def test_confirm_selected_confirm_all_above_threshold_and_reject(qtbot, panel: CanvasPanel,
                                                                 project: Project) -> None:
    canvas = panel.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 320, 140))
    key(qtbot, canvas, "C")
    assert project.box(2).source == BoxSource.MANUAL and project.box(2).score == 0.9
    key(qtbot, canvas, "Z", CTRL)
    assert project.box(2).source == BoxSource.PSEUDO

    panel.threshold.setValue(50)  # the 0.2 ball disappears
    assert [b.id for b in canvas.visible_boxes()] == [1, 2]
    key(qtbot, canvas, "Return")
    assert [b.source for b in project.boxes(1)] == [BoxSource.MANUAL, BoxSource.MANUAL, BoxSource.PSEUDO]
    key(qtbot, canvas, "Delete", SHIFT)  # reject every pseudo box, shown or hidden
    assert [b.id for b in project.boxes(1)] == [1, 2]
    key(qtbot, canvas, "Z", CTRL)
    key(qtbot, canvas, "Z", CTRL)
    assert [b.source for b in project.boxes(1)] == [BoxSource.MANUAL, BoxSource.PSEUDO, BoxSource.PSEUDO]


def test_hidden_boxes_cannot_be_clicked(qtbot, panel: CanvasPanel) -> None:
    canvas = panel.canvas
    panel.set_threshold(0.5)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 505, 205))
    assert canvas.selected_ids() == ()
    key(qtbot, canvas, "BracketLeft")  # lower the threshold: the ball shows again
    key(qtbot, canvas, "BracketLeft")
    key(qtbot, canvas, "BracketLeft")
    key(qtbot, canvas, "BracketLeft")
    key(qtbot, canvas, "BracketLeft")
    key(qtbot, canvas, "BracketLeft")
    assert canvas.threshold == pytest.approx(0.2)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 505, 205))
    assert canvas.selected_ids() == (3,)


def test_copy_from_previous_frame_and_view_kept_between_frames(qtbot, panel: CanvasPanel,
                                                               project: Project) -> None:
    canvas = panel.canvas
    canvas.set_view(2.0, -100.0, -50.0)
    key(qtbot, canvas, "D")
    assert panel.current_frame().id == 2
    assert (canvas.transform.scale, canvas.transform.offset_x, canvas.transform.offset_y) == (2.0, -100.0, -50.0)
    key(qtbot, canvas, "V", CTRL)
    copies = project.boxes(2)
    assert [(b.class_id, b.x, b.y, b.source) for b in copies] == [
        (ClassId.PLAYER, 100, 100, BoxSource.MANUAL), (ClassId.PLAYER, 300, 100, BoxSource.PSEUDO),
        (ClassId.BALL, 500, 200, BoxSource.PSEUDO)]
    assert canvas.selected_ids() == tuple(b.id for b in copies)
    key(qtbot, canvas, "Z", CTRL)
    assert project.boxes(2) == []
    key(qtbot, canvas, "A")
    assert panel.current_frame().id == 1
    key(qtbot, canvas, "V", CTRL)  # the first frame has no previous one
    assert "first frame" in canvas.message()


def test_undo_history_is_per_frame(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 120, 140))
    key(qtbot, canvas, "Delete")
    key(qtbot, canvas, "D")
    key(qtbot, canvas, "Z", CTRL)  # nothing to undo on frame 2: frame 1 is not touched
    assert [b.id for b in project.boxes(1)] == [2, 3]
    assert not panel.actions_by_id["undo"].isEnabled()
    key(qtbot, canvas, "A")
    assert panel.actions_by_id["undo"].isEnabled()
    key(qtbot, canvas, "Z", CTRL)
    assert [b.id for b in project.boxes(1)] == [1, 2, 3]


def test_long_undo_redo_sequence_matches_the_database_at_every_step(qtbot, panel: CanvasPanel,
                                                                     project: Project) -> None:
    canvas = panel.canvas
    states = [snapshot(project)]

    def record() -> None:
        states.append(snapshot(project))

    key(qtbot, canvas, "B")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 650, 350))
    record()
    key(qtbot, canvas, "Escape")
    drag(qtbot, canvas, at(canvas, 120, 140), at(canvas, 140, 150))
    record()
    key(qtbot, canvas, "2")
    record()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 320, 140))
    key(qtbot, canvas, "Delete")
    record()
    key(qtbot, canvas, "Return")
    record()
    key(qtbot, canvas, "W")
    drag(qtbot, canvas, at(canvas, 20, 20), at(canvas, 60, 90))
    record()
    key(qtbot, canvas, "Right", SHIFT)
    record()
    assert len(set(map(tuple, map(tuple, states)))) == len(states)
    for expected in reversed(states[:-1]):
        key(qtbot, canvas, "Z", CTRL)
        assert snapshot(project) == expected
    key(qtbot, canvas, "Z", CTRL)  # nothing more to undo
    assert snapshot(project) == states[0]
    for expected in states[1:]:
        key(qtbot, canvas, "Y", CTRL)
        assert snapshot(project) == expected
    for _ in range(3):
        key(qtbot, canvas, "Z", CTRL)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 120, 140))
    key(qtbot, canvas, "Delete")  # a new edit drops the redo branch
    assert not panel.actions_by_id["redo"].isEnabled()
    key(qtbot, canvas, "Z", CTRL)
    assert snapshot(project) == states[4]


def test_the_pointer_shows_what_a_press_would_do(qtbot, panel: CanvasPanel) -> None:
    canvas = panel.canvas
    shape = Qt.CursorShape

    def hover(x: float, y: float) -> Qt.CursorShape:
        qtbot.mouseMove(canvas, at(canvas, x, y))
        return canvas.cursor().shape()

    assert hover(700, 300) == shape.ArrowCursor  # empty grass
    assert hover(120, 140) == shape.SizeAllCursor  # inside a box: move it
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 120, 140))  # selected: handles show
    assert hover(140, 180) == shape.SizeFDiagCursor  # its bottom-right corner: resize
    assert hover(120, 180) == shape.SizeVerCursor
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    assert canvas.cursor().shape() == shape.OpenHandCursor  # Space held: a press pans
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 700, 300))
    assert canvas.cursor().shape() == shape.ClosedHandCursor
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 700, 300))
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    key(qtbot, canvas, "W")
    assert hover(120, 140) == shape.CrossCursor  # drawing: a cross, even over a box
