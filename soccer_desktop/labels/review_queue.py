"""The review queue: frames ranked by how much a person's look is worth (active learning).

Frames with a ball candidate come first (the ball is rare, small and what the
model most needs), then frames by a score that grows with uncertain boxes
(pseudo scores 0.1–0.4), with disagreement between two detectors' pseudo boxes
on the frame, and with disagreement with neighbouring frames of the same video
(a ball or players that appear in one frame and vanish in the next). Frames
sent back from the results viewer's error browser (:func:`request_review`)
come before all of them, with the reason, until they are reviewed again. Qt-free:
the review panel shows :func:`rank_frames` and opens :func:`next_to_review`.
It reads every box of the chosen frames, so call it off the GUI thread on big
projects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

from soccer_desktop.project.store import Box, BoxSource, ClassId, Frame, Project

UNCERTAIN_SCORES = (0.1, 0.4)
NEIGHBOUR_GAP_S = 2.0  # frames further apart than this are not compared
SAME_OBJECT_IOU = 0.3  # loose: a few pixels of offset on a 10 px ball already costs half the IoU
DETECTOR_WEIGHT = 3.0  # a fully contradicted frame weighs like three uncertain boxes
NEIGHBOUR_WEIGHT = 2.0
MAX_UNCERTAIN_COUNTED = 10  # beyond this a frame is simply "very uncertain"


@dataclass(frozen=True)
class ReviewFilter:
    reviewed: bool | None = False  # None: both
    has_ball: bool | None = None  # any ball box, whatever its source
    video_id: int | None = None


@dataclass(frozen=True)
class ReviewItem:
    frame: Frame
    score: float
    has_ball_candidate: bool  # an unconfirmed (pseudo) ball box
    uncertain_boxes: int
    detector_disagreement: float  # 0..1: share of pseudo boxes the other detector did not find
    neighbour_disagreement: float  # 0..1
    reasons: tuple[str, ...]
    requested: bool = False  # sent to review (from the error browser): first in the queue


@dataclass(frozen=True)
class ReviewCounts:
    frames: int
    pseudo_labelled: int
    reviewed: int
    boxes: dict[ClassId, int] = field(default_factory=dict)


def review_counts(project: Project) -> ReviewCounts:
    """Counts at a glance: frames extracted, pseudo-labelled, reviewed, boxes per class."""
    counts = project.counts()
    return ReviewCounts(
        frames=counts["frames"], pseudo_labelled=counts["pseudo_labelled"], reviewed=counts["reviewed"],
        boxes={ClassId.PLAYER: counts["player_boxes"], ClassId.BALL: counts["ball_boxes"]},
    )  # fmt: skip


def rank_frames(project: Project, review_filter: ReviewFilter = ReviewFilter()) -> list[ReviewItem]:
    """Frames passing the filter, most worth reviewing first."""
    frames = project.frames(video_id=review_filter.video_id)
    boxes = {frame.id: project.boxes(frame.id) for frame in frames}
    fps = {video.id: video.fps for video in project.videos()}
    neighbours = _neighbour_disagreement(frames, boxes, fps)
    requests = review_requests(project)
    items = []
    for frame in frames:
        frame_boxes = boxes[frame.id]
        if review_filter.reviewed is not None and frame.reviewed != review_filter.reviewed:
            continue
        if review_filter.has_ball is not None and _has_ball(frame_boxes) != review_filter.has_ball:
            continue
        item = _item(frame, frame_boxes, neighbours.get(frame.id, 0.0))
        reason = requests.get(frame.id) if not frame.reviewed else None
        if reason is not None:
            item = replace(item, requested=True, reasons=(f"sent to review: {reason}", *item.reasons))
        items.append(item)
    items.sort(key=lambda item: (item.requested, item.has_ball_candidate, item.score, -item.frame.id), reverse=True)
    return items


def request_review(project: Project, requests: Mapping[int, str]) -> int:
    """Send frames back to review, each with its reason, in one transaction; returns how many.

    The frames become unreviewed (so a questioned label stays out of exports until a person
    looks again) and head the queue until they are marked reviewed.
    """
    with project.transaction() as db:
        for frame_id, reason in requests.items():
            db.execute("UPDATE frames SET reviewed = 0 WHERE id = ?", (frame_id,))
            db.execute(
                "INSERT INTO review_requests(frame_id, reason) VALUES (?, ?) ON CONFLICT(frame_id) DO UPDATE "
                "SET reason = excluded.reason, requested_at = datetime('now')",
                (frame_id, reason),
            )
    return len(requests)


def review_requests(project: Project) -> dict[int, str]:
    """Frame id → reason of every frame sent to review (reviewed ones included: the queue skips those)."""
    with project.transaction() as db:
        rows = db.execute("SELECT frame_id, reason FROM review_requests").fetchall()
    return {int(row[0]): str(row[1]) for row in rows}


def next_to_review(project: Project, review_filter: ReviewFilter = ReviewFilter()) -> ReviewItem | None:
    """The top unreviewed frame under the filter (its other fields are kept)."""
    ranked = rank_frames(project, ReviewFilter(False, review_filter.has_ball, review_filter.video_id))
    return ranked[0] if ranked else None


def _item(frame: Frame, boxes: Sequence[Box], neighbour: float) -> ReviewItem:
    pseudo = [b for b in boxes if b.source == BoxSource.PSEUDO]
    low, high = UNCERTAIN_SCORES
    uncertain = sum(1 for b in pseudo if b.score is not None and low <= b.score <= high)
    ball_candidate = any(b.class_id == ClassId.BALL for b in pseudo)
    detectors = _detector_disagreement(pseudo)
    score = min(uncertain, MAX_UNCERTAIN_COUNTED) + DETECTOR_WEIGHT * detectors + NEIGHBOUR_WEIGHT * neighbour
    reasons = [
        text for condition, text in (
            (ball_candidate, "ball candidate"),
            (uncertain > 0, f"{uncertain} uncertain box{'es' if uncertain != 1 else ''}"),
            (detectors > 0, f"detectors disagree on {detectors:.0%} of boxes"),
            (neighbour > 0, "differs from neighbouring frames"),
        ) if condition
    ]  # fmt: skip
    return ReviewItem(frame, score, ball_candidate, uncertain, detectors, neighbour, tuple(reasons))


def _has_ball(boxes: Sequence[Box]) -> bool:
    return any(b.class_id == ClassId.BALL for b in boxes)


def _iou(a: Box, b: Box) -> float:
    width = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    height = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    if width <= 0 or height <= 0:
        return 0.0
    overlap = width * height
    return overlap / (a.w * a.h + b.w * b.h - overlap)


def _detector_disagreement(pseudo: Sequence[Box]) -> float:
    """Worst share, over pairs of detectors, of boxes the other one has nothing matching for."""
    by_detector: dict[str | None, list[Box]] = {}
    for box in pseudo:
        by_detector.setdefault(box.detector, []).append(box)
    worst = 0.0
    for first, second in combinations(by_detector.values(), 2):
        unmatched = sum(1 for a in first if not any(_same_object(a, b) for b in second))
        unmatched += sum(1 for b in second if not any(_same_object(b, a) for a in first))
        worst = max(worst, unmatched / (len(first) + len(second)))
    return worst


def _same_object(a: Box, b: Box) -> bool:
    return a.class_id == b.class_id and _iou(a, b) >= SAME_OBJECT_IOU


def _neighbour_disagreement(frames: Sequence[Frame], boxes: dict[int, list[Box]],
                            fps: dict[int, float]) -> dict[int, float]:  # fmt: skip
    """Per frame, 0..1: half for a ball that the nearby frames mostly lack (or have), half for the player count."""
    by_video: dict[int, list[Frame]] = {}
    for frame in frames:
        if frame.video_id is not None and frame.frame_index is not None:
            by_video.setdefault(frame.video_id, []).append(frame)
    result: dict[int, float] = {}
    for video_id, members in by_video.items():
        members.sort(key=lambda f: f.frame_index or 0)
        gap = NEIGHBOUR_GAP_S * (fps.get(video_id) or 25.0)
        for position, frame in enumerate(members):
            nearby = [
                other for other in members[max(0, position - 1) : position + 2]
                if other is not frame and abs((other.frame_index or 0) - (frame.frame_index or 0)) <= gap
            ]  # fmt: skip
            if not nearby:
                continue
            ball_share = sum(_has_ball(boxes[o.id]) for o in nearby) / len(nearby)
            ball_term = abs(float(_has_ball(boxes[frame.id])) - ball_share)
            players = _count(boxes[frame.id], ClassId.PLAYER)
            around = sum(_count(boxes[o.id], ClassId.PLAYER) for o in nearby) / len(nearby)
            # One player more or less is ordinary jitter (someone leaving the picture); more is not.
            player_term = min(1.0, max(0.0, abs(players - around) - 1.0) / max(players, around, 1.0))
            result[frame.id] = 0.5 * ball_term + 0.5 * player_term
    return result


def _count(boxes: Sequence[Box], class_id: ClassId) -> int:
    return sum(1 for b in boxes if b.class_id == class_id)
