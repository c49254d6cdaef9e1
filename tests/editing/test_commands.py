"""Edit operations against a real project: each one transaction, each undone and redone exactly."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from soccer_desktop.editing import commands
from soccer_desktop.editing.commands import BoxEdit, EditConflictError, IdMap
from soccer_desktop.editing.geometry import Rect
from soccer_desktop.project.store import Box, BoxSource, ClassId, NewBox, Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project.create(tmp_path / "p")
    for name in ("a", "b"):
        project.add_frame(project.frames_dir / f"{name}.jpg", width=200, height=100)
    yield project
    project.close()


def seed(project: Project, frame_id: int = 1) -> list[int]:
    return project.add_boxes(frame_id, [
        NewBox(ClassId.PLAYER, 10, 10, 20, 40, score=0.9, source=BoxSource.PSEUDO, track_id=3, detector="rfdetr"),
        NewBox(ClassId.BALL, 50, 50, 10, 10, score=0.2, source=BoxSource.PSEUDO, detector="rfdetr"),
        NewBox(ClassId.PLAYER, 100, 20, 20, 40, source=BoxSource.IMPORTED),
    ])


def state(project: Project, frame_id: int = 1) -> list[Box]:
    return project.boxes(frame_id)


def check_round_trip(project: Project, edit: BoxEdit, before: list[Box], ids: IdMap | None = None) -> None:
    """Undo gives back exactly ``before``; redo exactly what the edit stored; twice over."""
    after = state(project)
    for _ in range(2):
        edit.undo(project, ids)
        assert state(project) == before
        edit.redo(project, ids)
        assert state(project) == after


def test_add_and_its_undo_restores_the_same_id(project: Project) -> None:
    seed(project)
    before = state(project)
    edit = commands.add_boxes(project, 1, [NewBox(ClassId.BALL, 5, 5, 3, 3)])
    assert edit.added_ids == [4] and not edit.before
    check_round_trip(project, edit, before)
    assert state(project)[-1].id == 4


def test_delete_restores_every_field(project: Project) -> None:
    ids = seed(project)
    before = state(project)
    edit = commands.delete_boxes(project, 1, ids[:2])
    assert [b.id for b in state(project)] == [ids[2]]
    assert edit.deleted_ids == ids[:2]
    check_round_trip(project, edit, before)
    edit.undo(project)
    restored = project.box(ids[0])
    assert (restored.score, restored.source, restored.track_id, restored.detector) == (
        0.9, BoxSource.PSEUDO, 3, "rfdetr")


def test_move_and_class_change_make_pseudo_boxes_manual(project: Project) -> None:
    ids = seed(project)
    before = state(project)
    edit = commands.set_rects(project, 1, {ids[0]: Rect(12, 11, 21, 41)})
    box = project.box(ids[0])
    assert (box.x, box.y, box.w, box.h, box.source, box.score) == (12, 11, 21, 41, BoxSource.MANUAL, 0.9)
    check_round_trip(project, edit, before)
    before = state(project)
    edit = commands.set_class(project, 1, [ids[1], ids[2]], ClassId.PLAYER)
    assert [project.box(i).class_id for i in ids] == [ClassId.PLAYER] * 3
    assert project.box(ids[1]).source == BoxSource.MANUAL and project.box(ids[2]).source == BoxSource.IMPORTED
    check_round_trip(project, edit, before)


def test_confirm_confirm_above_and_reject(project: Project) -> None:
    ids = seed(project)
    before = state(project)
    edit = commands.confirm(project, 1, [ids[1], ids[2]])
    assert [b.id for b in edit.before] == [ids[1]]  # the imported box is not touched
    assert project.box(ids[1]).source == BoxSource.MANUAL
    check_round_trip(project, edit, before)
    edit.undo(project)

    edit = commands.confirm_above(project, 1, 0.5)
    assert [project.box(i).source for i in ids] == [BoxSource.MANUAL, BoxSource.PSEUDO, BoxSource.IMPORTED]
    check_round_trip(project, edit, before)
    edit.undo(project)

    edit = commands.reject_pseudo(project, 1)
    assert [b.id for b in state(project)] == [ids[2]]
    check_round_trip(project, edit, before)


def test_copy_from_previous_clips_and_keeps_pseudo_pseudo(project: Project) -> None:
    seed(project, frame_id=1)
    project.add_boxes(1, [NewBox(ClassId.PLAYER, 190, 90, 30, 30, source=BoxSource.MANUAL)])
    edit = commands.copy_boxes_from(project, 2, 1)
    copies = state(project, 2)
    assert len(copies) == 4 == len(edit.added_ids)
    assert copies[0].source == BoxSource.PSEUDO and copies[0].score == 0.9 and copies[0].track_id == 3
    assert copies[2].source == BoxSource.MANUAL and copies[2].score is None  # imported becomes manual
    assert (copies[3].x, copies[3].y, copies[3].w, copies[3].h) == (190, 90, 10, 10)
    edit.undo(project)
    assert state(project, 2) == []
    assert len(state(project, 1)) == 4


def test_duplicate_is_manual_and_offset(project: Project) -> None:
    ids = seed(project)
    edit = commands.duplicate(project, 1, [ids[2]])
    (copy,) = [project.box(i) for i in edit.added_ids]
    assert (copy.x, copy.y, copy.source, copy.score) == (110, 30, BoxSource.MANUAL, None)


def test_merged_steps_undo_as_one(project: Project) -> None:
    ids = seed(project)
    before = state(project)
    first = commands.set_rects(project, 1, {ids[0]: Rect(11, 10, 20, 40)}, "Nudge")
    second = commands.set_rects(project, 1, {ids[0]: Rect(12, 10, 20, 40)}, "Nudge")
    added = commands.add_boxes(project, 1, [NewBox(ClassId.BALL, 1, 1, 2, 2)])
    gone = commands.delete_boxes(project, 1, added.added_ids)
    merged = first.then(second).then(added).then(gone)
    assert not merged.added_ids  # added then deleted: nothing to undo for it
    check_round_trip(project, merged, before)
    there_and_back = commands.set_rects(project, 1, {ids[2]: Rect(101, 20, 20, 40)}).then(
        commands.set_rects(project, 1, {ids[2]: Rect(100, 20, 20, 40)}))
    assert there_and_back.is_empty()  # an imported box moved and moved back: nothing left to undo


def test_undo_refuses_when_the_boxes_changed_elsewhere(project: Project) -> None:
    ids = seed(project)
    edit = commands.set_rects(project, 1, {ids[0]: Rect(0, 0, 5, 5)})
    project.update_box(ids[0], x=50.0)  # another window moves it
    stored = state(project)
    with pytest.raises(EditConflictError, match="changed outside this editor"):
        edit.undo(project)
    assert state(project) == stored  # nothing written

    deleted = commands.delete_boxes(project, 1, [ids[1]])
    assert deleted.deleted_ids == [ids[1]]
    with pytest.raises(EditConflictError):
        commands.set_rects(project, 1, {ids[1]: Rect(0, 0, 5, 5)})  # editing a box that is gone
    with pytest.raises(EditConflictError):
        commands.set_rects(project, 2, {ids[2]: Rect(0, 0, 5, 5)})  # a box of another frame


def test_restoring_a_box_whose_id_was_taken_moves_it_and_later_steps_follow(project: Project) -> None:
    ids = seed(project)
    ids_map = IdMap()
    top = ids[-1]
    move = commands.set_rects(project, 1, {top: Rect(101, 21, 20, 40)}).translated(ids_map.token)
    delete = commands.delete_boxes(project, 1, [top]).translated(ids_map.token)
    # Ids are never reused (AUTOINCREMENT), but another editor's undo may put a box back under
    # this id: here one on another frame.
    taken = top
    project.put_boxes([Box(taken, 2, ClassId.PLAYER, 1, 1, 5, 5, None, BoxSource.MANUAL)])
    delete.undo(project, ids_map)
    moved_to = ids_map.actual(top)
    assert moved_to != top and project.box(moved_to).x == 101 and project.box(top).frame_id == 2
    move.undo(project, ids_map)
    assert project.box(moved_to).x == 100 and project.box(taken).x == 1
    move.redo(project, ids_map)
    delete.redo(project, ids_map)
    assert [b.id for b in state(project)] == ids[:2]
    assert [b.id for b in state(project, 2)] == [taken]
    # A new box recorded under an id the map already uses gets its own token.
    (fresh,) = commands.add_boxes(project, 1, [NewBox(ClassId.BALL, 3, 3, 2, 2)]).added_ids
    token = ids_map.token(fresh)
    assert ids_map.actual(token) == fresh


def test_idmap_tokens() -> None:
    ids = IdMap()
    assert ids.actual(5) == 5 and ids.token(5) == 5 and not ids.moved()
    ids.rebind(5, 9)
    assert ids.actual(5) == 9 and ids.token(9) == 5 and ids.moved() == {5: 9}
    fresh = ids.token(5)  # a new box stored under 5 while token 5 means the box now at 9
    assert fresh < 0 and ids.actual(fresh) == 5
    ids.rebind(5, 5)
    assert ids.actual(5) == 5


def test_each_operation_is_one_transaction(project: Project) -> None:
    seed(project)
    statements: list[str] = []
    project._db.set_trace_callback(statements.append)
    commands.reject_pseudo(project, 1)
    project._db.set_trace_callback(None)
    assert sum(s.startswith("BEGIN") for s in statements) == 1
    assert sum(s.startswith("COMMIT") for s in statements) == 1


def test_store_operations_undo_relies_on(project: Project) -> None:
    ids = seed(project)
    boxes = project.boxes_by_id([*ids, 999])
    assert sorted(boxes) == ids
    project.delete_boxes(ids)
    project.put_boxes(boxes.values())
    assert state(project) == [boxes[i] for i in ids]
    changed = dataclasses.replace(boxes[ids[0]], x=77.0)
    project.put_boxes([changed])
    assert project.box(ids[0]) == changed
    project.delete_boxes([ids[-1]])
    assert commands._insert_copy(project, changed) == ids[-1] + 1  # AUTOINCREMENT: deleted ids never return
    assert project.frame_ids() == [1, 2]
    project.set_reviewed(1)
    assert project.unreviewed_frame_ids() == {2}
    assert isinstance(project.data_version(), int)
