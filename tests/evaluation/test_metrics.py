"""Metrics on the synthetic match's exact ground truth with hand-built predictions whose scores are known."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from soccer_desktop.evaluation.dataset import BALL, PLAYER, Boxes, EvalDataset, EvaluationError, load_split
from soccer_desktop.evaluation.metrics import Metrics
from soccer_desktop.video.synthetic import DemoMatch


@pytest.fixture(scope="module")
def truth(match: DemoMatch) -> EvalDataset:
    return load_split(match.ground_truth)  # a COCO file stands for its one split


def _predict(truth: EvalDataset, *, keep: np.ndarray | None = None, shift: tuple[float, float] = (0, 0),
             relative: bool = False, score: float = 0.9) -> Boxes:  # fmt: skip
    t = truth.truth
    keep = np.ones(len(t), bool) if keep is None else keep
    xywh = t.xywh[keep].copy()
    if relative:
        xywh[:, 0] += shift[0] * xywh[:, 2]
        xywh[:, 1] += shift[1] * xywh[:, 3]
    else:
        xywh[:, 0] += shift[0]
        xywh[:, 1] += shift[1]
    return Boxes(t.image_id[keep], t.class_id[keep], xywh, np.full(int(keep.sum()), score))


def _kinds(metrics: Metrics, confidence: float = 0.3) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in metrics.errors(confidence):
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return counts


def test_perfect_predictions_score_one_and_leave_no_errors(truth: EvalDataset) -> None:
    metrics = Metrics(truth, _predict(truth))
    summary = metrics.summary(0.3)
    assert summary["coco"]["AP"] == pytest.approx(1.0) and summary["coco"]["AP50"] == pytest.approx(1.0)
    assert summary["per_class"]["ball"]["AP"] == pytest.approx(1.0)
    assert summary["per_class"]["player"]["AP"] == pytest.approx(1.0)
    assert summary["ball"]["recall"] == 1.0 and summary["ball"]["precision"] == 1.0 and summary["ball"]["f1"] == 1.0
    assert summary["player"]["recall"] == 1.0 and summary["player"]["precision"] == 1.0
    assert summary["size_bins"]["<8"]["truth"] == summary["truth"]["ball"] == 50  # every ball is under 8 px
    assert summary["size_bins"]["<8"]["AP"] == pytest.approx(1.0)
    assert metrics.errors(0.3) == []
    assert metrics.at(0.95).ball.recall == 0.0  # above every score: nothing kept


def test_boxes_shifted_by_half_their_size_miss_at_iou_half(truth: EvalDataset) -> None:
    metrics = Metrics(truth, _predict(truth, shift=(0.5, 0.5), relative=True))
    summary = metrics.summary(0.3)
    assert summary["coco"]["AP75"] == 0.0 and summary["coco"]["AP"] < 0.02
    assert summary["player"]["recall"] < 0.02
    players = int((truth.truth.class_id == PLAYER).sum())
    kinds = _kinds(metrics)
    assert kinds["missed player"] == kinds["false player"] >= players - 5
    # Ball centres move by half the diagonal: 4.6 px for these 6.6 px balls, inside D = 5, outside D = 4.
    balls = truth.truth.xywh[truth.truth.class_id == BALL]
    offsets = np.hypot(balls[:, 2] / 2, balls[:, 3] / 2)
    assert summary["ball"]["tp"] == int((offsets <= 5).sum()) == 50
    assert Metrics(truth, metrics.detections, ball_distance=4).summary(0.3)["ball"]["near_misses"] == 50


def test_all_balls_missing(truth: EvalDataset) -> None:
    metrics = Metrics(truth, _predict(truth, keep=truth.truth.class_id == PLAYER))
    summary = metrics.summary(0.3)
    assert summary["ball"]["recall"] == 0.0 and summary["ball"]["fn"] == 50
    assert summary["per_class"]["ball"]["AP"] == 0.0 and summary["per_class"]["player"]["AP"] == pytest.approx(1.0)
    assert _kinds(metrics) == {"missed ball": 50}
    missed = [item for item in metrics.errors(0.3) if item.kind == "missed ball"]
    assert {item.image_id for item in missed} == set(truth.images) and all(item.score is None for item in missed)


def test_extra_ghost_balls_far_from_the_ball(truth: EvalDataset) -> None:
    perfect = _predict(truth)
    ball = truth.truth.class_id == BALL
    ghosts_xywh = truth.truth.xywh[ball].copy()
    ghosts_xywh[:, 0] = np.where(ghosts_xywh[:, 0] > 1000, ghosts_xywh[:, 0] - 600, ghosts_xywh[:, 0] + 600)
    ghosts = Boxes(truth.truth.image_id[ball], truth.truth.class_id[ball], ghosts_xywh, np.full(50, 0.8))
    both = Boxes(np.concatenate([perfect.image_id, ghosts.image_id]), np.concatenate([perfect.class_id, ghosts.class_id]),
                 np.concatenate([perfect.xywh, ghosts.xywh]), np.concatenate([perfect.score, ghosts.score]))
    metrics = Metrics(truth, both)
    at = metrics.at(0.3)
    assert at.ghost_balls == 50 and at.near_misses == 0 and at.ball.recall == 1.0 and at.ball.precision == 0.5
    assert metrics.at(0.85).ghost_balls == 0  # the slider above the ghosts' score drops them
    assert metrics.best_f1_confidence() == pytest.approx(0.9)
    listed = [item for item in metrics.errors(0.3) if item.kind == "ghost ball"]
    assert sorted((i.image_id, i.xywh[0]) for i in listed) == sorted(
        (int(i), float(x)) for i, x in zip(ghosts.image_id, ghosts.xywh[:, 0], strict=True))
    assert metrics.summary(0.3)["ball"]["best"]["f1"] == 1.0


def test_a_ball_three_pixels_off_is_a_hit_at_five_and_a_near_miss_at_two(truth: EvalDataset) -> None:
    ball = truth.truth.class_id == BALL
    moved = _predict(truth, keep=ball, shift=(3.0, 0.0))
    at5 = Metrics(truth, moved, ball_distance=5).at(0.3)
    assert at5.ball.recall == 1.0 and at5.near_misses == 0 and at5.ghost_balls == 0
    tight = Metrics(truth, moved, ball_distance=2)
    at2 = tight.at(0.3)
    assert at2.ball.recall == 0.0 and at2.near_misses == 50 and at2.ghost_balls == 0
    kinds = _kinds(tight)
    assert kinds["near miss"] == 50 and kinds["missed ball"] == 50


def test_thresholds_equal_matching_again_on_the_kept_detections(truth: EvalDataset) -> None:
    """The prefix shortcut gives what a fresh matching of the detections above each threshold gives."""
    rng = np.random.default_rng(3)
    base = _predict(truth, shift=(0, 0))
    jitter = base.xywh + rng.normal(0, 2.0, base.xywh.shape) * np.array([1, 1, 0, 0])
    scores = rng.uniform(0.01, 1.0, len(base))
    noisy = Boxes(base.image_id, base.class_id, jitter, scores)
    metrics = Metrics(truth, noisy)
    for threshold in (0.05, 0.3, 0.5, 0.77):
        again = Metrics(truth, noisy.select(scores >= threshold))
        assert metrics.at(threshold) == dataclasses.replace(again.at(0.0), confidence=threshold)


def test_bad_ball_distance_is_refused(truth: EvalDataset) -> None:
    with pytest.raises(EvaluationError, match="above 0"):
        Metrics(truth, Boxes(), ball_distance=0)


def test_no_detections_scores_zero(truth: EvalDataset) -> None:
    summary = Metrics(truth, Boxes()).summary(0.3)
    assert summary["coco"]["AP"] == 0.0 and summary["ball"]["recall"] == 0.0 and summary["detections"] == 0


def test_size_bins_go_by_the_longest_side_not_the_area(truth: EvalDataset) -> None:
    """Only players whose longest side is 32-96 px are found: that bin scores 1, the 16-32 bin 0."""
    side = np.maximum(truth.truth.xywh[:, 2], truth.truth.xywh[:, 3])
    found = (truth.truth.class_id == PLAYER) & (side >= 32) & (side < 96)
    bins = Metrics(truth, _predict(truth, keep=found)).summary(0.3)["size_bins"]
    assert bins["16-32"]["truth"] > 0 and bins["32-96"]["truth"] == int(found.sum()) > 0
    assert bins["32-96"]["AP"] == pytest.approx(1.0) and bins["16-32"]["AP"] == 0.0 and bins["<8"]["AP"] == 0.0
    area = truth.truth.xywh[:, 2] * truth.truth.xywh[:, 3]
    assert ((area < 32**2) & found).any()  # by COCO's area these would sit in a smaller bin
