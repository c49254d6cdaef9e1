"""SAHI sliced inference over the in-memory RF-DETR model, so small balls keep their pixels.

RF-DETR resizes every input to its resolution: a 3840-wide panorama shrinks a
12 px ball to about 1 px. Slicing the frame into tiles of exactly the model's
resolution feeds every pixel at full size; SAHI shifts each tile's boxes back
into frame coordinates and merges duplicates from overlapping tiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from soccer_desktop.core.jobs import CancelCheck, ProgressCallback, check_cancel, never_cancelled, no_progress
from soccer_desktop.detect.base import DetectorUnavailableError
from soccer_desktop.detect.rfdetr_backend import RfdetrDetector
from soccer_desktop.project.store import NewBox, Video

POSTPROCESS_TYPES = ("GREEDYNMM", "NMM", "NMS")
MATCH_METRICS = ("IOS", "IOU")


@dataclass(frozen=True)
class SahiSettings:
    slice_size: int | None = None  # None: the model's resolution, so nothing is shrunk
    overlap: float = 0.2
    full_frame_pass: bool = False  # one extra pass on the whole (shrunk) frame, for big, near players
    postprocess: str = "GREEDYNMM"  # how boxes of overlapping slices are merged
    match_metric: str = "IOS"
    match_threshold: float = 0.5
    class_agnostic: bool = False

    def validate(self) -> None:
        if self.slice_size is not None and self.slice_size < 32:
            raise DetectorUnavailableError(f"Slice size {self.slice_size} is too small; use 32 px or more.")
        if not 0 <= self.overlap < 1:
            raise DetectorUnavailableError(f"Slice overlap {self.overlap} is out of range; use 0 to below 1 (0.2).")
        if self.postprocess not in POSTPROCESS_TYPES:
            raise DetectorUnavailableError(
                f"Unknown merge method {self.postprocess!r}; choose one of {', '.join(POSTPROCESS_TYPES)}."
            )
        if self.match_metric not in MATCH_METRICS:
            raise DetectorUnavailableError(
                f"Unknown match metric {self.match_metric!r}; choose one of {', '.join(MATCH_METRICS)}."
            )
        if not 0 < self.match_threshold < 1:
            raise DetectorUnavailableError(
                f"Merge threshold {self.match_threshold} is out of range; use a value between 0 and 1."
            )


class SlicedDetector:
    """Runs an :class:`RfdetrDetector` tile by tile through SAHI; a detector and its own factory."""

    needs_video = False

    def __init__(self, detector: RfdetrDetector, settings: SahiSettings | None = None) -> None:
        from sahi import AutoDetectionModel

        self.detector = detector
        self.settings = settings or SahiSettings()
        self.settings.validate()
        self.slice_size = self.settings.slice_size or detector.resolution
        # Built empty, then handed the predictor: sahi's loader would only accept rfdetr's own classes.
        self._model = AutoDetectionModel.from_pretrained(
            model_type="roboflow",
            model=detector.model,
            category_mapping={i: c.label for i, c in detector.mapping.items()},
            confidence_threshold=detector.confidence,
            device=detector.device.device,
            load_at_init=False,
        )
        self._model.set_model(detector.model)

    @property
    def name(self) -> str:
        return f"{self.detector.name}+sahi"

    @property
    def fingerprint(self) -> str:
        return f"{self.detector.fingerprint}|sahi={self.settings!r}|slice={self.slice_size}"

    def for_frames(self, video: Video | None, frame_indices: Sequence[int], progress: ProgressCallback = no_progress,
                   cancel: CancelCheck = never_cancelled) -> SlicedDetector:  # fmt: skip
        return self

    def detect(self, image_bgr: np.ndarray, cancel: CancelCheck = never_cancelled) -> list[NewBox]:
        from sahi.predict import get_sliced_prediction

        s = self.settings
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)

        def between_slices(done: int, total: int) -> None:
            check_cancel(cancel)

        result = get_sliced_prediction(
            rgb, self._model,
            slice_height=self.slice_size, slice_width=self.slice_size,
            overlap_height_ratio=s.overlap, overlap_width_ratio=s.overlap,
            perform_standard_pred=s.full_frame_pass,
            postprocess_type=s.postprocess, postprocess_match_metric=s.match_metric,
            postprocess_match_threshold=s.match_threshold, postprocess_class_agnostic=s.class_agnostic,
            force_postprocess_type=True,  # sahi would switch GREEDYNMM to NMS below confidence 0.1
            verbose=0, progress_callback=between_slices,
        )  # fmt: skip
        height, width = image_bgr.shape[:2]
        predictions: list[tuple[Any, int, float]] = [
            (p.bbox.to_xyxy(), int(p.category.id), float(p.score.value)) for p in result.object_prediction_list
        ]
        return self.detector.boxes(predictions, width, height, name=self.name)
