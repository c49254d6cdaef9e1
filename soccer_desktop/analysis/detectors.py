"""Detectors as the analysis job needs them: many frames of one video in, boxes per frame out.

Three kinds: batched SAHI slicing of an RF-DETR model (:mod:`.slicing`), RF-DETR
on whole frames (one ``predict`` call per batch of frames), and motion
proposals, whose empty-pitch background is learned per fixed window of the
video, so a resumed run sees exactly the background the first run saw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from soccer_desktop.core.jobs import CancelCheck, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.detect.choice import DetectorChoice
from soccer_desktop.detect.motion import MotionDetector, MotionProposals
from soccer_desktop.detect.rfdetr_backend import RfdetrDetector
from soccer_desktop.project.store import NewBox, Video

MOTION_WINDOW_S = 120.0  # frames in the same window share one learned background


class FrameBatchDetector(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def fingerprint(self) -> str:
        """Every setting that changes the boxes: runs with the same one add to the same analysis."""
        ...

    def frames_per_call(self, width: int, height: int) -> int:
        """How many frames to hand to :meth:`detect_frames` at once."""
        ...

    def detect_frames(self, video: Video, indices: Sequence[int], images: Sequence[np.ndarray],
                      cancel: CancelCheck = never_cancelled) -> list[list[NewBox]]:  # fmt: skip
        ...


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


class MotionWindows:
    """Motion proposals with one background per fixed window of the video (learned when first needed)."""

    def __init__(self, proposals: MotionProposals | None = None,
                 progress: ProgressCallback = no_progress) -> None:  # fmt: skip
        self.proposals = proposals or MotionProposals()
        self.progress = progress
        self._window: tuple[int, int] | None = None
        self._detector: MotionDetector | None = None

    @property
    def name(self) -> str:
        return "motion"

    @property
    def fingerprint(self) -> str:
        return f"{self.proposals.fingerprint}|window={MOTION_WINDOW_S}"

    def frames_per_call(self, width: int, height: int) -> int:
        return 1

    def detect_frames(self, video: Video, indices: Sequence[int], images: Sequence[np.ndarray],
                      cancel: CancelCheck = never_cancelled) -> list[list[NewBox]]:  # fmt: skip
        span = max(1, round(MOTION_WINDOW_S * video.fps))
        results = []
        for index, image in zip(indices, images, strict=True):
            first = index // span * span
            window = (first, min(first + span, video.frame_count) - 1)
            if window != self._window or self._detector is None:
                self._detector = self.proposals.for_frames(video, list(window), self.progress, cancel)
                self._window = window
            results.append(self._detector.detect(image, cancel))
        return results


def build_batch_detector(choice: DetectorChoice, batch: int | None = None,
                         warn: Callable[[str], None] = lambda _: None) -> FrameBatchDetector:  # fmt: skip
    """The detector for ``choice`` (RF-DETR loads here: call it inside the job, not on the GUI thread)."""
    if choice.detector == "motion":
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
