"""Frames shrunk for the screen from their YUV planes look like the full BGR frame shrunk, in every colour space."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from soccer_desktop.video.display import DisplayFrame, shrink_bgr, shrink_decoded
from soccer_desktop.video.reader import VideoReader
from tests.detect.clips import pitch


def _clip(path: Path, pix_fmt: str = "yuv420p", colorspace: int | None = None, color_range: int | None = None,
          width: int = 642, height: int = 362) -> Path:  # fmt: skip
    """A few frames of pitch with saturated colour patches (where a wrong matrix shows most)."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        if colorspace is not None:
            stream.codec_context.colorspace = colorspace
        if color_range is not None:
            stream.codec_context.color_range = color_range
        for index in range(3):
            image = pitch(width, height, seed=index)
            image[40:120, 40:200] = (30, 200, 40)
            image[150:260, 300:560] = (200, 40, 160)
            image[280:340, 60:400] = (20, 60, 230)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean and 95th percentile (patch edges alias differently: each way samples its own pixels)."""
    delta = np.abs(a.astype(np.int16) - b.astype(np.int16))[..., :3]
    return float(delta.mean()), float(np.percentile(delta, 95))


@pytest.mark.parametrize(("name", "pix_fmt", "colorspace", "color_range"), [
    ("unspecified", "yuv420p", None, None),
    ("bt709", "yuv420p", 1, 1),
    ("full-range", "yuvj420p", None, 2),
    ("4:4:4", "yuv444p", None, None),
])  # fmt: skip
@pytest.mark.parametrize("size", [(321, 181), (160, 90)])
def test_shrunk_from_planes_matches_the_full_frame_shrunk(tmp_path: Path, name: str, pix_fmt: str,
                                                          colorspace: int | None, color_range: int | None,
                                                          size: tuple[int, int]) -> None:  # fmt: skip
    clip = _clip(tmp_path / f"{name}.mp4", pix_fmt, colorspace, color_range)
    with VideoReader(clip) as reader:
        decoded = reader.read_decoded(1)
        full = reader.read(1)
    assert full.shape == (362, 642, 3)
    small = shrink_decoded(decoded, size)
    assert small.shape == (size[1], size[0], 4) and small.flags["C_CONTIGUOUS"]
    assert (small[..., 3] == 255).all()
    expected = shrink_bgr(full, size)
    mean, high = _difference(small, expected)
    assert mean < 3.5 and high <= 8, (mean, high)
    for x, y in ((120, 80), (430, 205), (230, 310)):  # inside each patch: a wrong matrix is off by 20 or more there
        at = round(y * size[1] / 362), round(x * size[0] / 642)
        assert np.abs(small[at][:3].astype(int) - expected[at][:3]).max() <= 6, (x, y, small[at], expected[at])


def test_display_frame_converts_once_and_only_what_is_asked(tmp_path: Path) -> None:
    clip = _clip(tmp_path / "clip.mp4")
    with VideoReader(clip) as reader:
        frame = DisplayFrame(reader.read_decoded(2))
        expected = reader.read(2)
    assert frame.size == (642, 362) and not frame.has_bgr()
    small = frame.shrunk((100, 56))
    assert frame.shrunk((100, 56)) is small and frame.shrunk_size() == (100, 56)
    assert not frame.has_bgr()  # shrinking never made the full frame
    assert np.array_equal(frame.bgr(), expected)
    assert frame.bgr() is frame.bgr()
    from_array = DisplayFrame.from_bgr(expected)
    assert from_array.size == (642, 362) and from_array.shrunk((100, 56)).shape == (56, 100, 4)
    with pytest.raises(ValueError):
        DisplayFrame()


def test_the_reader_keeps_the_last_frames_conversion(tmp_path: Path) -> None:
    clip = _clip(tmp_path / "clip.mp4")
    with VideoReader(clip) as reader:
        first = reader.read(1)
        assert reader.read(1) is first
        decoded = reader.read_decoded(1)
        assert reader.read_decoded(1) is decoded
        position, near = reader.read_near(2)
        assert position == 0 and near.shape == first.shape
