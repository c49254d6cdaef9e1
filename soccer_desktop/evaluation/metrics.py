"""Everything an evaluation reports: COCO numbers, ball and player scores at any confidence, error lists."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from soccer_desktop.evaluation.coco import MAX_DETECTIONS, SIZE_BINS, CocoResult, coco_metrics
from soccer_desktop.evaluation.dataset import BALL, PLAYER, Boxes, EvalDataset
from soccer_desktop.evaluation.defaults import DEFAULT_BALL_DISTANCE, DEFAULT_CONFIDENCE, DETECTION_CONFIDENCE
from soccer_desktop.evaluation.matching import ClassMatch, match_class

__all__ = ["DEFAULT_BALL_DISTANCE", "DEFAULT_CONFIDENCE", "DETECTION_CONFIDENCE", "Metrics"]

ERROR_KINDS = ("missed ball", "ghost ball", "near miss", "missed player", "false player")


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_json(self) -> dict[str, float]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision, "recall": self.recall,
                "f1": self.f1}  # fmt: skip


@dataclass(frozen=True)
class AtThreshold:
    """What changes with the confidence slider."""

    confidence: float
    ball: Scores
    player: Scores
    missed_balls: int
    ghost_balls: int
    near_misses: int


@dataclass(frozen=True)
class ErrorItem:
    kind: str  # one of ERROR_KINDS
    image_id: int
    class_id: int
    xywh: tuple[float, float, float, float]
    score: float | None  # the detection's score (a miss: the score that would have found it, if any)

    @property
    def size(self) -> float:
        return max(self.xywh[2], self.xywh[3])


class Metrics:
    """Metrics of one set of detections on one dataset split; threshold-dependent parts are cheap."""

    def __init__(self, dataset: EvalDataset, detections: Boxes, ball_distance: float = DEFAULT_BALL_DISTANCE) -> None:
        if not ball_distance > 0:
            from soccer_desktop.evaluation.dataset import EvaluationError

            raise EvaluationError(f"Ball distance {ball_distance:g} px must be above 0 (default 5).")
        self.dataset = dataset
        self.detections = detections
        self.ball_distance = float(ball_distance)
        self.coco: CocoResult = coco_metrics(dataset, detections)
        self.ball: ClassMatch = match_class(dataset.truth, detections, BALL, self.ball_distance)
        self.player: ClassMatch = match_class(dataset.truth, detections, PLAYER, None)

    # ------------------------------------------------------------ thresholds
    def at(self, confidence: float) -> AtThreshold:
        ball = Scores(*self.ball.counts_at(confidence))
        player = Scores(*self.player.counts_at(confidence))
        kept = self.ball.det_score >= confidence
        false = kept & ~self.ball.det_hit
        near = int(np.count_nonzero(false & self.ball.det_near))
        return AtThreshold(confidence, ball, player, ball.fn, int(np.count_nonzero(false)) - near, near)

    def best_f1_confidence(self, match: ClassMatch | None = None) -> float:
        """The confidence with the highest F1 (the ball's by default); the highest such confidence on ties."""
        match = match or self.ball
        precision, recall, thresholds = match.curve()
        if not len(thresholds):
            return DEFAULT_CONFIDENCE
        f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
        return float(thresholds[int(np.argmax(f1))])

    def f1_curve(self, match: ClassMatch) -> tuple[np.ndarray, np.ndarray]:
        """F1 against the confidence threshold (ascending confidence)."""
        precision, recall, thresholds = match.curve()
        f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
        return thresholds[::-1], f1[::-1]

    # ---------------------------------------------------------------- errors
    def errors(self, confidence: float) -> list[ErrorItem]:
        """Missed balls, ghost balls, near misses, missed and false players at ``confidence``."""
        truth, dets = self.dataset.truth, self.detections
        items: list[ErrorItem] = []

        def misses(match: ClassMatch, kind: str, class_id: int) -> None:
            for index, score in zip(match.truth_index, match.truth_hit_score, strict=True):
                if score < confidence:
                    items.append(ErrorItem(kind, int(truth.image_id[index]), class_id, _box(truth.xywh[index]),
                                           None if not np.isfinite(score) else float(score)))  # fmt: skip

        def false(match: ClassMatch, class_id: int, split_near: bool) -> None:
            for index, score, hit, near in zip(match.det_index, match.det_score, match.det_hit, match.det_near,
                                               strict=True):  # fmt: skip
                if score < confidence:
                    break
                if not hit:
                    kind = ("near miss" if near else "ghost ball") if split_near else "false player"
                    items.append(ErrorItem(kind, int(dets.image_id[index]), class_id, _box(dets.xywh[index]),
                                           float(score)))  # fmt: skip

        misses(self.ball, "missed ball", BALL)
        false(self.ball, BALL, True)
        misses(self.player, "missed player", PLAYER)
        false(self.player, PLAYER, False)
        return items

    # --------------------------------------------------------------- summary
    def summary(self, confidence: float) -> dict[str, Any]:
        """Every number, as JSON: COCO stats, per class, size bins, ball and player scores."""
        chosen = self.at(confidence)
        best = self.best_f1_confidence()
        at_best = self.at(best)
        return {
            "max_detections": MAX_DETECTIONS,
            "ball_distance": self.ball_distance,
            "images": len(self.dataset.images),
            "truth": {"player": self.player.truth_count, "ball": self.ball.truth_count},
            "detections": len(self.detections),
            "coco": self.coco.stats,
            "per_class": self.coco.per_class,
            "size_bins": {label: {**self.coco.size_bins[label], "truth": self._bin_count(low, high)}
                          for label, low, high in SIZE_BINS},  # fmt: skip
            "ball": {
                "confidence": confidence, **chosen.ball.as_json(),
                "near_misses": chosen.near_misses, "ghost_balls": chosen.ghost_balls,
                "best_f1_confidence": best, "best": {**at_best.ball.as_json(), "near_misses": at_best.near_misses,
                                                     "ghost_balls": at_best.ghost_balls},
            },  # fmt: skip
            "player": {"confidence": confidence, "iou": 0.5, **chosen.player.as_json()},
        }

    def _bin_count(self, low: float, high: float) -> int:
        side = np.maximum(self.dataset.truth.xywh[:, 2], self.dataset.truth.xywh[:, 3])
        return int(np.count_nonzero((side >= low) & (side < high)))


def _box(values: np.ndarray) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in values)
    return x, y, w, h


