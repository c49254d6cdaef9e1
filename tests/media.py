"""Test media generated on the fly: clips whose frames show their own index."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

BITS = 12
CELL = 32
HEIGHT = 64


def index_image(index: int, width: int = BITS * CELL, height: int = HEIGHT) -> np.ndarray:
    """A BGR frame whose 12 black/white cells spell ``index`` in binary (robust to compression)."""
    image = np.zeros((height, width, 3), np.uint8)
    for bit in range(BITS):
        if index >> bit & 1:
            image[:, bit * CELL : (bit + 1) * CELL] = 255
    return image


def read_index(image: np.ndarray) -> int:
    """The index a frame made by :func:`index_image` shows."""
    row = image[HEIGHT // 2]
    return sum(1 << bit for bit in range(BITS) if row[bit * CELL + CELL // 2].mean() > 127)


def write_index_clip(
    path: Path, frame_count: int, gop: int = 250, b_frames: int = 3, codec: str = "libx264", fps: int = 25,
    container_format: str | None = None,
) -> Path:
    """Encode a clip of self-identifying frames with a long GOP and B-frames."""
    with av.open(str(path), "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = BITS * CELL, HEIGHT, "yuv420p"
        options = {"g": str(gop), "bf": str(b_frames)}
        if codec == "libx264":
            options["x264-params"] = f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes={b_frames}"
        stream.options = options
        for index in range(frame_count):
            frame = av.VideoFrame.from_ndarray(index_image(index), format="bgr24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def write_vfr_clip(path: Path, times_ms: list[int], width: int = BITS * CELL) -> Path:
    """A variable-frame-rate clip of self-identifying frames: frame ``i`` is shown at ``times_ms[i]``."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = width, HEIGHT, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        stream.time_base = Fraction(1, 1000)
        stream.options = {"x264-params": "bframes=0:keyint=50:min-keyint=50:scenecut=0"}
        for index, time_ms in enumerate(times_ms):
            frame = av.VideoFrame.from_ndarray(index_image(index, width), format="bgr24")
            frame.pts, frame.time_base = time_ms, Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
