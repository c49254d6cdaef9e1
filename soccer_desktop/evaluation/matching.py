"""Greedy, score-ordered matching of detections to the truth, done once at the lowest confidence.

Each detection, highest score first, takes the best still-free true box it
fits (IoU ≥ 0.5 for players; for the ball, a centre within D px, nearest
first). Because a detection's fate only depends on higher-scoring ones, the
matching at any confidence threshold is the prefix of this one: precision,
recall, missed balls and ghost balls at every threshold come from these
arrays without matching again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from soccer_desktop.evaluation.dataset import Boxes

PLAYER_IOU = 0.5
NEAR_MISS_FACTOR = 4.0  # a false ball within 4·D of a true ball is a near miss, else a ghost


@dataclass(frozen=True)
class ClassMatch:
    """One class's matching: per detection (sorted by score, highest first) and per true box."""

    det_index: np.ndarray  # index into the evaluation's detections
    det_score: np.ndarray
    det_hit: np.ndarray  # bool
    det_near: np.ndarray  # bool: a false detection with a true box nearby (ball: within 4·D)
    truth_index: np.ndarray  # index into the dataset's truth
    truth_hit_score: np.ndarray  # score of the detection that found it, -inf when none did

    @property
    def truth_count(self) -> int:
        return len(self.truth_index)

    def counts_at(self, threshold: float) -> tuple[int, int, int]:
        """True positives, false positives and misses among detections scoring ``threshold`` or more."""
        kept = int(np.searchsorted(-self.det_score, -threshold, side="right"))
        tp = int(np.count_nonzero(self.det_hit[:kept]))
        return tp, kept - tp, self.truth_count - tp

    def curve(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Precision, recall and the score threshold after each detection (score order)."""
        if not len(self.det_score):
            return np.zeros(0), np.zeros(0), np.zeros(0)
        tp = np.cumsum(self.det_hit)
        kept = np.arange(1, len(self.det_hit) + 1)
        precision = tp / kept
        recall = tp / self.truth_count if self.truth_count else np.zeros(len(tp))
        # Ties share one threshold: keep the last row of each run of equal scores.
        last = np.append(self.det_score[1:] != self.det_score[:-1], True)
        return precision[last], recall[last], self.det_score[last]


def _centres(xywh: np.ndarray) -> np.ndarray:
    return xywh[:, :2] + xywh[:, 2:] / 2


def _iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ax0, ay0 = a[:, 0:1], a[:, 1:2]
    ax1, ay1 = ax0 + a[:, 2:3], ay0 + a[:, 3:4]
    bx0, by0 = b[:, 0], b[:, 1]
    bx1, by1 = bx0 + b[:, 2], by0 + b[:, 3]
    w = np.clip(np.minimum(ax1, bx1) - np.maximum(ax0, bx0), 0, None)
    h = np.clip(np.minimum(ay1, by1) - np.maximum(ay0, by0), 0, None)
    inter = w * h
    union = (a[:, 2] * a[:, 3])[:, None] + b[:, 2] * b[:, 3] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def match_class(truth: Boxes, detections: Boxes, class_id: int, ball_distance: float | None) -> ClassMatch:
    """Match one class; ``ball_distance`` set: by centre distance (ball), else by IoU ≥ 0.5."""
    t_index = np.nonzero(truth.class_id == class_id)[0]
    d_index = np.nonzero(detections.class_id == class_id)[0]
    order = np.argsort(-detections.score[d_index], kind="stable")
    d_index = d_index[order]
    d_score = detections.score[d_index]
    hit = np.zeros(len(d_index), bool)
    near = np.zeros(len(d_index), bool)
    hit_score = np.full(len(t_index), -np.inf)
    # Group both sides by image once; each image's detections keep their score order.
    t_images, d_images = truth.image_id[t_index], detections.image_id[d_index]
    t_sort = np.argsort(t_images, kind="stable")
    t_starts = np.flatnonzero(np.diff(t_images[t_sort])) + 1
    t_by_image = {int(t_images[group[0]]): group for group in np.split(t_sort, t_starts)} if len(t_sort) else {}
    d_sort = np.argsort(d_images, kind="stable")
    bounds = np.flatnonzero(np.diff(d_images[d_sort])) + 1
    for positions in np.split(d_sort, bounds) if len(d_sort) else []:
        t_local = t_by_image.get(int(d_images[positions[0]]))
        if t_local is None:
            continue
        t_boxes = truth.xywh[t_index[t_local]]
        d_boxes = detections.xywh[d_index[positions]]
        if ball_distance is None:
            quality = _iou_matrix(d_boxes, t_boxes)
            fits = quality >= PLAYER_IOU
            near_rows = (quality > 0).any(axis=1)
        else:
            gap = np.linalg.norm(_centres(d_boxes)[:, None, :] - _centres(t_boxes)[None, :, :], axis=2)
            quality = -gap
            fits = gap <= ball_distance
            near_rows = (gap <= NEAR_MISS_FACTOR * ball_distance).any(axis=1)
        near[positions] = near_rows  # corrected below for the detections that hit
        free = np.ones(len(t_local), bool)
        for row in np.flatnonzero(fits.any(axis=1)):  # rows that fit nothing cannot take anything
            candidates = fits[row] & free
            if candidates.any():
                best = int(np.argmax(np.where(candidates, quality[row], -np.inf)))
                free[best] = False
                position = positions[row]
                hit[position], near[position] = True, False
                hit_score[t_local[best]] = d_score[position]
    return ClassMatch(d_index, d_score, hit, near, t_index, hit_score)
