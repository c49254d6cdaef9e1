"""Small generated clips for detector tests: a static textured pitch, moving players and a ball."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np

PLAYER_SIZE = (12, 30)  # w, h
BALL_DIAMETER = 8


def pitch(width: int, height: int, seed: int = 0) -> np.ndarray:
    """Mown-grass stripes with a little texture (BGR)."""
    rng = np.random.default_rng(seed)
    image = np.empty((height, width, 3), np.uint8)
    image[:] = (45, 120, 50)
    for x in range(0, width, 80):
        image[:, x : x + 40] = (40, 105, 45)
    noise = rng.integers(-6, 7, (height, width, 1))
    return np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def scene(
    index: int, width: int, height: int, background: np.ndarray
) -> tuple[np.ndarray, list[tuple[int, int, int, int]], tuple[float, float]]:
    """Frame ``index``: four players walking across, each with a shadow, and a ball rolling along.

    Returns the BGR image, the player boxes ``(x, y, w, h)`` and the ball centre.
    """
    image = background.copy()
    players = []
    w, h = PLAYER_SIZE
    for k in range(4):
        x = int((40 + 150 * k + 4 * index * (1 if k % 2 else -1)) % (width - w - 20)) + 10
        y = 60 + 70 * k
        shadow = image[y + h - 3 : y + h + 3, x + 4 : x + w + 12]
        shadow[...] = (shadow * 0.7).astype(np.uint8)  # same hue, darker: a cast shadow
        image[y : y + h // 2, x : x + w] = (40, 40, 210)  # shirt
        image[y + h // 2 : y + h, x + 2 : x + w - 2] = (235, 235, 235) if k % 2 else (30, 30, 30)  # shorts, legs
        image[y - 4 : y, x + 3 : x + w - 3] = (120, 160, 210)  # head
        players.append((x, y - 4, w, h + 4))
    ball = (float(30 + (6 * index) % (width - 60)), float(height - 40))
    cv2.circle(image, (round(ball[0]), round(ball[1])), BALL_DIAMETER // 2, (245, 245, 245), -1, cv2.LINE_AA)
    return image, players, ball


def write_pitch_clip(path: Path, frames: int = 60, width: int = 640, height: int = 360) -> Path:
    background = pitch(width, height)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "18"}
        for index in range(frames):
            image, _, _ = scene(index, width, height, background)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
