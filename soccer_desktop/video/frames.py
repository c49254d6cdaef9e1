"""Frame images stored in a project: one JPEG per extracted video frame."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from soccer_desktop.core.atomic import atomic_write_bytes
from soccer_desktop.project.store import Project


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
