"""Our COCO numbers equal pycocotools' on the real frames, all twelve, with the same settings."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from soccer_desktop.dataset.common import image_size
from soccer_desktop.evaluation.coco import MAX_DETS, STAT_NAMES, coco_metrics, summarize
from soccer_desktop.evaluation.dataset import Boxes, EvalDataset, EvalImage


def _real_frames(folder: Path) -> EvalDataset:
    """The shared YOLO frames (class 0 person → player 1, 1 sports ball → ball 2) as ground truth."""
    images: dict[int, EvalImage] = {}
    rows = []
    for number, path in enumerate(sorted((folder / "images").iterdir()), start=1):
        width, height = image_size(path)
        images[number] = EvalImage(number, path.name, path, width, height)
        for line in (folder / "labels" / f"{path.stem}.txt").read_text().split("\n"):
            if line.strip():
                c, cx, cy, w, h = (float(v) for v in line.split())
                rows.append((number, int(c) + 1, (cx - w / 2) * width, (cy - h / 2) * height, w * width, h * height, 1))
    return EvalDataset(folder, "all", folder / "labels", images, Boxes.from_rows(rows), "test")


def _noisy(truth: Boxes, seed: int) -> Boxes:
    """Found boxes with jitter and scores, some missed, plus false ones: a plausible detector."""
    rng = np.random.default_rng(seed)
    keep = rng.random(len(truth)) < 0.85
    xywh = truth.xywh[keep].copy()
    xywh[:, :2] += rng.normal(0, 0.08, (len(xywh), 2)) * xywh[:, 2:]
    xywh[:, 2:] *= rng.normal(1.0, 0.08, (len(xywh), 2))
    false = truth.xywh[rng.integers(0, len(truth), 60)] + rng.normal(0, 40, (60, 4)) * np.array([1, 1, 0, 0])
    image_id = np.concatenate([truth.image_id[keep], truth.image_id[rng.integers(0, len(truth), 60)]])
    class_id = np.concatenate([truth.class_id[keep], rng.integers(1, 3, 60)])
    score = np.concatenate([rng.uniform(0.3, 1.0, int(keep.sum())), rng.uniform(0.01, 0.6, 60)])
    return Boxes(image_id, class_id, np.abs(np.concatenate([xywh, false])) + 0.5, score)


def _pycocotools(dataset: EvalDataset, detections: Boxes, max_dets: list[int]) -> object:
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    gt = COCO()
    gt.dataset = copy.deepcopy(dataset.coco_dict())
    gt.createIndex()
    dt = gt.loadRes(detections.as_coco_results())
    evaluator = COCOeval(gt, dt, "bbox")
    evaluator.params.maxDets = max_dets
    evaluator.evaluate()
    evaluator.accumulate()
    return evaluator


@pytest.mark.parametrize("seed", [0, 1])
def test_all_twelve_stats_equal_pycocotools_with_a_limit_of_300(shared_frames: Path, seed: int) -> None:
    dataset = _real_frames(shared_frames)
    assert len(dataset.images) == 10 and (dataset.truth.class_id == 2).any()
    detections = _noisy(dataset.truth, seed)
    ours = coco_metrics(dataset, detections).stats
    reference = _pycocotools(dataset, detections, list(MAX_DETS))
    p = reference.params
    expected = summarize(reference.eval["precision"], reference.eval["recall"], np.asarray(p.iouThrs), list(p.areaRngLbl))
    assert list(ours) == list(STAT_NAMES)
    assert list(ours.values()) == pytest.approx(expected, abs=1e-12)
    assert 0.2 < ours["AP50"] < 1.0  # a real, imperfect score, not a degenerate 0 or 1


def test_under_100_detections_per_image_pycocotools_own_summary_agrees(shared_frames: Path) -> None:
    """With fewer than 100 detections per image the limits 100 and 300 give the same numbers."""
    dataset = _real_frames(shared_frames)
    detections = _noisy(dataset.truth, 2)
    assert np.bincount(detections.image_id).max() < 100
    reference = _pycocotools(dataset, detections, [1, 10, 100])
    reference.summarize()
    assert list(coco_metrics(dataset, detections).stats.values()) == pytest.approx(list(reference.stats), abs=1e-12)
