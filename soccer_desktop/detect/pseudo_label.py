"""The pseudo-label job: run a detector over chosen frames and store its boxes as ``pseudo``.

Frames a person reviewed are never touched, nor are manual or imported boxes
anywhere. Each frame is committed on its own and noted in a small progress
file, so a cancelled (or crashed) run resumes where it stopped when started
again with the same detector settings; a run that finished starts over and
replaces the earlier pseudo boxes of unreviewed frames.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2

from soccer_desktop.core.jobs import (
    CancelCheck,
    Progress,
    ProgressCallback,
    check_cancel,
    never_cancelled,
    no_progress,
)
from soccer_desktop.detect.base import DetectorFactory
from soccer_desktop.project.store import BoxSource, ClassId, Frame, NewBox, Project, Video

GROUP_SPAN_S = 120.0  # frames of one video this close share a per-video model (motion background)
JOBS_DIR = "jobs"


@dataclass(frozen=True)
class FrameScope:
    """Which frames to pseudo-label. Reviewed frames are always left out."""

    unlabelled_only: bool = False  # only frames without any box yet
    video_id: int | None = None
    frame_range: tuple[int, int] | None = None  # [start, stop) video frame indices


def select_frames(project: Project, scope: FrameScope = FrameScope()) -> list[Frame]:
    frames = project.frames(video_id=scope.video_id, reviewed=False)
    if scope.frame_range is not None:
        start, stop = scope.frame_range
        frames = [f for f in frames if f.frame_index is not None and start <= f.frame_index < stop]
    if scope.unlabelled_only:
        frames = [f for f in frames if not project.boxes(f.id)]
    return frames


@dataclass(frozen=True)
class PseudoLabelSummary:
    labelled: int
    resumed: int  # already done by the interrupted run this one continued
    skipped_reviewed: int
    skipped_no_video: int
    missing_images: int
    boxes: dict[ClassId, int] = field(default_factory=dict)
    seconds: float = 0.0

    def describe(self) -> str:
        rate = self.labelled / self.seconds if self.seconds > 0 else 0.0
        counts = ", ".join(f"{self.boxes.get(c, 0)} {c.label}" for c in ClassId)
        text = f"{self.labelled} frames pseudo-labelled ({counts} boxes) in {self.seconds:.1f} s ({rate:.2f} frames/s)"
        notes = [
            (self.resumed, "done before the interruption"),
            (self.skipped_reviewed, "reviewed, left as they are"),
            (self.skipped_no_video, "without a video, which this detector needs"),
            (self.missing_images, "whose image file is missing"),
        ]
        skipped = "; ".join(f"{n} {why}" for n, why in notes if n)
        return f"{text}. Skipped: {skipped}." if skipped else text + "."


def pseudo_label(
    project: Project,
    factory: DetectorFactory,
    frames: Sequence[Frame],
    *,
    keep_other_detectors: bool = False,
    resume: bool = True,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> PseudoLabelSummary:
    """Detect on ``frames`` and store the boxes as pseudo labels.

    ``keep_other_detectors`` replaces only this detector's earlier pseudo boxes, so the boxes of
    two detectors can sit side by side for the review queue to compare; by default all earlier
    pseudo boxes of a frame are replaced. ``resume=False`` ignores an interrupted run's progress.
    """
    started = time.monotonic()
    log = _ProgressLog(project, f"{factory.fingerprint}|keep={keep_other_detectors}")
    if not resume:
        log.finish()
    done_before = log.read()
    unreviewed = [f for f in frames if not f.reviewed]
    pending = [f for f in unreviewed if f.id not in done_before]
    todo = [f for f in pending if f.video_id is not None or not factory.needs_video]
    counts: Counter[ClassId] = Counter()
    labelled = missing = 0
    total = len(todo)

    def report(message: str) -> None:
        progress(Progress(labelled + missing, total, message))

    def preparing(name: str) -> ProgressCallback:
        return lambda step: report(f"{name}: {step.message}")

    for video, group in _groups(project, todo):
        name = Path(video.path).name if video else "imported images"
        indices = [f.frame_index or 0 for f in group]
        detector = factory.for_frames(video, indices, progress=preparing(name), cancel=cancel)
        for frame in group:
            check_cancel(cancel)
            image = cv2.imread(str(project.image_file(frame)), cv2.IMREAD_COLOR)
            if image is None:
                missing += 1
                continue
            boxes = detector.detect(image, cancel)
            if _store(project, frame, boxes, detector.name, keep_other_detectors):
                counts.update(b.class_id for b in boxes)
            log.add(frame.id)
            labelled += 1
            rate = labelled / max(time.monotonic() - started, 1e-6)
            report(f"Pseudo-labelling {labelled + missing}/{total} frames ({rate:.2f} frames/s)")
    log.finish()
    return PseudoLabelSummary(
        labelled=labelled, resumed=len(unreviewed) - len(pending), skipped_reviewed=len(frames) - len(unreviewed),
        skipped_no_video=len(pending) - len(todo), missing_images=missing,
        boxes=dict(counts), seconds=time.monotonic() - started,
    )  # fmt: skip


def _groups(project: Project, frames: Sequence[Frame]) -> Iterator[tuple[Video | None, list[Frame]]]:
    """Frames by video in time order, cut where a group would span more than two minutes."""
    by_video: dict[int | None, list[Frame]] = {}
    for frame in frames:
        by_video.setdefault(frame.video_id, []).append(frame)
    for video_id, members in by_video.items():
        if video_id is None:
            yield None, members
            continue
        video = project.video(video_id)
        span = max(1, round(GROUP_SPAN_S * video.fps))
        members.sort(key=lambda f: f.frame_index or 0)
        group: list[Frame] = []
        for frame in members:
            if group and (frame.frame_index or 0) - (group[0].frame_index or 0) > span:
                yield video, group
                group = []
            group.append(frame)
        if group:
            yield video, group


def _store(project: Project, frame: Frame, boxes: list[NewBox], detector: str, keep_other_detectors: bool) -> bool:
    """Replace earlier pseudo boxes in one transaction; False when the frame was reviewed meanwhile."""
    if not keep_other_detectors:
        return project.replace_pseudo_boxes(frame.id, boxes)
    with project.transaction():
        if project.frame(frame.id).reviewed:
            return False
        project.delete_boxes(
            b.id for b in project.boxes(frame.id) if b.source == BoxSource.PSEUDO and b.detector == detector
        )
        project.add_boxes(frame.id, boxes)
    return True


class _ProgressLog:
    """Ids of frames finished under one detector setting since its last complete run.

    One id per line in ``<project>/jobs``; the file goes when a run completes. Keyed by the
    settings only, not the frame list, so reviewing a few frames in between, or resuming over
    a wider selection, still skips what was done.
    """

    def __init__(self, project: Project, key: str) -> None:
        digest = hashlib.sha1(key.encode()).hexdigest()[:16]
        self.path = project.root / JOBS_DIR / f"pseudo-label-{digest}.txt"

    def read(self) -> set[int]:
        if not self.path.is_file():
            return set()
        return {int(line) for line in self.path.read_text().split() if line.isdigit()}

    def add(self, frame_id: int) -> None:
        self.path.parent.mkdir(exist_ok=True)
        with self.path.open("a") as file:
            file.write(f"{frame_id}\n")

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)
