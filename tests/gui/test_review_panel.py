"""The review queue panel ranks real project frames and opens the top one."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import Qt

from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project
from soccer_desktop.settings import Settings

WAIT_MS = 5000


def build_project(folder: Path, clip: Path) -> dict[str, int]:
    """Three frames of the index clip: a ball candidate, an uncertain frame, a reviewed one."""
    with Project.create(folder) as project:
        video = project.add_video(clip, width=384, height=64, fps=25, frame_count=300)
        for index in (120, 40, 200):
            cv2.imwrite(str(folder / "frames" / f"{index}.jpg"), np.full((64, 384, 3), index, np.uint8))
        frames = {
            name: project.add_frame(folder / "frames" / f"{index}.jpg", width=384, height=64,
                                    video_id=video.id, frame_index=index).id
            for name, index in (("ball", 120), ("uncertain", 40), ("reviewed", 200))
        }
        project.add_boxes(frames["ball"], [NewBox(ClassId.BALL, 10, 10, 6, 6, 0.9, BoxSource.PSEUDO)])
        project.add_boxes(frames["uncertain"], [NewBox(ClassId.PLAYER, 10 + 20 * i, 5, 10, 20, 0.2, BoxSource.PSEUDO)
                                                for i in range(4)])
        project.add_boxes(frames["reviewed"], [NewBox(ClassId.PLAYER, 1, 1, 10, 20, source=BoxSource.MANUAL)])
        project.set_reviewed(frames["reviewed"])
    return frames


def test_ranked_list_filters_and_next_opens_the_top_frame_in_the_canvas(qtbot, tmp_path: Path, index_clip: Path) -> None:
    frames = build_project(tmp_path / "p", index_clip)
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    panel = window.review_panel
    with qtbot.waitSignal(panel.sig_ranked, timeout=WAIT_MS):
        window.open_project(tmp_path / "p")
    qtbot.waitUntil(lambda: len(panel.items()) == 2, timeout=WAIT_MS)
    assert [item.frame.id for item in panel.items()] == [frames["ball"], frames["uncertain"]]
    assert "ball candidate" in panel.table.item(0, 2).text()
    assert "4 uncertain boxes" in panel.table.item(1, 2).text()
    assert "3 frames extracted" in panel.counts.text() and "1 reviewed" in panel.counts.text()

    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    assert window.workspace.currentWidget() is window.canvas_panel
    assert window.canvas_panel.current_frame().id == frames["ball"]
    # Marking it reviewed in the canvas (Space) advances to the next frame of the queue.
    window.canvas_panel.review_and_next()
    assert window.canvas_panel.current_frame().id == frames["uncertain"]
    with qtbot.waitSignal(panel.sig_ranked, timeout=WAIT_MS):
        pass
    assert [item.frame.id for item in panel.items()] == [frames["uncertain"]]
    window.project.set_reviewed(frames["ball"], False)  # back to the start for the filters below

    qtbot.waitUntil(lambda: panel._ranking is None, timeout=WAIT_MS)
    with qtbot.waitSignal(panel.sig_ranked, timeout=WAIT_MS):
        panel.reviewed_box.setCurrentIndex(panel.reviewed_box.findText("Reviewed"))
    assert [item.frame.id for item in panel.items()] == [frames["reviewed"]]
    assert not panel.next_button.isEnabled()
    with qtbot.waitSignal(panel.sig_ranked, timeout=WAIT_MS):
        panel.reviewed_box.setCurrentIndex(panel.reviewed_box.findText("All frames"))
    with qtbot.waitSignal(panel.sig_ranked, timeout=WAIT_MS):
        panel.ball_box.setCurrentIndex(panel.ball_box.findText("No ball"))
    assert {item.frame.id for item in panel.items()} == {frames["uncertain"], frames["reviewed"]}
    window.close()
