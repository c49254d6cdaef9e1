"""The analysis loop: run a detector over a whole video (or a frame range) and store every detection.

Frames are decoded on a thread of their own into a short queue, so the model
never waits for FFmpeg. Boxes are written a chunk of frames per transaction
together with the marks saying those frames are done; a run that was
cancelled, crashed or killed continues where it stopped when started again
with the same settings, and several ``--range`` shards with the same settings
fill one analysis. No frame is missed or stored twice either way.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from soccer_desktop.analysis import store
from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import (
    CancelCheck,
    JobCancelled,
    Progress,
    ProgressCallback,
    check_cancel,
    format_eta,
    never_cancelled,
    no_progress,
)
from soccer_desktop.project.store import NewBox, Project, Video

WRITE_CHUNK_FRAMES = 25  # one transaction per second of 25 fps video: cheap, and little to redo after a kill
DECODE_QUEUE_FRAMES = 8


class FrameBatchDetector(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def fingerprint(self) -> str:
        """Every setting that changes the boxes: runs with the same one add to the same analysis."""
        ...

    def frames_per_call(self, width: int, height: int) -> int:
        """How many frames to hand to :meth:`detect_frames` at once."""
        ...

    def detect_frames(self, video: Video, indices: Sequence[int], images: Sequence[np.ndarray],
                      cancel: CancelCheck = never_cancelled) -> list[list[NewBox]]:  # fmt: skip
        ...


@dataclass(frozen=True)
class AnalysisSummary:
    analysis_id: int
    name: str
    analysed: int  # frames this run did
    resumed: int  # frames of the range done before (earlier run or another shard)
    boxes: int
    seconds: float
    video_done: int  # frames of the whole video analysed so far
    frame_count: int

    def describe(self) -> str:
        rate = self.analysed / self.seconds if self.seconds > 0 else 0.0
        text = (f"Analysis {self.analysis_id} ({self.name}): {self.analysed} frames analysed, {self.boxes} boxes, "
                f"in {self.seconds:.1f} s ({rate:.2f} frames/s)")  # fmt: skip
        if self.resumed:
            text += f"; {self.resumed} frames were done before"
        if self.video_done < self.frame_count:
            text += f". {self.video_done} of {self.frame_count} frames of the video are analysed so far"
        return text + "."


def parse_range(text: str) -> tuple[int, int]:
    """``A-B``: frames A to B, both included."""
    first, dash, last = text.partition("-")
    try:
        if not dash:
            raise ValueError
        start, stop = int(first), int(last)
    except ValueError:
        raise UserError(f"{text!r} is not a frame range; write FIRST-LAST frame indices, e.g. 0-4499.") from None
    if start < 0 or stop < start:
        raise UserError(f"The frame range {text} is empty or negative; write FIRST-LAST with FIRST <= LAST.")
    return start, stop


def analyse_video(
    project: Project,
    video_id: int,
    detector: FrameBatchDetector,
    settings: dict[str, Any],
    frame_range: tuple[int, int] | None = None,
    *,
    name: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> AnalysisSummary:
    """Analyse frames ``frame_range`` (inclusive; None: the whole video) of a video with ``detector``.

    An analysis of this video with the same detector fingerprint is continued rather than started
    anew; ``settings`` (plain JSON values) are stored with a new one.
    """
    started = time.monotonic()
    video = project.video(video_id)
    first, last = (0, video.frame_count - 1) if frame_range is None else frame_range
    if first >= video.frame_count:
        raise UserError(f"The range starts at frame {first}, but the video has only {video.frame_count} frames "
                        f"(0-{video.frame_count - 1}).")  # fmt: skip
    last = min(last, video.frame_count - 1)
    analysis = store.find_analysis(project, video_id, detector.fingerprint)
    if analysis is None:
        stored = {**settings, "fingerprint": detector.fingerprint, "frame_count": video.frame_count}
        analysis = store.create_analysis(project, video_id, name or detector.name, detector.name, stored)
    done_before = store.done_frames(project, analysis.id, first, last)
    todo = [i for i in range(first, last + 1) if i not in done_before]
    store.set_status(project, analysis.id, "running")
    boxes = analysed = 0
    try:
        per_call = max(1, detector.frames_per_call(video.width, video.height))
        pending: list[tuple[int, Sequence[NewBox]]] = []
        for indices, images in decoded_batches(video, todo, per_call, cancel):
            check_cancel(cancel)
            found = detector.detect_frames(video, indices, images, cancel)
            pending.extend(zip(indices, found, strict=True))
            if len(pending) >= WRITE_CHUNK_FRAMES:
                boxes += store.write_frames(project, analysis.id, pending)
                analysed += len(pending)
                pending = []
            _report(progress, analysed + len(pending), len(todo), started)
        boxes += store.write_frames(project, analysis.id, pending)
        analysed += len(pending)
    except JobCancelled:
        store.set_status(project, analysis.id, "cancelled")
        raise
    except BaseException:
        store.set_status(project, analysis.id, "failed")
        raise
    video_done = store.done_count(project, analysis.id)
    store.set_status(project, analysis.id, "done" if video_done >= video.frame_count else "running")
    return AnalysisSummary(analysis.id, analysis.name, analysed, len(done_before), boxes,
                           time.monotonic() - started, video_done, video.frame_count)  # fmt: skip


def _report(progress: ProgressCallback, done: int, total: int, started: float) -> None:
    elapsed = max(time.monotonic() - started, 1e-6)
    rate = done / elapsed
    eta = format_eta((total - done) / rate) if rate > 0 else format_eta(None)
    progress(Progress(done, total, f"Analysing frame {done}/{total} ({rate:.1f} frames/s, ETA {eta})"))


_END = object()


def decoded_batches(video: Video, indices: Sequence[int], per_batch: int,
                     cancel: CancelCheck) -> Iterator[tuple[list[int], list[np.ndarray]]]:  # fmt: skip
    """Batches of ``(indices, BGR frames)`` decoded ahead on a thread of their own."""
    from soccer_desktop.video.reader import VideoReader

    frames: queue.Queue[Any] = queue.Queue(maxsize=DECODE_QUEUE_FRAMES)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                frames.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def decode() -> None:
        try:
            with VideoReader(video.path) as reader:
                for index in indices:
                    if stop.is_set() or not put((index, reader.read(index))):
                        return
        except BaseException as error:  # handed to the consuming thread, which raises it
            put(error)
            return
        put(_END)

    thread = threading.Thread(target=decode, name=f"analysis decode {Path(video.path).name}", daemon=True)
    thread.start()
    try:
        batch_indices: list[int] = []
        batch_images: list[np.ndarray] = []
        while True:
            try:
                item = frames.get(timeout=0.1)
            except queue.Empty:
                check_cancel(cancel)
                continue
            if item is _END:
                break
            if isinstance(item, BaseException):
                raise item
            batch_indices.append(item[0])
            batch_images.append(item[1])
            if len(batch_indices) >= per_batch:
                yield batch_indices, batch_images
                batch_indices, batch_images = [], []
        if batch_indices:
            yield batch_indices, batch_images
    finally:
        stop.set()
        thread.join(timeout=5)
