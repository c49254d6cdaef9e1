"""Widths such as 1366 px make FFmpeg pad each row: the frame must still show, right edge included."""

from __future__ import annotations

import gc
from pathlib import Path

import av
import numpy as np

from soccer_desktop.gui.frame_view import FrameView, qimage_from_bgr
from soccer_desktop.video.reader import VideoReader

WIDTH, HEIGHT = 1366, 96
RED = (0, 0, 255)  # BGR


def _odd_width_clip(path: Path) -> Path:
    """Grey frames with a red strip on the right edge."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for _ in range(3):
            image = np.full((HEIGHT, WIDTH, 3), 128, np.uint8)
            image[:, -16:] = RED
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _is_red(rgb: tuple[int, ...]) -> bool:
    return rgb[0] > 200 and rgb[1] < 60 and rgb[2] < 60


def test_a_1366_px_frame_shows_its_right_edge(qtbot, tmp_path: Path) -> None:
    with VideoReader(_odd_width_clip(tmp_path / "odd.mp4")) as reader:
        frame = reader.read(1)
    assert frame.shape == (HEIGHT, WIDTH, 3)
    image = qimage_from_bgr(frame)
    gc.collect()
    np.full((HEIGHT, WIDTH, 3), 7, np.uint8)  # reuse freed memory: a dangling image would show it
    assert (image.width(), image.height()) == (WIDTH, HEIGHT)
    assert _is_red(image.pixelColor(WIDTH - 4, HEIGHT // 2).getRgb())
    assert all(110 <= channel <= 145 for channel in image.pixelColor(WIDTH // 2, HEIGHT // 2).getRgb()[:3])

    view = FrameView()
    qtbot.addWidget(view)
    view.resize(WIDTH, HEIGHT)
    view.set_frame(frame)
    shot = view.grab().toImage()
    assert _is_red(shot.pixelColor(shot.width() - 3, shot.height() // 2).getRgb())
