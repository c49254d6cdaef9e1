"""Batched SAHI-style slicing: every tile of one or more frames in one RF-DETR ``predict([...])`` call.

sahi's RF-DETR wrapper predicts one tile at a time. Here the same tiles (sahi's
own ``get_slice_bboxes``) of several frames go to the model as one list, the
boxes are shifted back through sahi's own ``ObjectPrediction`` and merged by
sahi's own post-processing classes (GREEDYNMM/NMM/NMS, IOS/IOU, per class or
class-agnostic), so the result equals stock ``get_sliced_prediction`` on the
same model and settings. One difference on purpose: stock sahi silently turns
GREEDYNMM into NMS/IOU when the confidence is below 0.1; here the merge the user
chose is the merge that runs (stock sahi's ``force_postprocess_type=True``).

On CUDA a failed call for lack of memory halves the batch and tries again
(:func:`predict_in_batches`); the starting batch comes from free GPU memory
(:func:`auto_batch_size`). Neither path can run on a machine without a GPU.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from soccer_desktop.core.jobs import CancelCheck, check_cancel, never_cancelled
from soccer_desktop.detect.rfdetr_backend import RfdetrDetector
from soccer_desktop.detect.sahi_slicing import SahiSettings
from soccer_desktop.project.store import NewBox

log = logging.getLogger(__name__)

CPU_BATCH = 16  # tiles per call on the CPU: measured a little faster than one by one, and it bounds memory
GPU_MEMORY_PER_TILE_MB = {"nano": 150, "small": 220, "medium": 300, "large": 450}  # fp16, with headroom
MAX_GPU_BATCH = 64


@dataclass(frozen=True)
class Tile:
    frame: int  # position of the frame in the batch
    x0: int
    y0: int
    x1: int
    y1: int


def slice_boxes(width: int, height: int, size: int, overlap: float) -> list[tuple[int, int, int, int]]:
    """Tiles of one frame, exactly as sahi cuts them (``x0, y0, x1, y1``)."""
    from sahi.slicing import get_slice_bboxes

    return [tuple(b) for b in get_slice_bboxes(
        image_height=height, image_width=width, slice_height=size, slice_width=size,
        overlap_height_ratio=overlap, overlap_width_ratio=overlap)]  # type: ignore[misc]


def is_out_of_memory(error: BaseException) -> bool:
    """True for a CUDA out-of-memory error (torch raises a RuntimeError subclass with this text)."""
    return "out of memory" in str(error).lower()


def predict_in_batches(predict: Callable[[list[np.ndarray]], list[Any]], images: Sequence[np.ndarray],
                       batch: int, empty_cache: Callable[[], None] = lambda: None) -> tuple[list[Any], int]:  # fmt: skip
    """Predictions of ``images`` in calls of at most ``batch``; returns them and the batch that worked.

    A call that runs out of GPU memory is retried with half the batch (down to 1, where the error stands).
    """
    results: list[Any] = []
    start = 0
    while start < len(images):
        chunk = list(images[start : start + batch])
        try:
            results.extend(predict(chunk))
        except RuntimeError as error:
            if not is_out_of_memory(error) or batch == 1:
                raise
            empty_cache()
            batch = max(1, batch // 2)
            log.warning("GPU out of memory: continuing with %d tiles per call", batch)
            continue
        start += len(chunk)
    return results, batch


def auto_batch_size(device: str, size: str, reserve_mb: int = 1024) -> int:
    """Tiles per call: from free GPU memory on CUDA (a guess the OOM fallback corrects), fixed on the CPU."""
    if not device.startswith("cuda"):
        return CPU_BATCH
    import torch

    free, _total = torch.cuda.mem_get_info(torch.device(device))
    per_tile = GPU_MEMORY_PER_TILE_MB.get(size, 450)
    return max(1, min(MAX_GPU_BATCH, int((free / 2**20 - reserve_mb) // per_tile)))


class BatchedSlicer:
    """Detects on frames through batched slicing; boxes equal stock sahi's for the same settings."""

    def __init__(self, detector: RfdetrDetector, settings: SahiSettings | None = None, batch: int | None = None) -> None:
        from sahi.postprocess.combine import GreedyNMMPostprocess, NMMPostprocess, NMSPostprocess

        self.detector = detector
        self.settings = settings or SahiSettings()
        self.settings.validate()
        self.slice_size = self.settings.slice_size or detector.resolution
        self.batch = batch or auto_batch_size(detector.device.device, detector.size)
        s = self.settings
        merge = {"GREEDYNMM": GreedyNMMPostprocess, "NMM": NMMPostprocess, "NMS": NMSPostprocess}[s.postprocess]
        self._merge = merge(match_threshold=s.match_threshold, match_metric=s.match_metric,
                            class_agnostic=s.class_agnostic)  # fmt: skip
        self._labels = {i: c.label for i, c in detector.mapping.items()}  # sahi's category_mapping: int keys

    @property
    def name(self) -> str:
        return f"{self.detector.name}+sahi"

    @property
    def fingerprint(self) -> str:
        return f"{self.detector.fingerprint}|sahi={self.settings!r}|slice={self.slice_size}"

    def detect_frames(self, images_bgr: Sequence[np.ndarray], cancel: CancelCheck = never_cancelled) -> list[list[NewBox]]:
        """Boxes of each frame (BGR in, frame pixels out), all tiles sent in as few calls as ``batch`` allows."""
        check_cancel(cancel)
        rgbs = [cv2.cvtColor(image, cv2.COLOR_BGR2RGB) for image in images_bgr]
        tiles: list[Tile] = []
        inputs: list[np.ndarray] = []
        for position, rgb in enumerate(rgbs):
            height, width = rgb.shape[:2]
            boxes = slice_boxes(width, height, self.slice_size, self.settings.overlap)
            for x0, y0, x1, y1 in boxes:
                tiles.append(Tile(position, x0, y0, x1, y1))
                inputs.append(np.ascontiguousarray(rgb[y0:y1, x0:x1]))
            if self.settings.full_frame_pass and len(boxes) > 1:
                tiles.append(Tile(position, 0, 0, width, height))
                inputs.append(rgb)
        predictions, self.batch = predict_in_batches(self._predict, inputs, self.batch, self._empty_cache)
        per_frame: list[list[Any]] = [[] for _ in rgbs]
        for tile, found in zip(tiles, predictions, strict=True):
            per_frame[tile.frame].extend(self._shifted(tile, found, rgbs[tile.frame].shape))
        results = []
        for rgb, found in zip(rgbs, per_frame, strict=True):
            merged = self._merge(found) if len(found) > 1 else found
            height, width = rgb.shape[:2]
            predictions_xyxy = [(p.bbox.to_xyxy(), int(p.category.id), float(p.score.value)) for p in merged]
            results.append(self.detector.boxes(predictions_xyxy, width, height, name=self.name))
        return results

    def _predict(self, images: list[np.ndarray]) -> list[Any]:
        found = self.detector.model.predict(images, threshold=self.detector.confidence, include_source_image=False)
        return found if isinstance(found, list) else [found]

    def _empty_cache(self) -> None:
        if self.detector.device.device.startswith("cuda"):
            import torch

            torch.cuda.empty_cache()

    def _shifted(self, tile: Tile, detections: Any, shape: tuple[int, ...]) -> list[Any]:
        """sahi ``ObjectPrediction`` s of one tile, moved into frame coordinates the way sahi does it."""
        from sahi.prediction import ObjectPrediction

        full_shape = [shape[0], shape[1]]
        return [
            ObjectPrediction(bbox=xyxy, category_id=int(class_id), category_name=self._labels.get(int(class_id)),
                             score=float(score), shift_amount=[tile.x0, tile.y0],
                             full_shape=full_shape).get_shifted_object_prediction()  # fmt: skip
            for xyxy, score, class_id in zip(detections.xyxy, detections.confidence, detections.class_id, strict=True)
        ]
