"""Builders for dataset tests: small projects with video frames and imported images."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from soccer_desktop.project.store import ClassId, NewBox, Project, Video

WIDTH, HEIGHT = 64, 48


def jpeg_bytes(width: int = WIDTH, height: int = HEIGHT, seed: int = 0) -> bytes:
    image = np.random.default_rng(seed).integers(0, 255, (height, width, 3), dtype=np.uint8)
    ok, encoded = cv2.imencode(".jpg", image)
    assert ok
    return encoded.tobytes()


def write_image(path: Path, width: int = WIDTH, height: int = HEIGHT, seed: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(jpeg_bytes(width, height, seed))
    return path


def player(x: float = 10.0, y: float = 5.0, w: float = 6.5, h: float = 14.25, **kw: Any) -> NewBox:
    return NewBox(ClassId.PLAYER, x, y, w, h, **kw)


def ball(x: float = 30.0, y: float = 20.0, w: float = 3.0, h: float = 3.0, **kw: Any) -> NewBox:
    return NewBox(ClassId.BALL, x, y, w, h, **kw)


def add_video_frames(
    project: Project,
    name: str,
    indices: Iterable[int],
    boxes_for: Callable[[int], list[NewBox]] = lambda index: [player()],
    fps: float = 25.0,
    reviewed: bool = True,
    frame_count: int = 100_000,
) -> Video:
    """Register a stand-in video file and frames of it, without encoding a real clip (fast)."""
    video_file = project.root.parent / "videos" / name
    video_file.parent.mkdir(parents=True, exist_ok=True)
    video_file.write_bytes(b"stand-in")
    video = project.add_video(video_file, width=WIDTH, height=HEIGHT, fps=fps, frame_count=frame_count)
    data = jpeg_bytes()
    with project.transaction():
        for index in indices:
            path = project.frames_dir / f"v{video.id:04d}" / f"{index:07d}.jpg"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            frame = project.add_frame(path, width=WIDTH, height=HEIGHT, video_id=video.id, frame_index=index,
                                      timestamp_s=index / fps)
            project.add_boxes(frame.id, boxes_for(index))
            if reviewed:
                project.set_reviewed(frame.id)
    return video


def add_loose_frames(project: Project, names: Iterable[str], boxes_for: Callable[[str], list[NewBox]]) -> None:
    """Frames without a video, as a folder import leaves them."""
    with project.transaction():
        for name in names:
            path = write_image(project.frames_dir / "imported" / "folder" / name)
            frame = project.add_frame(path, width=WIDTH, height=HEIGHT)
            project.add_boxes(frame.id, boxes_for(name))
            project.set_reviewed(frame.id)


def load_split(out: Path, split: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((out / split / "_annotations.coco.json").read_text())
    return document


def read_picture(path: Path) -> np.ndarray:
    image = cv2.imread(str(path))
    assert image is not None, path
    return image


def project_files(project: Project) -> set[Path]:
    """The project's content files: the database and the cache of video frame indexes left out."""
    cache = project.root / "cache"
    return {path for path in project.root.rglob("*")
            if path.is_file() and not path.name.startswith("project.db") and cache not in path.parents}
