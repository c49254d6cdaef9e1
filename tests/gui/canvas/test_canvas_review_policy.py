"""Space marks what the person saw: shown pseudo boxes confirmed, hidden ones removed, one undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt

from soccer_desktop.gui.canvas.canvas_panel import CanvasPanel
from soccer_desktop.project.store import BoxSource, Project
from tests.gui.canvas.conftest import key, snapshot

CTRL = Qt.KeyboardModifier.ControlModifier


def test_space_confirms_shown_removes_hidden_and_undo_restores_exactly(qtbot, panel: CanvasPanel, project: Project) -> None:
    # Frame 1: a manual player, a pseudo player scoring 0.9 (shown at 0.30) and a pseudo ball at 0.2 (hidden).
    panel.set_threshold(0.3)  # the score slider
    canvas = panel.canvas
    assert [b.id for b in canvas.visible_boxes()] == [1, 2] and len(canvas.boxes()) == 3
    before = snapshot(project)
    reports: list[str] = []
    panel.sig_status.connect(reports.append)

    key(qtbot, canvas, "Space")  # mark reviewed and go on to the next unreviewed frame

    assert panel.current_frame().id == 2
    assert project.frame(1).reviewed
    stored = {b.id: b for b in project.boxes(1)}
    assert set(stored) == {1, 2}  # the hidden ball nobody saw is gone
    assert stored[2].source == BoxSource.MANUAL and stored[2].score == 0.9  # the shown one is confirmed
    assert reports == ["Frame marked reviewed: 1 pseudo box confirmed, 1 hidden one removed."]

    key(qtbot, canvas, "A")  # back to frame 1 (previous frame)
    assert panel.current_frame().id == 1
    assert panel.histories.history(1).stack.count() == 1  # one step
    key(qtbot, canvas, "Z", CTRL)
    assert snapshot(project) == before and not project.frame(1).reviewed
    assert not panel.reviewed.isChecked() and len(canvas.boxes()) == 3
    key(qtbot, canvas, "Y", CTRL)
    assert set(b.id for b in project.boxes(1)) == {1, 2} and project.frame(1).reviewed


def test_reviewed_checkbox_applies_the_same_rule_and_unmarking_keeps_boxes(qtbot, panel: CanvasPanel, project: Project) -> None:
    panel.set_threshold(0.1)  # the score slider: the ball scoring 0.2 is shown now
    panel.reviewed.setChecked(True)
    assert project.frame(1).reviewed
    assert {b.source for b in project.boxes(1)} == {BoxSource.MANUAL} and len(project.boxes(1)) == 3
    panel.reviewed.setChecked(False)
    assert not project.frame(1).reviewed and len(project.boxes(1)) == 3


def test_space_with_boxes_hidden_refuses_and_changes_nothing(qtbot, panel: CanvasPanel, project: Project) -> None:
    panel.set_threshold(0.3)  # the score slider
    before = snapshot(project)
    panel.canvas.set_boxes_shown(False)
    key(qtbot, panel.canvas, "Space")
    assert not project.frame(1).reviewed and snapshot(project) == before
    assert "Show the boxes" in panel.canvas.message()


def test_undo_refused_when_the_mark_changed_elsewhere(qtbot, panel: CanvasPanel, project: Project) -> None:
    panel.set_threshold(0.3)  # the score slider
    panel.reviewed.setChecked(True)
    project.set_reviewed(1, False)  # another window took the mark off
    key(qtbot, panel.canvas, "Z", CTRL)
    assert "changed outside this editor" in panel.canvas.message()
    assert len(project.boxes(1)) == 2  # nothing written
