"""The real video panel driven with mouse and keyboard: open, play, step, seek, scrub, zoom."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from soccer_desktop.gui.timeline import Marker
from soccer_desktop.gui.video_panel import VideoPanel, timecode
from tests.media import read_index

WAIT_MS = 5000


@pytest.fixture
def panel(qtbot, index_clip: Path) -> VideoPanel:
    widget = VideoPanel()
    widget.resize(900, 400)
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(widget.sig_frame_shown, timeout=WAIT_MS):
        widget.open_video(index_clip)
    yield widget
    widget.close_video()


def shown_frame_index(panel: VideoPanel) -> int:
    return read_index(panel.view.frame_array)


def wait_for_frame(qtbot, panel: VideoPanel, index: int) -> None:
    qtbot.waitUntil(lambda: panel.shown_index == index, timeout=WAIT_MS)
    assert shown_frame_index(panel) == index


def test_open_shows_first_frame_and_info(panel: VideoPanel) -> None:
    assert panel.shown_index == 0 == shown_frame_index(panel)
    assert "384×64" in panel._info.text() and "300 frames" in panel._info.text()
    assert panel._timecode.text() == "00:00:00.00"


def test_keyboard_steps_and_jumps(qtbot, panel: VideoPanel) -> None:
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Right)
    wait_for_frame(qtbot, panel, 1)
    qtbot.keyClick(panel.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    wait_for_frame(qtbot, panel, 11)
    qtbot.keyClick(panel.view, Qt.Key.Key_Left)
    wait_for_frame(qtbot, panel, 10)
    qtbot.keyClick(panel.view, Qt.Key.Key_End)
    wait_for_frame(qtbot, panel, 299)
    qtbot.keyClick(panel.view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    wait_for_frame(qtbot, panel, 289)
    qtbot.keyClick(panel.view, Qt.Key.Key_Home)
    wait_for_frame(qtbot, panel, 0)


def test_random_seeks_through_the_frame_box_are_exact(qtbot, panel: VideoPanel) -> None:
    for index in (200, 13, 299, 250, 249, 77):
        panel._frame_box.setValue(index)
        wait_for_frame(qtbot, panel, index)
        qtbot.waitUntil(lambda index=index: panel._timecode.text() == timecode(index, 25.0), timeout=WAIT_MS)


def test_a_fast_run_of_frames_ends_showing_the_last_ones_position(qtbot, panel: VideoPanel) -> None:
    """Positions of frames shown faster than the screen refreshes are skipped, never the last one."""
    boxes: list[int] = []
    panel._frame_box.valueChanged.connect(boxes.append)  # signals are blocked while the panel sets it
    panel.sig_frame_shown.connect(lambda index: index < 40 and panel.seek(index + 1))
    panel.seek(1)
    qtbot.waitUntil(lambda: panel.shown_index == 40, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel._timecode.text() == timecode(40, 25.0), timeout=WAIT_MS)
    assert panel._frame_box.value() == 40 and panel.timeline.position() == 40
    assert boxes == []  # showing a position never asks for a seek


def test_play_advances_in_order_and_pause_stops(qtbot, panel: VideoPanel) -> None:
    seen: list[int] = []
    panel.sig_frame_shown.connect(seen.append)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Space)
    assert panel.is_playing()
    qtbot.waitUntil(lambda: panel.shown_index >= 12, timeout=WAIT_MS)
    qtbot.keyClick(panel.view, Qt.Key.Key_Space)
    assert not panel.is_playing()
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    stopped_at = panel.shown_index
    qtbot.wait(200)
    assert panel.shown_index == stopped_at
    assert shown_frame_index(panel) == stopped_at


def test_speed_changes_playback_rate(qtbot, panel: VideoPanel) -> None:
    panel.set_speed(4.0)
    assert panel._speed_box.currentText() == "4×"
    panel.play()
    qtbot.wait(500)
    panel.pause()
    fast = panel.shown_index
    panel.seek(0)
    wait_for_frame(qtbot, panel, 0)
    panel.set_speed(0.25)
    panel.play()
    qtbot.wait(500)
    panel.pause()
    assert fast > 3 * max(panel.shown_index, 1)


def test_play_stops_at_the_last_frame(qtbot, panel: VideoPanel) -> None:
    panel.seek(295)
    wait_for_frame(qtbot, panel, 295)
    panel.play()
    qtbot.waitUntil(lambda: not panel.is_playing(), timeout=WAIT_MS)
    assert panel.shown_index == 299


def test_scrub_drag_shows_keyframes_then_exact_frame_on_release(qtbot, panel: VideoPanel) -> None:
    timeline = panel.timeline
    y = timeline.height() - 6
    start = QPoint(int(timeline.x_of(10)), y)
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=start)
    for frame in (60, 140, 220, 280):
        qtbot.mouseMove(timeline, QPoint(int(timeline.x_of(frame)), y))
        qtbot.wait(20)
    target = timeline.frame_at(timeline.x_of(270))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(int(timeline.x_of(270)), y))
    wait_for_frame(qtbot, panel, target)


def test_clicking_an_event_marker_jumps_to_it(qtbot, panel: VideoPanel) -> None:
    panel.set_markers([Marker(120, "PASS"), Marker(200, "SHOT")])
    x = int(panel.timeline.x_of(200))
    qtbot.mouseClick(panel.timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    wait_for_frame(qtbot, panel, 200)


def test_wheel_zoom_keeps_the_point_under_the_cursor(qtbot, panel: VideoPanel) -> None:
    view = panel.view
    cursor = QPointF(300, 150)
    before = view.transform.to_image(cursor.x(), cursor.y())
    scale_before = view.transform.scale
    event = QWheelEvent(cursor, view.mapToGlobal(cursor), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, event)
    assert not view.is_fitted()
    assert view.transform.scale == pytest.approx(scale_before * 1.25**2)  # two wheel notches
    after = view.transform.to_image(cursor.x(), cursor.y())
    assert after == pytest.approx(before)
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert view.transform.scale == 1.0
    qtbot.mousePress(view, Qt.MouseButton.MiddleButton, pos=QPoint(100, 100))
    qtbot.mouseMove(view, QPoint(150, 120))
    qtbot.mouseRelease(view, Qt.MouseButton.MiddleButton, pos=QPoint(150, 120))
    offset = (view.transform.offset_x, view.transform.offset_y)
    qtbot.keyClick(view, Qt.Key.Key_F)
    assert view.is_fitted() and (view.transform.offset_x, view.transform.offset_y) != offset


def test_zooming_tells_the_decoder_the_size_frames_are_shown_at(qtbot, panel: VideoPanel) -> None:
    view = panel.view
    view.zoom(0.3)  # zoomed out: the decoder makes small copies from now on, not from the next frame
    assert view.display_size() is not None and panel._source._display_size == view.display_size()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    wait_for_frame(qtbot, panel, 1)
    assert view._frame.shrunk_size() == view.display_size()
    qtbot.keyClick(view, Qt.Key.Key_1)  # actual pixels: full frames again
    assert panel._source._display_size is None


def test_unreadable_file_reports_an_error_and_panel_stays_usable(qtbot, tmp_path: Path, index_clip: Path) -> None:
    panel = VideoPanel()
    qtbot.addWidget(panel)
    bogus = tmp_path / "broken.mp4"
    bogus.write_bytes(b"\x00" * 5000)
    with qtbot.waitSignal(panel.sig_error, timeout=WAIT_MS) as blocker:
        panel.open_video(bogus)
    assert "cannot be opened as a video" in blocker.args[0]
    with qtbot.waitSignal(panel.sig_frame_shown, timeout=WAIT_MS):
        panel.open_video(index_clip)
    panel.close_video()
