"""Overlay playback in the real video panel: every painted frame carries its own frame's boxes.

The clip's frames show their own index; the stored detections of frame i sit at
x = i, so a painted picture and its boxes can be checked against each other.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from soccer_desktop.analysis import store
from soccer_desktop.gui.overlay import FrameOverlay, OverlaySource
from soccer_desktop.gui.video_panel import VideoPanel
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project
from soccer_desktop.video.library import add_video
from tests.media import read_index

WAIT_MS = 8000
FRAMES = 300


def _boxes(index: int) -> list[NewBox]:
    return [NewBox(ClassId.PLAYER, index, 4, 20, 30, 0.9, BoxSource.PSEUDO),
            NewBox(ClassId.BALL, index, 40, 6, 6, 0.3 + (index % 2) * 0.4, BoxSource.PSEUDO)]  # fmt: skip


@pytest.fixture
def project(tmp_path: Path, index_clip: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "p") as project:
        video, _ = add_video(project, index_clip)
        older = store.create_analysis(project, video.id, "older", "motion")
        store.write_frames(project, older.id, [(0, [])])
        analysis = store.create_analysis(project, video.id, "per index", "motion", {"frame_count": FRAMES})
        store.write_frames(project, analysis.id, [(i, _boxes(i)) for i in range(FRAMES)])
        store.set_status(project, analysis.id, "done")
        yield project


class PaintRecorder(QObject):
    """Notes, at every paint of the view, the picture's own index and the frame its overlay belongs to."""

    def __init__(self, panel: VideoPanel) -> None:
        super().__init__()
        self.panel = panel
        self.painted: list[tuple[int, int | None, float | None]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.panel.view.frame_array is not None:
            overlay = self.panel.view.overlay
            first_x = overlay.boxes[0].x if overlay is not None and overlay.boxes else None
            self.painted.append((read_index(self.panel.view.frame_array),
                                 overlay.frame_index if overlay else None, first_x))  # fmt: skip
        return False


@pytest.fixture
def panel(qtbot, index_clip: Path, project: Project) -> Iterator[VideoPanel]:
    widget = VideoPanel()
    widget.resize(900, 400)
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(widget.sig_frame_shown, timeout=WAIT_MS):
        widget.open_video(index_clip)
    widget.show_analyses(project, project.videos()[0].id)
    yield widget
    widget.close_video()


def test_the_newest_analysis_is_shown_and_one_click_chooses_another(panel: VideoPanel) -> None:
    controls = panel.overlay_controls
    assert [controls.analysis_box.itemText(i) for i in range(3)] == ["No overlay", "per index",
                                                                     "older (running, 1/? frames)"]  # fmt: skip
    assert panel.view.overlay is not None and panel.view.overlay.frame_index == 0
    controls.analysis_box.setCurrentIndex(0)
    assert panel.view.overlay is None
    controls.analysis_box.setCurrentIndex(1)
    assert [b.x for b in panel.view.overlay.boxes] == [0, 0]


def test_every_painted_frame_carries_its_own_boxes_while_playing_stepping_and_scrubbing(qtbot,
                                                                                         panel: VideoPanel) -> None:  # fmt: skip
    recorder = PaintRecorder(panel)
    panel.view.installEventFilter(recorder)
    panel.set_speed(4.0)
    panel.play()
    qtbot.waitUntil(lambda: not panel.is_playing(), timeout=30_000)
    assert panel.shown_index == FRAMES - 1
    for index in (150, 151, 149):
        panel.seek(index)
        qtbot.waitUntil(lambda index=index: panel.shown_index == index, timeout=WAIT_MS)
        QApplication.processEvents()
    panel.timeline.sig_scrubbing.emit(260)  # a drag shows the keyframe before: its boxes, not frame 260's
    qtbot.waitUntil(lambda: panel.view.overlay is not None and panel.view.overlay.frame_index == 250,
                    timeout=WAIT_MS)  # fmt: skip
    panel.view.repaint()
    panel.view.removeEventFilter(recorder)
    painted = recorder.painted
    assert len({p[0] for p in painted}) > 40  # playback painted many distinct frames
    assert all(picture == overlay == x for picture, overlay, x in painted), [p for p in painted if len(set(p)) > 1]
    assert {150, 151, 149, 250} <= {p[0] for p in painted}


def test_the_decode_thread_makes_the_overlays_and_an_option_change_reaches_the_next_frame(qtbot, panel: VideoPanel,
                                                                                         monkeypatch) -> None:  # fmt: skip
    made_on_gui_thread: list[int] = []
    for_frame = OverlaySource.for_frame

    def noting_for_frame(source: OverlaySource, index: int) -> FrameOverlay:
        if threading.current_thread() is threading.main_thread():
            made_on_gui_thread.append(index)
        return for_frame(source, index)

    monkeypatch.setattr(OverlaySource, "for_frame", noting_for_frame)
    painted: list[tuple[int, int]] = []  # the picture's index, its number of boxes
    panel.sig_frame_shown.connect(lambda index: painted.append((index, len(panel.view.overlay.boxes))))
    panel.set_speed(4.0)
    panel.play()
    qtbot.waitUntil(lambda: panel.shown_index >= 120, timeout=30_000)
    changed_at = len(painted)
    panel.overlay_controls.confidence_slider.setValue(50)  # hides the 0.3 balls of even frames
    qtbot.waitUntil(lambda: not panel.is_playing(), timeout=30_000)
    assert len(painted) > 150 and len(made_on_gui_thread) <= 12, made_on_gui_thread  # queued frames made again
    assert all(count == 2 for _, count in painted[:changed_at])
    assert all(count == 1 + index % 2 for index, count in painted[changed_at:])


def test_confidence_classes_ball_only_and_trail(qtbot, panel: VideoPanel) -> None:
    controls = panel.overlay_controls
    panel.seek(21)
    qtbot.waitUntil(lambda: panel.shown_index == 21, timeout=WAIT_MS)
    overlay = panel.view.overlay
    assert len(overlay.boxes) == 2 and overlay.boxes[1].label == "0.70"
    trail = overlay.trail
    assert [p.x for p in trail] == [i + 3 for i in range(9, 21)] and trail[-1].opacity > trail[0].opacity
    controls.confidence_slider.setValue(80)  # above every ball (0.3/0.7), below the players (0.9)
    assert [b.y for b in panel.view.overlay.boxes] == [4] and panel.view.overlay.trail == []
    controls.confidence_slider.setValue(50)
    assert len(panel.view.overlay.boxes) == 2  # frame 21 is odd: its ball scores 0.7
    assert all(p.x - 3 in range(9, 21, 2) for p in panel.view.overlay.trail)  # only the 0.7 balls of odd frames
    qtbot.mouseClick(controls.ball_only_check, Qt.MouseButton.LeftButton)
    assert [b.y for b in panel.view.overlay.boxes] == [40]
    qtbot.mouseClick(controls.ball_only_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(controls.ball_check, Qt.MouseButton.LeftButton)
    assert [b.y for b in panel.view.overlay.boxes] == [4] and panel.view.overlay.trail == []
    qtbot.mouseClick(controls.ball_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(controls.trail_check, Qt.MouseButton.LeftButton)
    assert panel.view.overlay.trail == [] and len(panel.view.overlay.boxes) == 2


def test_rename_and_delete_from_the_panel(panel: VideoPanel, project: Project) -> None:
    controls = panel.overlay_controls
    controls.rename("first half")
    assert controls.analysis_box.currentText() == "first half"
    assert store.list_analyses(project)[0].name == "first half"
    errors: list[str] = []
    panel.sig_error.connect(errors.append)
    controls.rename("  ")
    assert errors and "needs a name" in errors[0]
    controls.delete()
    assert controls.analysis_id() is None and panel.view.overlay is None
    assert [a.name for a in store.list_analyses(project)] == ["older"]
    assert controls.analysis_box.count() == 2
