"""The detector interface shared by motion proposals and RF-DETR.

A :class:`Detector` turns one BGR frame into unsaved pseudo boxes. Some
detectors need more than the frame — motion proposals learn the empty pitch
from the video around the frames — so the pseudo-label job asks a
:class:`DetectorFactory` for a detector per group of nearby frames of one
video; detectors that need nothing of the kind return themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import CancelCheck, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Video


class DetectorUnavailableError(UserError):
    """A detector that cannot run here (no weights, no video, no GPU memory); the message says what to do."""


class Detector(Protocol):
    @property
    def name(self) -> str:
        """Short tag stored with each box (``boxes.detector``), e.g. ``motion`` or ``rfdetr-nano+sahi``."""
        ...

    def detect(self, image_bgr: np.ndarray, cancel: CancelCheck = never_cancelled) -> list[NewBox]:
        """Boxes in frame pixels with ``source`` pseudo; ``cancel`` is polled inside slow frames."""
        ...


class DetectorFactory(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def fingerprint(self) -> str:
        """Name plus every setting that changes the boxes: a cancelled run resumes only under the same one."""
        ...

    @property
    def needs_video(self) -> bool:
        """True when frames without a video (imported images) cannot be handled."""
        ...

    def for_frames(
        self,
        video: Video | None,
        frame_indices: Sequence[int],
        progress: ProgressCallback = no_progress,
        cancel: CancelCheck = never_cancelled,
    ) -> Detector:
        """A detector for these frames of ``video`` (sorted, spanning a few minutes at most)."""
        ...


def pseudo_box(
    class_id: ClassId, x0: float, y0: float, x1: float, y1: float, score: float, detector: str,
    width: int, height: int,
) -> NewBox | None:
    """A pseudo box from corner coordinates clipped to the frame, or None when nothing is left of it."""
    x0, x1 = max(0.0, float(x0)), min(float(width), float(x1))
    y0, y1 = max(0.0, float(y0)), min(float(height), float(y1))
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        return None
    return NewBox(class_id, x0, y0, x1 - x0, y1 - y0, score=float(score), source=BoxSource.PSEUDO,
                  detector=detector)
