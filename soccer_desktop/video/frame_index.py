"""The frame index of a video: every frame's presentation time and where its keyframes are.

Building it demuxes the whole file (every packet is read, none decoded); for a
90-minute match that reads gigabytes. So each file is demuxed once and the
index is kept: in memory for this process, and, when a project is given, in
``<project>/cache/frame-index/`` as a small ``.npz`` file. Both are keyed by
the file's path, size and modification time, so a changed file is indexed
again. Extraction, motion proposals, playback and match analysis all read
frames through :class:`~soccer_desktop.video.reader.VideoReader`, which takes
its index from here.

Times come from the real timestamps, never from the average frame rate, so
variable-frame-rate files map events and timestamps to the right frames.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from soccer_desktop.core.atomic import atomic_write_bytes

if TYPE_CHECKING:
    import av.container
    import av.stream

    from soccer_desktop.project.store import Project, Video

log = logging.getLogger(__name__)

CACHE_DIR = Path("cache") / "frame-index"
_FORMAT = 1  # bump when the cached file's fields change
_MEMORY_ENTRIES = 8


@dataclass(frozen=True)
class FrameIndex:
    """Presentation timestamps of all frames in display order and the keyframes' positions among them."""

    pts: np.ndarray  # int64, sorted, one per frame
    keyframes: np.ndarray  # int64 frame positions, sorted, never empty
    time_base: Fraction

    @property
    def frame_count(self) -> int:
        return len(self.pts)

    def time_of(self, index: int) -> float:
        """Seconds from the first frame to frame ``index``, from its real timestamp."""
        return float((int(self.pts[index]) - int(self.pts[0])) * self.time_base)

    def frame_at_time(self, seconds: float) -> int:
        """The frame shown closest to ``seconds`` after the first frame (clamped to the video)."""
        target = int(self.pts[0]) + float(seconds) / float(self.time_base)
        position = int(np.searchsorted(self.pts, target, side="left"))
        if position <= 0:
            return 0
        if position >= len(self.pts):
            return len(self.pts) - 1
        before, after = float(self.pts[position - 1]), float(self.pts[position])
        return position - 1 if target - before <= after - target else position

    def frame_shown_at(self, seconds: float) -> int:
        """The frame on screen ``seconds`` after the first: the last one whose time has come (for playback)."""
        target = int(self.pts[0]) + float(seconds) / float(self.time_base)
        position = int(np.searchsorted(self.pts, target + 1e-6, side="right")) - 1
        return min(max(position, 0), len(self.pts) - 1)

    def keyframe_at_or_before(self, index: int) -> int:
        position = int(np.searchsorted(self.keyframes, index, side="right")) - 1
        return int(self.keyframes[max(position, 0)])


_demuxes = 0
_memory: OrderedDict[tuple[str, int, int], FrameIndex] = OrderedDict()
_lock = threading.Lock()


def demux_count() -> int:
    """How many times this process has demuxed a whole video file (benchmarks and tests read it)."""
    return _demuxes


def forget_in_memory() -> None:
    """Drop this process's in-memory indexes (the project's cached files stay)."""
    with _lock:
        _memory.clear()


def demux(container: av.container.InputContainer, stream: av.stream.Stream) -> FrameIndex:
    """Read every packet of ``stream`` once (no decoding): the timestamps of all frames and the keyframes."""
    global _demuxes
    with _lock:
        _demuxes += 1
    pts: list[int] = []
    keyframe_pts: list[int] = []
    for packet in container.demux(stream):
        if packet.pts is None or packet.size == 0:
            continue
        pts.append(packet.pts)
        if packet.is_keyframe:
            keyframe_pts.append(packet.pts)
    pts.sort()
    positions = {value: index for index, value in enumerate(pts)}
    keyframes = sorted(positions[value] for value in keyframe_pts) or [0]
    time_base = stream.time_base or Fraction(1, 1)
    return FrameIndex(np.asarray(pts, np.int64), np.asarray(keyframes, np.int64), Fraction(time_base))


def cached_index(
    path: Path | str, container: av.container.InputContainer, stream: av.stream.Stream,
    cache_dir: Path | None = None,
) -> FrameIndex:
    """The index of the open file at ``path``: from memory, from ``cache_dir``, or demuxed (and then kept)."""
    path = Path(path).resolve()
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    cache_file = _cache_file(cache_dir, key[0]) if cache_dir is not None else None
    with _lock:
        found = _memory.get(key)
        if found is not None:
            _memory.move_to_end(key)
    if found is not None:
        if cache_file is not None and not cache_file.is_file():
            _save(cache_file, key, found)
        return found
    index = _load(cache_file, key) if cache_file is not None else None
    if index is None:
        index = demux(container, stream)
        container.seek(0, stream=stream)
        if cache_file is not None:
            _save(cache_file, key, index)
    with _lock:
        _memory[key] = index
        while len(_memory) > _MEMORY_ENTRIES:
            _memory.popitem(last=False)
    return index


def index_dir(project_root: Path) -> Path:
    """Where a project keeps the frame indexes of its videos."""
    return Path(project_root) / CACHE_DIR


def frame_index_for(project: Project, video: Video) -> FrameIndex:
    """The frame index of one of the project's videos, demuxing it only if neither memory nor the project has it.

    The public entry point for code outside ``video/`` (e.g. match analysis) that needs real frame
    times or keyframes; to read frames, use :func:`soccer_desktop.video.reader.open_project_video`.
    """
    from soccer_desktop.video.reader import open_project_video

    with open_project_video(project, video) as reader:
        return reader.index


def _cache_file(cache_dir: Path, path: str) -> Path:
    return cache_dir / f"{hashlib.sha1(path.encode()).hexdigest()[:20]}.npz"


def _load(cache_file: Path, key: tuple[str, int, int]) -> FrameIndex | None:
    """The cached index when it belongs to this exact file (path, size, mtime), else None."""
    try:
        with np.load(cache_file, allow_pickle=False) as data:
            meta = data["meta"]
            if str(data["path"]) != key[0] or [int(v) for v in meta] != [_FORMAT, key[1], key[2]]:
                return None
            return FrameIndex(data["pts"].astype(np.int64), data["keyframes"].astype(np.int64),
                              Fraction(int(data["time_base"][0]), int(data["time_base"][1])))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as error:
        log.warning("Ignoring an unreadable frame index %s (%s); the video is indexed again", cache_file, error)
        return None


def _save(cache_file: Path, key: tuple[str, int, int], index: FrameIndex) -> None:
    """Keep the index in the project; a project that cannot be written to only loses the speed-up."""
    buffer = io.BytesIO()
    np.savez(buffer, path=np.array(key[0]), meta=np.array([_FORMAT, key[1], key[2]], np.int64),
             pts=index.pts, keyframes=index.keyframes,
             time_base=np.array([index.time_base.numerator, index.time_base.denominator], np.int64))
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(cache_file, buffer.getvalue())
    except OSError as error:
        log.warning("The frame index of %s could not be kept in %s (%s)", key[0], cache_file.parent,
                    os.strerror(error.errno) if error.errno else error)
