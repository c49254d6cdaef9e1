"""A variable-frame-rate video shows each frame's real time and plays by its timestamps."""

from __future__ import annotations

from pathlib import Path

from soccer_desktop.gui.video_panel import VideoPanel, timecode
from tests.media import read_index, write_vfr_clip

WAIT_MS = 20_000
#: Frame i is shown at TIMES_MS[i]; the average rate (about 6 fps) says nothing about any one frame.
TIMES_MS = [0, 40, 80, 200, 240, 1000, 1040, 1080, 1500, 1540, 2000, 2040]


def test_timecodes_and_playback_follow_the_real_timestamps(qtbot, tmp_path: Path) -> None:
    clip = write_vfr_clip(tmp_path / "vfr.mp4", TIMES_MS)
    panel = VideoPanel()
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.sig_frame_shown, timeout=WAIT_MS):
        panel.open_video(clip)
    try:
        for index, text in ((5, "00:00:01.00"), (8, "00:00:01.03"), (10, "00:00:02.00")):
            panel._frame_box.setValue(index)
            qtbot.waitUntil(lambda index=index: panel.shown_index == index, timeout=WAIT_MS)
            assert read_index(panel.view.frame_array) == index
            qtbot.waitUntil(lambda text=text: panel._timecode.text() == text, timeout=WAIT_MS)
        assert timecode(5, 6.0) != "00:00:01.00"  # what frame / average fps would have said

        panel._frame_box.setValue(4)  # at 240 ms; frame 5 comes at 1000 ms
        qtbot.waitUntil(lambda: panel.shown_index == 4, timeout=WAIT_MS)
        seen: list[int] = []
        panel.sig_frame_shown.connect(seen.append)
        panel.play()
        qtbot.wait(500)  # by the average rate (~6 fps) three more frames would be due by now
        assert seen == []
        qtbot.waitUntil(lambda: 5 in seen, timeout=WAIT_MS)  # and frame 5 does come, on time or later
        panel.pause()
    finally:
        panel.close_video()
