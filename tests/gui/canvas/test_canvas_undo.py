"""Undo details: nudges that cancel out leave no step; a failed undo leaves the stack where the database is."""

from __future__ import annotations

from PySide6.QtCore import Qt

from soccer_desktop.editing import commands
from soccer_desktop.editing.geometry import Rect
from soccer_desktop.gui.canvas.canvas_panel import CanvasPanel
from soccer_desktop.project.store import Project
from tests.gui.canvas.conftest import at, geometry_of, key

CTRL = Qt.KeyboardModifier.ControlModifier


def test_nudging_there_and_back_leaves_nothing_to_undo(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 120, 140))
    stack = panel.histories.history(1).stack
    key(qtbot, canvas, "Right")
    key(qtbot, canvas, "Left")
    assert stack.count() == 0 and geometry_of(project, 1) == (100, 100, 40, 80)
    key(qtbot, canvas, "Right")
    assert stack.count() == 1
    key(qtbot, canvas, "Z", CTRL)
    key(qtbot, canvas, "Y", CTRL)
    assert geometry_of(project, 1) == (101, 100, 40, 80)


def test_history_steps_directly(qtbot, panel: CanvasPanel, project: Project) -> None:
    history = panel.histories.history(1)
    edit = commands.set_rects(project, 1, {2: Rect(1, 2, 3, 4)})
    history.push(edit)
    assert history.stack.count() == 1 and geometry_of(project, 2) == (1, 2, 3, 4)  # push does not re-apply
    project.update_box(2, x=9.0)  # changed behind the history's back
    error = history.undo()
    assert isinstance(error, commands.EditConflictError)
    assert history.stack.index() == 1 and geometry_of(project, 2) == (9, 2, 3, 4)
    project.update_box(2, x=1.0)
    assert history.undo() is None and history.stack.index() == 0 and geometry_of(project, 2) == (300, 100, 40, 80)
    assert history.redo() is None and geometry_of(project, 2) == (1, 2, 3, 4)
    assert history.redo() is None  # nothing left
