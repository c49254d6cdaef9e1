"""COCO AP/AR with an explicit detection limit, and AP per size bin by the box's longest side.

faster-coco-eval does the matching (pycocotools gives the same arrays, much
slower). The twelve summary numbers are read from the accumulated precision
and recall arrays by :func:`summarize` for both libraries, because
pycocotools' own ``summarize()`` hard-codes 100 detections for its AP lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from soccer_desktop.evaluation.dataset import CLASS_NAMES, Boxes, EvalDataset

MAX_DETECTIONS = 300  # 23 players + a ball + low-confidence candidates: COCO's 100 is too low
MAX_DETS = (1, 10, MAX_DETECTIONS)
STAT_NAMES = (
    "AP", "AP50", "AP75", "AP_small", "AP_medium", "AP_large",
    f"AR@{MAX_DETS[0]}", f"AR@{MAX_DETS[1]}", f"AR@{MAX_DETS[2]}", "AR_small", "AR_medium", "AR_large",
)  # fmt: skip
#: Size bins by the longest side in pixels (COCO's "small" holds every ball).
SIZE_BINS: tuple[tuple[str, float, float], ...] = (
    ("<8", 0, 8), ("8-16", 8, 16), ("16-32", 16, 32), ("32-96", 32, 96), (">=96", 96, 1e5),
)


@dataclass(frozen=True)
class CocoResult:
    stats: dict[str, float]  # the twelve COCO numbers (-1 where nothing to measure)
    per_class: dict[str, dict[str, float]]  # AP, AP50, AP75 per class name
    size_bins: dict[str, dict[str, float]]  # AP, AP50, AR per longest-side bin


def summarize(precision: np.ndarray, recall: np.ndarray, iou_thresholds: np.ndarray,
              area_labels: list[str]) -> list[float]:  # fmt: skip
    """The twelve COCO stats from accumulated arrays, every AP line at the last detection limit."""

    def mean(values: np.ndarray) -> float:
        kept = values[values > -1]
        return float(kept.mean()) if kept.size else -1.0

    def ap(iou: float | None = None, area: str = "all") -> float:
        a = area_labels.index(area)
        p = precision[:, :, :, a, -1]
        return mean(p if iou is None else p[np.where(np.isclose(iou_thresholds, iou))[0]])

    def ar(m: int, area: str = "all") -> float:
        return mean(recall[:, :, area_labels.index(area), m])

    return [ap(), ap(0.5), ap(0.75), ap(area="small"), ap(area="medium"), ap(area="large"),
            ar(0), ar(1), ar(2), ar(2, "small"), ar(2, "medium"), ar(2, "large")]  # fmt: skip


def _evaluate(gt: Any, dt: Any, ranges: dict[str, list[float]] | None) -> Any:
    from faster_coco_eval import COCOeval_faster

    evaluator = COCOeval_faster(gt, dt, "bbox", print_function=lambda *_: None)
    evaluator.params.maxDets = list(MAX_DETS)
    if ranges is not None:
        evaluator.params.areaRng = list(ranges.values())
        evaluator.params.areaRngLbl = list(ranges)
    evaluator.evaluate()
    evaluator.accumulate()
    return evaluator


def coco_metrics(dataset: EvalDataset, detections: Boxes) -> CocoResult:
    """COCO AP/AR (limit :data:`MAX_DETECTIONS` per image), per class and per longest-side size bin."""
    from faster_coco_eval import COCO

    if len(detections) == 0 or len(dataset.truth) == 0:
        empty = 0.0 if len(dataset.truth) else -1.0
        return CocoResult(
            {name: empty for name in STAT_NAMES},
            {name: {"AP": empty, "AP50": empty, "AP75": empty} for name in CLASS_NAMES.values()},
            {label: {"AP": empty, "AP50": empty, "AR": empty} for label, _, _ in SIZE_BINS},
        )
    gt = COCO(dataset.coco_dict())
    dt = gt.loadRes(detections.as_coco_results())
    main = _evaluate(gt, dt, None)
    p = main.params
    precision, recall = main.eval["precision"], main.eval["recall"]
    stats = dict(zip(STAT_NAMES, summarize(precision, recall, np.asarray(p.iouThrs), list(p.areaRngLbl)), strict=True))
    per_class = {}
    cat_ids = list(p.catIds)
    for class_id, name in CLASS_NAMES.items():
        if class_id not in cat_ids:
            continue
        values = precision[:, :, cat_ids.index(class_id), 0, -1]
        per_class[name] = {"AP": _mean(values), "AP50": _mean(values[0]), "AP75": _mean(values[5])}
    # The size bins go by the longest side: the same objects (no copies) with "area" = longest side².
    for coco in (gt, dt):
        for ann in coco.dataset["annotations"]:
            ann["area"] = max(ann["bbox"][2], ann["bbox"][3]) ** 2
    # COCO's ranges include both ends; a hair below the top keeps a 32 px box in 32-96 only.
    ranges = {"all": [0.0, 1e10], **{label: [low**2, high**2 - 1e-6] for label, low, high in SIZE_BINS}}
    binned = _evaluate(gt, dt, ranges)
    bp, br = binned.eval["precision"], binned.eval["recall"]
    size_bins = {
        label: {"AP": _mean(bp[:, :, :, a + 1, -1]), "AP50": _mean(bp[0, :, :, a + 1, -1]),
                "AR": _mean(br[:, :, a + 1, -1])}
        for a, (label, _, _) in enumerate(SIZE_BINS)
    }  # fmt: skip
    return CocoResult(stats, per_class, size_bins)


def _mean(values: np.ndarray) -> float:
    kept = values[values > -1]
    return float(kept.mean()) if kept.size else -1.0
