"""Benchmark: our evaluation against pycocotools on the same generated data, with identical stats.

Run as a script: ``python tests/bench/bench_evaluate.py [--images N] [--repeats R]``.
It generates N images (default 2,000) with 25 true boxes each (23 players,
2 balls) and 100 detections each (jittered true boxes with scores, the rest
false boxes), all with fixed seeds. The baseline is pycocotools (COCO index,
loadRes, evaluate, accumulate, the twelve stats with a limit of 300
detections per image). Ours is the whole evaluation the app runs
(``Metrics``: faster-coco-eval's twelve stats and the longest-side size
bins, plus the ball centre-distance and player IoU matching), and, for
reference, its COCO part alone. The stats must be identical; the ratio is
ours / pycocotools (target <= 0.2). The best of R runs of each is kept.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from soccer_desktop.evaluation.coco import MAX_DETS, coco_metrics, summarize  # noqa: E402
from soccer_desktop.evaluation.dataset import Boxes, EvalDataset, EvalImage  # noqa: E402
from soccer_desktop.evaluation.metrics import Metrics  # noqa: E402

WIDTH, HEIGHT = 1920, 1080


def generate(images: int, seed: int = 0) -> tuple[EvalDataset, Boxes]:
    rng = np.random.default_rng(seed)
    truth_rows, det_rows = [], []
    for image_id in range(1, images + 1):
        heights = np.concatenate([rng.uniform(20, 120, 23), rng.uniform(4, 14, 2)])
        widths = np.concatenate([heights[:23] * rng.uniform(0.3, 0.5, 23), heights[23:]])
        xs, ys = rng.uniform(0, WIDTH - 150, 25), rng.uniform(0, HEIGHT - 150, 25)
        classes = np.array([1] * 23 + [2] * 2)
        for c, x, y, w, h in zip(classes, xs, ys, widths, heights, strict=True):
            truth_rows.append((image_id, int(c), x, y, w, h, 1.0))
        found = rng.random(25) < 0.8
        for c, x, y, w, h in zip(classes[found], xs[found], ys[found], widths[found], heights[found], strict=True):
            jitter = rng.normal(0, 0.1, 4) * np.array([w, h, w, h])
            det_rows.append((image_id, int(c), x + jitter[0], y + jitter[1], max(1.0, w + jitter[2]),
                             max(1.0, h + jitter[3]), float(rng.uniform(0.2, 1.0))))  # fmt: skip
        for _ in range(100 - int(found.sum())):
            h = float(rng.uniform(4, 120))
            det_rows.append((image_id, int(rng.integers(1, 3)), float(rng.uniform(0, WIDTH - 150)),
                             float(rng.uniform(0, HEIGHT - 150)), h * 0.4, h, float(rng.uniform(0.01, 0.6))))  # fmt: skip
    dataset_images = {i: EvalImage(i, f"{i}.jpg", Path(f"{i}.jpg"), WIDTH, HEIGHT) for i in range(1, images + 1)}
    dataset = EvalDataset(Path("."), "bench", Path("."), dataset_images, Boxes.from_rows(truth_rows), "bench")
    return dataset, Boxes.from_rows(det_rows)


def pycocotools_stats(dataset: EvalDataset, detections: Boxes) -> list[float]:
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    gt = COCO()
    gt.dataset = copy.deepcopy(dataset.coco_dict())
    gt.createIndex()
    dt = gt.loadRes(detections.as_coco_results())
    evaluator = COCOeval(gt, dt, "bbox")
    evaluator.params.maxDets = list(MAX_DETS)
    evaluator.evaluate()
    evaluator.accumulate()
    p = evaluator.params
    return summarize(evaluator.eval["precision"], evaluator.eval["recall"], np.asarray(p.iouThrs), list(p.areaRngLbl))


def best_of(repeats: int, work) -> tuple[float, object]:  # noqa: ANN001
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    import contextlib
    import io

    dataset, detections = generate(args.images)
    print(f"{args.images} images, {len(dataset.truth)} true boxes, {len(detections)} detections")
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints its progress
        baseline, reference = best_of(args.repeats, lambda: pycocotools_stats(dataset, detections))
    coco_only, coco = best_of(args.repeats, lambda: coco_metrics(dataset, detections))
    ours, metrics = best_of(args.repeats, lambda: Metrics(dataset, detections))
    stats = list(metrics.coco.stats.values())
    identical = stats == list(reference) and list(coco.stats.values()) == list(reference)
    print(f"pycocotools (baseline):                {baseline:7.2f} s")
    print(f"ours, whole evaluation (Metrics):      {ours:7.2f} s   ratio {ours / baseline:.3f} (target <= 0.2)")
    print(f"ours, COCO stats + size bins only:     {coco_only:7.2f} s   ratio {coco_only / baseline:.3f}")
    print(f"identical twelve stats: {identical}")
    print("  " + "  ".join(f"{name} {value:.4f}" for name, value in metrics.coco.stats.items()))
    if not identical:
        print(f"  pycocotools: {reference}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
