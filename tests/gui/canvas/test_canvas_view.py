"""Viewing and reviewing: zoom, pan, loupe, partial repaints, frame navigation, reviewed marks, help, keymaps."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from soccer_desktop.editing.keymap import ACTIONS, Keymap, keymap_file
from soccer_desktop.gui.canvas.canvas_painting import region_area
from soccer_desktop.gui.canvas.canvas_panel import CanvasPanel
from soccer_desktop.gui.canvas.canvas_widget import CanvasWidget
from soccer_desktop.gui.canvas.keymap_dialog import KeymapDialog
from soccer_desktop.project.store import Project
from tests.gui.canvas.conftest import at, drag, key

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def wheel(canvas: CanvasWidget, pos: QPointF, delta_y: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    event = QWheelEvent(pos, canvas.mapToGlobal(pos), QPoint(0, 0), QPoint(0, delta_y), Qt.MouseButton.NoButton,
                        modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas, event)


def test_ctrl_wheel_zooms_around_the_cursor_and_plain_wheel_scrolls(panel: CanvasPanel) -> None:
    canvas = panel.canvas
    cursor = QPointF(300, 200)
    before = canvas.transform.to_image(cursor.x(), cursor.y())
    wheel(canvas, cursor, 240, CTRL)
    assert canvas.transform.scale == pytest.approx(1.25**2)
    assert canvas.transform.to_image(cursor.x(), cursor.y()) == pytest.approx(before)
    offset = canvas.transform.offset_y
    wheel(canvas, cursor, -120)
    assert canvas.transform.offset_y == offset - 60 and canvas.transform.scale == pytest.approx(1.25**2)


def test_fit_actual_size_and_zoom_to_selection(qtbot, panel: CanvasPanel) -> None:
    canvas = panel.canvas
    key(qtbot, canvas, "F", CTRL)
    assert canvas.is_fitted()
    assert canvas.transform.scale == pytest.approx(min(canvas.width() / 800, canvas.height() / 400))
    key(qtbot, canvas, "0", CTRL)
    assert canvas.transform.scale == 1.0 and not canvas.is_fitted()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(canvas, 505, 205))  # the 10 px ball
    key(qtbot, canvas, "Z")
    assert canvas.transform.scale == 16.0
    centre = canvas.transform.to_widget(505, 205)
    assert centre == pytest.approx((canvas.width() / 2, canvas.height() / 2))


def test_middle_drag_and_space_drag_pan_without_editing(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    drag(qtbot, canvas, at(canvas, 120, 140), at(canvas, 170, 160), button=Qt.MouseButton.MiddleButton)
    assert (canvas.transform.offset_x, canvas.transform.offset_y) == (60, 30)
    assert project.box(1).x == 100
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    drag(qtbot, canvas, QPoint(200, 200), QPoint(150, 200))
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    assert canvas.transform.offset_x == 10
    assert not project.frame(1).reviewed  # Space used for panning does not mark the frame
    assert panel.current_frame().id == 1


def test_space_tap_marks_reviewed_and_advances_to_the_next_unreviewed(qtbot, panel: CanvasPanel,
                                                                     project: Project) -> None:
    canvas = panel.canvas
    project.set_reviewed(2)
    changes = []
    panel.sig_reviewed_changed.connect(lambda f, r: changes.append((f, r)))
    with qtbot.waitSignal(panel.sig_frame_changed) as blocker:
        key(qtbot, canvas, "Space")
    assert blocker.args == [3] and project.frame(1).reviewed and changes == [(1, True)]
    key(qtbot, canvas, "Space")
    assert project.frame(3).reviewed and panel.current_frame().id == 3
    assert "Every frame is reviewed" in canvas.message()
    assert panel.reviewed.isChecked()
    panel.reviewed.setChecked(False)
    assert not project.frame(3).reviewed
    key(qtbot, canvas, "R", CTRL)
    assert project.frame(3).reviewed


def test_navigation_keys_and_next_unreviewed(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    key(qtbot, canvas, "A")
    assert panel.current_frame().id == 1 and "first frame" in canvas.message()
    key(qtbot, canvas, "D")
    key(qtbot, canvas, "D")
    key(qtbot, canvas, "D")
    assert panel.current_frame().id == 3 and "last frame" in canvas.message()
    project.set_reviewed(1)
    key(qtbot, canvas, "D", SHIFT)
    assert panel.current_frame().id == 2


def test_review_queue_hook(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    assert not panel.actions_by_id["next_in_queue"].isEnabled()
    queue = [3, 2]
    panel.set_queue_provider(lambda: queue.pop(0) if queue else None)
    key(qtbot, canvas, "Q")
    assert panel.current_frame().id == 3
    key(qtbot, canvas, "Space")  # reviewed, then the queue's next item
    assert project.frame(3).reviewed and panel.current_frame().id == 2
    key(qtbot, canvas, "Q")
    assert panel.current_frame().id == 2 and "no more frames" in canvas.message()


def test_dragging_a_box_repaints_only_around_it(qtbot, panel: CanvasPanel) -> None:
    canvas = panel.canvas
    canvas.fit()
    canvas.repaint()
    canvas.paint_log = []
    start = at(canvas, 120, 140)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 21):
        qtbot.mouseMove(canvas, start + QPoint(step * 3, step))
        QApplication.processEvents()
    rects = list(canvas.paint_log)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(60, 20))
    assert rects, "nothing was repainted while dragging"
    whole = canvas.width() * canvas.height()
    biggest = max(r.width() * r.height() for r in rects)
    assert biggest < whole * 0.1, f"a repaint covered {biggest / whole:.0%} of the canvas"
    assert region_area(rects) / len(rects) < whole * 0.1


def test_loupe_follows_the_cursor_and_repaints_only_itself(qtbot, panel: CanvasPanel) -> None:
    canvas = panel.canvas
    key(qtbot, canvas, "L")
    assert canvas.loupe_enabled() and panel.preferences.loupe
    canvas.repaint()
    canvas.paint_log = []
    qtbot.mouseMove(canvas, at(canvas, 505, 205))
    qtbot.mouseMove(canvas, at(canvas, 506, 205))
    QApplication.processEvents()
    assert canvas.paint_log and all(r.width() <= 400 and r.height() <= 400 for r in canvas.paint_log)
    image = canvas.grab().toImage()
    loupe = canvas._loupe_rect()
    assert loupe is not None and QRect(canvas.rect()).contains(loupe)
    # The loupe magnifies: the ball box outline (magenta) shows inside it.
    colours = {image.pixelColor(x, y).name() for x in range(loupe.left(), loupe.right())
               for y in range(loupe.top(), loupe.bottom(), 3)}
    assert "#ff3cc8" in colours


def test_painting_everything_at_once_does_not_fail(qtbot, panel: CanvasPanel) -> None:
    canvas = panel.canvas
    panel._set_preference(show_scores=True, loupe=True)
    canvas.select_all()
    for scale in (0.3, 1.0, 4.0, 32.0):
        canvas.set_view(scale, 10, 10)
        qtbot.mouseMove(canvas, at(canvas, 505, 205))
        canvas.show_message("A message")
        canvas.repaint()
    key(qtbot, canvas, "H")
    assert canvas.visible_boxes() == []
    key(qtbot, canvas, "H")
    assert len(canvas.visible_boxes()) == 3


def test_help_overlay_lists_every_shortcut(qtbot, panel: CanvasPanel) -> None:
    canvas = panel.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_Question)
    assert panel.help.isVisible()
    text = panel.help.text()
    for spec in ACTIONS:
        assert spec.title.replace("'", "&#x27;") in text or spec.title in text, spec.id
    assert "Ctrl+wheel" in text and "<b>W</b>" in text
    key(qtbot, canvas, "Escape")
    assert not panel.help.isVisible()
    key(qtbot, canvas, "F1")
    assert panel.help.isVisible()
    key(qtbot, canvas, "F1")
    assert not panel.help.isVisible()


def test_cvat_preset(qtbot, panel: CanvasPanel, project: Project) -> None:
    canvas = panel.canvas
    panel.set_keymap(Keymap("cvat"))
    key(qtbot, canvas, "F")
    assert panel.current_frame().id == 2
    key(qtbot, canvas, "D")
    assert panel.current_frame().id == 1
    key(qtbot, canvas, "N")
    drag(qtbot, canvas, at(canvas, 600, 50), at(canvas, 620, 90))
    assert len(project.boxes(1)) == 4
    key(qtbot, canvas, "2", CTRL)
    assert project.boxes(1)[-1].class_id == 2
    key(qtbot, canvas, "W")  # not bound in this preset
    assert canvas.tool.value == "select"


def test_keymap_dialog_remaps_and_refuses_conflicts(qtbot, panel: CanvasPanel, private_user_folders: Path) -> None:
    dialog = KeymapDialog(panel.keymap(), panel)
    qtbot.addWidget(dialog)
    dialog.set_keys("tool_draw", "D")
    assert "Next frame" in dialog.problems.text()
    dialog.set_keys("tool_draw", "E, Shift+W")
    assert dialog.problems.text() == ""
    dialog.accept()
    keymap = dialog.result_keymap()
    assert keymap.keys("tool_draw") == ("E", "Shift+W")
    panel.set_keymap(keymap)
    keymap.save()
    assert Keymap.load(keymap_file()) == keymap
    key(qtbot, panel.canvas, "E")
    assert panel.canvas.tool.value == "draw"
    dialog = KeymapDialog(keymap, panel)
    qtbot.addWidget(dialog)
    dialog.preset.setCurrentIndex(1)
    assert dialog.edited_keymap() == Keymap("cvat")


@pytest.mark.parametrize("preset", ["labelimg", "cvat"])
def test_every_preset_key_is_one_qt_key_sequence(preset: str) -> None:
    from PySide6.QtGui import QKeySequence

    for action, keys in Keymap(preset).bindings().items():
        for name in keys:
            sequence = QKeySequence(name)
            assert sequence.count() == 1 and sequence.toString() == name, (action, name)
