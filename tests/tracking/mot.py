"""Ground truth of the synthetic match as tracks, and tracking scores from ``trackers.eval``."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soccer_desktop.analysis.tracking import BoxColumns


@dataclass(frozen=True)
class Truth:
    """One class of the ground truth: per box its frame, box, track id, team and role."""

    frames: np.ndarray
    xywh: np.ndarray
    track: np.ndarray
    team: list[int | None]
    role: list[str]
    frame_count: int


def load_truth(path: Path, category: int) -> Truth:
    coco = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = sorted(
        (a["image_id"] - 1, a["track_id"], a["bbox"], a["team"], a["role"])
        for a in coco["annotations"]
        if a["category_id"] == category
    )
    return Truth(
        frames=np.array([r[0] for r in rows], dtype=np.int64),
        xywh=np.array([r[2] for r in rows], dtype=np.float64).reshape(-1, 4),
        track=np.array([r[1] for r in rows], dtype=np.int64),
        team=[r[3] for r in rows],
        role=[r[4] for r in rows],
        frame_count=len(coco["images"]),
    )


def noisy_boxes(truth: Truth, rng: np.random.Generator, jitter_px: float, drop: float) -> tuple[BoxColumns, np.ndarray]:
    """Ground-truth boxes shifted by Gaussian noise with a share dropped; also which truth rows were kept."""
    keep = rng.random(len(truth.frames)) >= drop
    xywh = truth.xywh[keep] + rng.normal(0.0, jitter_px, (int(keep.sum()), 4)) * [1, 1, 0.5, 0.5]
    xywh[:, 2:] = np.maximum(xywh[:, 2:], 2.0)
    scores = np.clip(rng.normal(0.75, 0.1, len(xywh)), 0.3, 1.0)
    return BoxColumns.from_rows(truth.frames[keep], xywh, scores), keep


def _xyxy(xywh: np.ndarray) -> np.ndarray:
    return np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1) if len(xywh) else np.zeros((0, 4))


def tracking_scores(truth: Truth, boxes: BoxColumns, track_ids: np.ndarray) -> dict[str, float]:
    """HOTA, IDF1, MOTA and ID switches of tracked boxes (unconfirmed ones, id < 0, left out)."""
    from trackers.eval import compute_clear_metrics, compute_hota_metrics, compute_identity_metrics
    from trackers.eval.box import box_iou

    gt_by_frame: dict[int, list[int]] = defaultdict(list)
    for row, frame in enumerate(truth.frames.tolist()):
        gt_by_frame[frame].append(row)
    tr_by_frame: dict[int, list[int]] = defaultdict(list)
    for row, frame in enumerate(boxes.frame.tolist()):
        if track_ids[row] >= 0:
            tr_by_frame[frame].append(row)
    gt_ids, tr_ids, sims = [], [], []
    for frame in range(truth.frame_count):
        g, t = gt_by_frame.get(frame, []), tr_by_frame.get(frame, [])
        gt_ids.append(truth.track[g])
        tr_ids.append(track_ids[t])
        sims.append(box_iou(_xyxy(truth.xywh[g]), _xyxy(boxes.xywh[t])))
    hota = compute_hota_metrics(gt_ids, tr_ids, sims)
    identity = compute_identity_metrics(gt_ids, tr_ids, sims)
    clear = compute_clear_metrics(gt_ids, tr_ids, sims)
    return {
        "HOTA": float(hota["HOTA"]),
        "IDF1": float(identity["IDF1"]),
        "MOTA": float(clear["MOTA"]),
        "IDSW": int(clear["IDSW"]),
        "tracks": int(len({int(i) for i in track_ids if i >= 0})),
    }