def error_as_json(item: ErrorItem) -> dict[str, Any]:
    return {**asdict(item), "size": item.size}


def format_table(summary: dict[str, Any]) -> str:
    """The metric table the CLI prints."""
    coco, ball, player = summary["coco"], summary["ball"], summary["player"]
    lines = [
        f"{summary['images']} images, {summary['truth']['player']} players and {summary['truth']['ball']} balls "
        f"in the truth, {summary['detections']} detections",
        f"COCO (max {summary['max_detections']} detections per image):",
        "  " + "  ".join(f"{name} {_fmt(value)}" for name, value in list(coco.items())[:6]),
        "  " + "  ".join(f"{name} {_fmt(value)}" for name, value in list(coco.items())[6:]),
        "Per class:        AP     AP50   AP75",
    ]
    for name, values in summary["per_class"].items():
        lines.append(f"  {name:<14} {_fmt(values['AP'])}  {_fmt(values['AP50'])}  {_fmt(values['AP75'])}")
    lines.append("Size bins (longest side, px):  truth   AP     AP50   AR")
    for label, values in summary["size_bins"].items():
        lines.append(f"  {label:<28} {values['truth']:>5}   {_fmt(values['AP'])}  {_fmt(values['AP50'])}  "
                     f"{_fmt(values['AR'])}")  # fmt: skip
    lines += [
        f"Ball (centre within {summary['ball_distance']:g} px) at confidence {ball['confidence']:g}: "
        f"precision {ball['precision']:.3f}  recall {ball['recall']:.3f}  F1 {ball['f1']:.3f}  "
        f"missed {ball['fn']}  near misses {ball['near_misses']}  ghost balls {ball['ghost_balls']}",
        f"Ball at the best-F1 confidence {ball['best_f1_confidence']:.3g}: precision {ball['best']['precision']:.3f}  "
        f"recall {ball['best']['recall']:.3f}  F1 {ball['best']['f1']:.3f}",
        f"Players (IoU 0.5) at confidence {player['confidence']:g}: precision {player['precision']:.3f}  "
        f"recall {player['recall']:.3f}  F1 {player['f1']:.3f}",
    ]
    return "\n".join(lines)


def _fmt(value: float) -> str:
    return "  n/a" if value is None or value < 0 else f"{value:.3f}"
