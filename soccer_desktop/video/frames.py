"""Frame images stored in a project: one JPEG per extracted video frame."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from soccer_desktop.core.atomic import atomic_write_bytes
from soccer_desktop.project.store import Frame, Project, Video


def frame_image_path(project: Project, video_id: int, frame_index: int) -> Path:
    """Where frame ``frame_index`` of video ``video_id`` is stored (unique across videos)."""
    return project.frames_dir / f"v{video_id:04d}" / f"{frame_index:07d}.jpg"


def write_jpeg(path: Path, image: np.ndarray, quality: int = 95) -> None:
    """Write a JPEG atomically (temp file + rename) so a crash never leaves half an image."""
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise OSError(f"could not encode {path.name} as JPEG")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, encoded.tobytes())


def store_video_frame(
    project: Project, video: Video, frame_index: int, image: np.ndarray, quality: int = 95
) -> Frame:
    """Save a decoded frame as JPEG and register it; an already stored frame is returned as is."""
    existing = project.frame_at(video.id, frame_index)
    if existing is not None and project.image_file(existing).is_file():
        return existing
    path = frame_image_path(project, video.id, frame_index)
    write_jpeg(path, image, quality)
    if existing is not None:
        return existing
    height, width = image.shape[:2]
    return project.add_frame(
        path,
        width=width,
        height=height,
        video_id=video.id,
        frame_index=frame_index,
        timestamp_s=frame_index / video.fps if video.fps else None,
    )
