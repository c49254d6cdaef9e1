"""Frame extraction: choose which frames of a video become training images, and store them.

Strategies combine (their frames are unioned): every Nth frame, windows around
imported events, a target count spread evenly, all frames of a range. A range
given together with another strategy limits that strategy to the range.
Near-duplicates of the last kept frame (camera idle, stoppages) are skipped by
a cheap thumbnail difference. Each stored frame is committed on its own, so a
cancelled job keeps what it did and a second run only adds what is missing.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from soccer_desktop.core.disk import disk_error
from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import (
    CancelCheck,
    JobCancelled,
    Progress,
    ProgressCallback,
    never_cancelled,
    no_progress,
)
from soccer_desktop.project.store import Event, Project, Video
from soccer_desktop.video.frame_index import FrameIndex
from soccer_desktop.video.frames import frame_image_path, write_jpeg
from soccer_desktop.video.reader import VideoReader, open_project_video

DEFAULT_QUALITY = 95
DEFAULT_EVENT_EVERY = 5
DEFAULT_MIN_CHANGE = 0.001
THUMBNAIL_WIDTH = 480
_CHANGED_LEVEL = 10  # levels a thumbnail pixel must move (in some channel) to count as changed
_ENCODES_IN_FLIGHT = 4  # decoded frames waiting for the JPEG thread (bounds memory on 4K video)


class ExtractionError(UserError):
    """Extraction settings or inputs the user has to change; the message says how."""


@dataclass(frozen=True)
class ExtractionStrategy:
    """Which frames to extract. At least one of the strategy fields must be set."""

    every_n: int | None = None
    around_events_s: float | None = None
    event_labels: tuple[str, ...] | None = None  # None: every event label
    event_every: int = DEFAULT_EVENT_EVERY  # frame step inside an event window
    target_count: int | None = None
    frame_range: tuple[int, int] | None = None  # [start, stop) frame indices
    min_change: float = DEFAULT_MIN_CHANGE  # changed thumbnail fraction below which a frame is a duplicate

    def validate(self) -> None:
        """Raise :class:`ExtractionError` naming the setting to fix."""
        if self.every_n is None and self.around_events_s is None and self.target_count is None \
                and self.frame_range is None:
            raise ExtractionError(
                "No extraction strategy chosen.",
                gui_hint="Tick at least one of Every, Around events, Target count or Only frames.",
                cli_hint="Pick at least one: every Nth frame (--every N), windows around events "
                         "(--around-events SECONDS), a target count (--target N) or a frame range "
                         "(--range START:STOP).",
            )
        if self.every_n is not None and self.every_n < 1:
            raise ExtractionError(f"'Every Nth frame' is {self.every_n}; use 1 or more.")
        if self.around_events_s is not None and self.around_events_s < 0:
            raise ExtractionError(f"The event window is {self.around_events_s} s; use 0 or more seconds.")
        if self.event_every < 1:
            raise ExtractionError(f"The step inside event windows is {self.event_every}; use 1 or more.")
        if self.target_count is not None and self.target_count < 1:
            raise ExtractionError(f"The target count is {self.target_count}; use 1 or more frames.")
        if self.frame_range is not None and not 0 <= self.frame_range[0] < self.frame_range[1]:
            raise ExtractionError(
                f"The frame range {self.frame_range[0]}:{self.frame_range[1]} is empty; "
                "use START:STOP with 0 <= START < STOP."
            )
        if not 0 <= self.min_change < 1:
            raise ExtractionError(
                f"The duplicate threshold is {self.min_change}; use a fraction from 0 (keep all) to below 1."
            )


@dataclass(frozen=True)
class ExtractSummary:
    videos: int
    planned: int
    added: int
    already_present: int
    duplicates_skipped: int
    seconds: float

    def describe(self) -> str:
        return (
            f"{self.added} frames added from {self.videos} video(s) ({self.planned} planned, "
            f"{self.already_present} already in the project, {self.duplicates_skipped} near-duplicates skipped) "
            f"in {self.seconds:.1f} s"
        )


def plan_extraction(video: Video, strategy: ExtractionStrategy, events: Iterable[Event] = (),
                    timeline: FrameIndex | None = None) -> list[int]:  # fmt: skip
    """Sorted frame indices of ``video`` the strategy asks for (before duplicate skipping).

    ``events`` should already be filtered by label (``Project.events(video_id, labels)``).
    ``timeline``: the video's frame timestamps, so that an event window spans its seconds on a
    variable-frame-rate video too (without it, seconds become frames at the average rate).
    """
    strategy.validate()
    start, stop = strategy.frame_range or (0, video.frame_count)
    stop = min(stop, video.frame_count)
    if start >= stop:
        return []
    chosen: set[int] = set()
    if strategy.every_n is not None:  # aligned to the video, so runs over different ranges agree
        chosen.update(range(start + -start % strategy.every_n, stop, strategy.every_n))
    if strategy.around_events_s is not None:
        for event in events:
            low, high = _event_window(event.frame_index, strategy.around_events_s, video.fps, timeline)
            low, high = max(start, low), min(stop, high)
            chosen.update(range(low, high, strategy.event_every))
            if low <= event.frame_index < high:
                chosen.add(event.frame_index)
    if strategy.target_count is not None:
        count = min(strategy.target_count, stop - start)
        chosen.update(int(i) for i in np.round(np.linspace(start, stop - 1, count)))
    if strategy.every_n is None and strategy.around_events_s is None and strategy.target_count is None:
        chosen.update(range(start, stop))
    return sorted(chosen)


def _event_window(frame_index: int, seconds: float, fps: float, timeline: FrameIndex | None) -> tuple[int, int]:
    """The frames (first, past-the-last) shown within ``seconds`` of the event's frame, both ends included."""
    if timeline is None or not 0 <= frame_index < timeline.frame_count:
        half = int(round(seconds * fps))
        return frame_index - half, frame_index + half + 1
    centre = float(timeline.pts[frame_index])
    span = seconds / float(timeline.time_base) + 1e-6  # in timestamp ticks; a frame exactly at the edge is in
    low = int(np.searchsorted(timeline.pts, centre - span, side="left"))
    high = int(np.searchsorted(timeline.pts, centre + span, side="right"))
    return low, high


