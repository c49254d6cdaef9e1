"""Player tracks over stored detections, with the ``trackers`` library (ByteTrack, or BoT-SORT for moving cameras).

Tracking runs after detection and needs no GPU: it only reads boxes, so it can
be re-run with other settings without detecting again. Detections arrive as
columns (:class:`BoxColumns`) because a 90-minute match holds millions of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import (
    CancelCheck,
    Progress,
    ProgressCallback,
    check_cancel,
    never_cancelled,
    no_progress,
)

TRACKER_NAMES = ("bytetrack", "botsort")
NO_TRACK = -1
PROGRESS_EVERY = 500  # frames between progress reports


@dataclass(frozen=True)
class TrackerSettings:
    """How players are followed; the defaults suit 25 fps footage and motion-proposal or RF-DETR scores.

    ``lost_seconds`` is how long a player hidden behind another keeps their id;
    ``start_score`` the confidence a box needs to start a new track (motion
    proposals score players 0.6, odd shapes 0.3); ``confirm_frames`` how many
    frames in a row make a track real. ``camera_motion`` (BoT-SORT only) estimates
    the camera's pan and zoom from the pictures, so it decodes the whole video.
    """

    tracker: str = "bytetrack"
    lost_seconds: float = 1.6
    start_score: float = 0.5
    high_score: float = 0.5
    min_iou: float = 0.1
    confirm_frames: int = 2
    camera_motion: bool = False

    def __post_init__(self) -> None:
        if self.tracker not in TRACKER_NAMES:
            raise UserError(f"Unknown tracker {self.tracker!r}; choose one of: {', '.join(TRACKER_NAMES)}.")
        if not self.lost_seconds >= 0:
            raise UserError(f"The lost-track time must be 0 s or more, got {self.lost_seconds!r}.")
        for name in ("start_score", "high_score", "min_iou"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise UserError(f"The tracker setting {name} must lie between 0 and 1, got {value!r}.")
        if self.confirm_frames < 1:
            raise UserError(f"A track needs at least 1 frame to be confirmed, got {self.confirm_frames!r}.")
        if self.camera_motion and self.tracker != "botsort":
            raise UserError("Camera-motion compensation needs the BoT-SORT tracker; choose --tracker botsort.")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrackerSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class BoxColumns:
    """Boxes as parallel arrays, sorted by frame: ``xywh`` is top-left corner and size in frame pixels."""

    frame: np.ndarray  # int64 (N,)
    xywh: np.ndarray  # float64 (N, 4)
    score: np.ndarray  # float64 (N,), NaN where none

    @classmethod
    def from_rows(cls, frames: Any, xywh: Any, scores: Any) -> BoxColumns:
        frame = np.asarray(frames, dtype=np.int64).reshape(-1)
        boxes = np.asarray(xywh, dtype=np.float64).reshape(-1, 4)
        score = np.asarray([np.nan if s is None else s for s in scores], dtype=np.float64).reshape(-1)
        if not (len(frame) == len(boxes) == len(score)):
            raise ValueError("frames, boxes and scores must have the same length")
        if len(frame) > 1 and np.any(np.diff(frame) < 0):
            raise ValueError("boxes must be sorted by frame")
        return cls(frame, boxes, score)

    def __len__(self) -> int:
        return len(self.frame)

    def by_frame(self) -> Iterator[tuple[int, slice]]:
        """``(frame index, slice of its boxes)`` for every frame holding at least one box."""
        if len(self.frame) == 0:
            return
        starts = np.flatnonzero(np.diff(self.frame)) + 1
        bounds = np.concatenate([[0], starts, [len(self.frame)]])
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            yield int(self.frame[a]), slice(a, b)


FrameSource = Callable[[int], np.ndarray]


def _make_tracker(settings: TrackerSettings, fps: float) -> Any:
    from trackers import BoTSORTTracker, ByteTrackTracker

    # ``lost_track_buffer`` counts 30 fps frames whatever the frame rate (the library rescales it).
    lost = max(0, round(settings.lost_seconds * 30.0))
    common = {
        "lost_track_buffer": lost,
        "frame_rate": float(fps),
        "track_activation_threshold": settings.start_score,
        "minimum_consecutive_frames": settings.confirm_frames,
        "high_conf_det_threshold": settings.high_score,
    }
    if settings.tracker == "botsort":
        return BoTSORTTracker(**common, minimum_iou_threshold_first_assoc=settings.min_iou,
                              enable_cmc=settings.camera_motion)  # fmt: skip
    return ByteTrackTracker(**common, minimum_iou_threshold=settings.min_iou)


def track_players(
    boxes: BoxColumns,
    fps: float,
    settings: TrackerSettings | None = None,
    frame_source: FrameSource | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> np.ndarray:
    """A track id per box (1, 2, … in order of first confirmation; :data:`NO_TRACK` for unconfirmed boxes).

    Frames without boxes still advance the tracker, so a player missed for a few
    frames keeps their id. ``frame_source(index)`` gives the BGR picture when
    BoT-SORT compensates camera motion.
    """
    import supervision as sv

    settings = settings or TrackerSettings()
    if settings.camera_motion and frame_source is None:
        raise UserError("Camera-motion compensation needs the video's frames; the video could not be read.")
    tracker = _make_tracker(settings, fps)
    ids = np.full(len(boxes), NO_TRACK, dtype=np.int64)
    if len(boxes) == 0:
        return ids
    renumber: dict[int, int] = {}
    occupied = dict(boxes.by_frame())
    first, last = int(boxes.frame[0]), int(boxes.frame[-1])
    empty = sv.Detections.empty()
    for index in range(first, last + 1):
        if (index - first) % PROGRESS_EVERY == 0:
            check_cancel(cancel)
            progress(Progress(index - first, last - first + 1, "Tracking players"))
        rows = occupied.get(index)
        if rows is None:
            detections = empty
        else:
            xywh = boxes.xywh[rows]
            score = boxes.score[rows]
            detections = sv.Detections(
                xyxy=np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1),
                confidence=np.where(np.isnan(score), 1.0, score),
                class_id=np.zeros(len(xywh), dtype=int),
                data={"row": np.arange(rows.start, rows.stop)},
            )
        picture = frame_source(index) if settings.camera_motion and frame_source is not None else None
        result = tracker.update(detections, frame=picture)
        if rows is None or len(result) == 0:
            continue
        for row, raw in zip(result.data["row"].tolist(), result.tracker_id.tolist(), strict=True):
            if raw >= 0:
                ids[row] = renumber.setdefault(raw, len(renumber) + 1)
    _backfill(boxes, ids, occupied, settings.confirm_frames)
    progress(Progress(last - first + 1, last - first + 1, "Tracking players"))
    return ids


def _iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    x0 = np.maximum(box[0], others[:, 0])
    y0 = np.maximum(box[1], others[:, 1])
    x1 = np.minimum(box[0] + box[2], others[:, 0] + others[:, 2])
    y1 = np.minimum(box[1] + box[3], others[:, 1] + others[:, 3])
    overlap = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    return overlap / (box[2] * box[3] + others[:, 2] * others[:, 3] - overlap)


def _backfill(boxes: BoxColumns, ids: np.ndarray, occupied: dict[int, slice], confirm_frames: int) -> None:
    """Give each track the boxes it had before it was confirmed (the tracker returns those unnamed).

    Walking back from a track's first named box, the unnamed box overlapping it most
    (IoU >= 0.3) in the frame before is the same player, for ``confirm_frames`` frames.
    """
    tracked = np.flatnonzero(ids != NO_TRACK)
    _, first_rows = np.unique(ids[tracked], return_index=True)
    for row in tracked[first_rows].tolist():
        track, reference = ids[row], boxes.xywh[row]
        frame = int(boxes.frame[row])
        for back in range(1, confirm_frames + 1):
            rows = occupied.get(frame - back)
            if rows is None:
                break
            free = np.arange(rows.start, rows.stop)[ids[rows] == NO_TRACK]
            if len(free) == 0:
                break
            overlap = _iou(reference, boxes.xywh[free])
            best = int(np.argmax(overlap))
            if overlap[best] < 0.3:
                break
            ids[free[best]] = track
            reference = boxes.xywh[free[best]]
