"""Detectors as the analysis job needs them: many frames of one video in, boxes per frame out.

Three kinds: batched SAHI slicing of an RF-DETR model (:mod:`.slicing`), RF-DETR
on whole frames (one ``predict`` call per batch of frames), and motion
proposals (:mod:`.motion_windows`). The protocol lives in :mod:`.runner`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from soccer_desktop.analysis.runner import FrameBatchDetector
from soccer_desktop.core.jobs import CancelCheck, never_cancelled
from soccer_desktop.detect.choice import DetectorChoice
from soccer_desktop.detect.rfdetr_backend import RfdetrDetector
from soccer_desktop.project.store import NewBox, Video


class WholeFrameRfdetr:
    """RF-DETR on whole frames (resized to its resolution), a batch of frames per call."""

    def __init__(self, detector: RfdetrDetector, batch: int | None = None) -> None:
        from soccer_desktop.analysis.slicing import auto_batch_size

        self.detector = detector
        self.batch = batch or auto_batch_size(detector.device.device, detector.size)

    @property
    def name(self) -> str:
        return self.detector.name

    @property
    def fingerprint(self) -> str:
        return self.detector.fingerprint

    def frames_per_call(self, width: int, height: int) -> int:
        return self.batch

    def detect_frames(self, video: Video, indices: Sequence[int], images: Sequence[np.ndarray],
                      cancel: CancelCheck = never_cancelled) -> list[list[NewBox]]:  # fmt: skip
        import cv2

        from soccer_desktop.analysis.slicing import predict_in_batches

        rgbs = [cv2.cvtColor(image, cv2.COLOR_BGR2RGB) for image in images]

        def predict(chunk: list[np.ndarray]) -> list[Any]:
            found = self.detector.model.predict(chunk, threshold=self.detector.confidence, include_source_image=False)
            return found if isinstance(found, list) else [found]

        results, self.batch = predict_in_batches(predict, rgbs, self.batch)
        return [
            self.detector.boxes([(xyxy, int(c), float(s)) for xyxy, c, s in
                                 zip(found.xyxy, found.class_id, found.confidence, strict=True)],
                                image.shape[1], image.shape[0])  # fmt: skip
            for found, image in zip(results, images, strict=True)
        ]


class SlicedRfdetr:
    """Batched SAHI slicing: the tiles of several frames per model call."""

    def __init__(self, slicer: Any) -> None:
        self.slicer = slicer

    @property
    def name(self) -> str:
        return str(self.slicer.name)

    @property
    def fingerprint(self) -> str:
        return str(self.slicer.fingerprint)

    def frames_per_call(self, width: int, height: int) -> int:
        from soccer_desktop.analysis.slicing import slice_boxes

        tiles = len(slice_boxes(width, height, self.slicer.slice_size, self.slicer.settings.overlap))
        return max(1, self.slicer.batch // max(1, tiles))

    def detect_frames(self, video: Video, indices: Sequence[int], images: Sequence[np.ndarray],
                      cancel: CancelCheck = never_cancelled) -> list[list[NewBox]]:  # fmt: skip
        return self.slicer.detect_frames(images, cancel)


def build_batch_detector(choice: DetectorChoice, batch: int | None = None,
                         warn: Callable[[str], None] = lambda _: None) -> FrameBatchDetector:  # fmt: skip
    """The detector for ``choice`` (RF-DETR loads here: call it inside the job, not on the GUI thread)."""
    if choice.detector == "motion":
        from soccer_desktop.analysis.motion_windows import MotionWindows
        from soccer_desktop.detect.motion import MOTION_LIMITS

        warn(MOTION_LIMITS)
        return MotionWindows()
    from soccer_desktop.detect.rfdetr_backend import load_rfdetr

    detector = load_rfdetr(choice.model, choice.weights, confidence=choice.confidence, device=choice.device,
                           half=choice.half)  # fmt: skip
    if detector.device.warning:
        warn(detector.device.warning)
    if choice.sahi is None:
        return WholeFrameRfdetr(detector, batch)
    from soccer_desktop.analysis.slicing import BatchedSlicer

    return SlicedRfdetr(BatchedSlicer(detector, choice.sahi, batch))