def _timeline(project: Project, video: Video) -> FrameIndex:
    """The video's frame timestamps (from the project's index cache: no second demux)."""
    with open_project_video(project, video) as reader:
        return reader.index


# --------------------------------------------------------------------------- duplicates


def thumbnail(image: np.ndarray) -> np.ndarray:
    """A small copy: area averaging removes sensor and codec noise before comparing.

    In colour, because a red shirt on green grass can have the grass's exact brightness.
    """
    height, width = image.shape[:2]
    thumb_width = min(THUMBNAIL_WIDTH, width)
    size = (thumb_width, max(1, round(height * thumb_width / width)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def changed_fraction(a: np.ndarray, b: np.ndarray) -> float:
    """Share of thumbnail pixels where some channel moved by more than a few levels.

    A share rather than a mean difference: on a panorama the players are so small that
    play barely moves the mean, but it does change a countable number of pixels.
    """
    changed = cv2.absdiff(a, b).max(axis=2) > _CHANGED_LEVEL
    return float(np.count_nonzero(changed) / changed.size)


# --------------------------------------------------------------------------- the job


def extract_frames(
    project: Project,
    video_ids: Sequence[int] | None,
    strategy: ExtractionStrategy,
    quality: int = DEFAULT_QUALITY,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> ExtractSummary:
    """Extract frames of the given videos (all videos of the project when ``None``) into the project."""
    strategy.validate()
    if not 1 <= quality <= 100:
        raise ExtractionError(f"JPEG quality {quality} is out of range; use 1 to 100 (95 keeps small balls sharp).")
    videos = [project.video(i) for i in video_ids] if video_ids else project.videos()
    if not videos:
        raise ExtractionError(
            "The project has no videos.",
            gui_hint="Add one first with File › Open video… (or drop a video file on the window).",
            cli_hint="Add one first (soccer-desktop video add PROJECT_DIR VIDEO).",
        )
    started = time.monotonic()
    plans = []
    for video in videos:
        events = project.events(video.id, strategy.event_labels)
        timeline = _timeline(project, video) if events and strategy.around_events_s is not None else None
        plans.append((video, plan_extraction(video, strategy, events, timeline)))
    total = sum(len(plan) for _, plan in plans)
    counter = _Counter(total, progress, started)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract-jpeg") as encoder:
        for video, plan in plans:
            _extract_video(project, video, plan, strategy.min_change, quality, encoder, counter, cancel)
    return ExtractSummary(
        videos=len(videos), planned=total, added=counter.added, already_present=counter.present,
        duplicates_skipped=counter.duplicates, seconds=time.monotonic() - started,
    )


class _Counter:
    """Running totals of one extraction job, reported as progress."""

    def __init__(self, total: int, progress: ProgressCallback, started: float) -> None:
        self.total, self._progress, self._started = total, progress, started
        self.added = self.present = self.duplicates = 0

    def report(self, name: str) -> None:
        done = self.added + self.present + self.duplicates
        rate = done / max(time.monotonic() - self._started, 1e-6)
        self._progress(Progress(done, self.total, f"Extracting frames from {name} ({rate:.1f} frames/s)"))


def _extract_video(
    project: Project,
    video: Video,
    plan: list[int],
    min_change: float,
    quality: int,
    encoder: ThreadPoolExecutor,
    counter: _Counter,
    cancel: CancelCheck,
) -> None:
    name = Path(video.path).name
    stored = {frame.frame_index: project.image_file(frame).is_file() for frame in project.frames(video.id)}
    if all(stored.get(index, False) for index in plan):
        counter.present += len(plan)
        counter.report(name)
        return
    pending: deque[tuple[int, Future[None], bool, float]] = deque()  # (index, JPEG write, row exists, time)
    try:
        with open_project_video(project, video) as grabber:
            cancelled = _decode(project, video, grabber, plan, stored, min_change, quality, encoder, counter,
                                cancel, pending)
        while pending:
            _register(project, video, *pending.popleft())
            counter.added += 1
    except BaseException:
        _discard(project, video, pending)
        raise
    counter.report(name)
    if cancelled:
        raise JobCancelled()


def _decode(
    project: Project,
    video: Video,
    grabber: VideoReader,
    plan: list[int],
    stored: dict[int | None, bool],
    min_change: float,
    quality: int,
    encoder: ThreadPoolExecutor,
    counter: _Counter,
    cancel: CancelCheck,
    pending: deque[tuple[int, Future[None], bool, float]],
) -> bool:
    """Decode the planned frames and hand the new ones to the JPEG thread; True when cancelled."""
    name = Path(video.path).name
    last: np.ndarray | None = None
    time_of = grabber.index.time_of  # real timestamps: right for variable-frame-rate files too
    for index, image in grabber.grab(plan):
        if cancel():
            return True  # stop decoding, but keep the frames already on their way to disk
        small = thumbnail(image)
        if stored.get(index, False):
            last = small
            counter.present += 1
        elif last is not None and min_change > 0 and changed_fraction(last, small) < min_change:
            counter.duplicates += 1
        else:
            last = small
            path = frame_image_path(project, video.id, index)
            pending.append((index, encoder.submit(write_jpeg, path, image, quality), index in stored, time_of(index)))
            if len(pending) >= _ENCODES_IN_FLIGHT:
                _register(project, video, *pending.popleft())
                counter.added += 1
        counter.report(name)
    return False


def _discard(project: Project, video: Video, pending: deque[tuple[int, Future[None], bool, float]]) -> None:
    """After a failure, delete the JPEGs still in flight that no row will point to: no file without its frame."""
    while pending:
        index, written, has_row, _ = pending.popleft()
        with contextlib.suppress(OSError):  # the disk that failed the first write may fail these too
            written.result()
        if not has_row:
            with contextlib.suppress(FileNotFoundError):
                frame_image_path(project, video.id, index).unlink()


def _register(
    project: Project, video: Video, index: int, written: Future[None], has_row: bool, timestamp_s: float
) -> None:
    """Record a frame once its JPEG is on disk (a row whose file was lost only needed the file)."""
    path = frame_image_path(project, video.id, index)
    try:
        written.result()
    except OSError as error:
        raise disk_error(error, f"frame {index} of {Path(video.path).name}", path.parent) from error
    if not has_row:
        project.add_frame(
            path, width=video.width, height=video.height, video_id=video.id, frame_index=index,
            timestamp_s=timestamp_s,
        )
