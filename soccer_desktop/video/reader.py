"""Frame-accurate video reading with PyAV (FFmpeg).

Opening a video takes its frame index (the exact presentation time of every
frame and where the keyframes are) from :mod:`.frame_index`, which demuxes
each file once and keeps the result. Asking for
frame N then seeks to the keyframe at or before N and decodes forward until
the frame whose timestamp is N's, so B-frames, long GOPs and odd containers
cannot shift the result. Sequential reads decode straight on.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np

from soccer_desktop.core.errors import UserError
from soccer_desktop.video.frame_index import FrameIndex, cached_index, index_dir

if TYPE_CHECKING:
    from soccer_desktop.project.store import Project, Video

class VideoError(UserError):
    """A video that cannot be read; the message names the file, the problem and the fix."""


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    width: int
    height: int
    fps: float
    frame_count: int
    codec: str

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps if self.fps else 0.0


def _unreadable(path: Path, reason: str) -> VideoError:
    return VideoError(
        f"{path.name} cannot be opened as a video ({reason}). "
        f"Choose an mp4, mkv, mov or avi file that plays in a media player; "
        "if it was copied from a camera, re-export it without errors."
    )


class VideoReader:
    """Reads frames of one video by index (BGR ``uint8`` arrays). Not thread-safe: one per thread."""

    def __init__(self, path: Path | str, index_cache: Path | None = None) -> None:
        """``index_cache``: a folder where the frame index is kept between runs (a project's cache)."""
        self.path = Path(path)
        if not self.path.is_file():
            raise VideoError(
                f"The video {self.path} is missing (moved or deleted). Relink it to its new location "
                "(File › Relink a moved video…, or soccer-desktop video relink), then try again."
            )
        try:
            self._container = av.open(str(self.path))
        except (av.error.FFmpegError, OSError, ValueError) as error:
            raise _unreadable(self.path, str(error)) from error
        try:
            streams = self._container.streams.video
            if not streams:
                raise _unreadable(self.path, "it has no video stream")
            self._stream = streams[0]
            self.index: FrameIndex = cached_index(self.path, self._container, self._stream, index_cache)
            self._pts = self.index.pts.tolist()
            self.keyframes = self.index.keyframes.tolist()
            if not self._pts:
                raise _unreadable(self.path, "it holds no frames")
            codec = self._stream.codec_context
            rate = self._stream.average_rate or self._stream.guessed_rate
            fps = float(rate) if rate else 0.0
            if fps <= 0:
                raise _unreadable(self.path, "its frame rate is unknown")
            self.info = VideoInfo(
                path=self.path,
                width=int(codec.width),
                height=int(codec.height),
                fps=fps,
                frame_count=len(self._pts),
                codec=codec.name,
            )
            self._stream.thread_type = "AUTO"
            self._decoder = None
            self._next_index = -1
            self._last: tuple[int, av.VideoFrame, np.ndarray | None] | None = None  # frame, its BGR once made
        except VideoError:
            self._container.close()
            raise
        except (av.error.FFmpegError, OSError, ValueError) as error:
            self._container.close()
            raise _unreadable(self.path, str(error)) from error

    # ---------------------------------------------------------------- reading
    @property
    def frame_count(self) -> int:
        return self.info.frame_count

    def keyframe_at_or_before(self, index: int) -> int:
        position = bisect.bisect_right(self.keyframes, index) - 1
        return self.keyframes[max(position, 0)]

    def read(self, index: int) -> np.ndarray:
        """The exact frame ``index`` (0-based) as a BGR array.

        Frames decoded on the way are not converted to BGR (that costs about as
        much as decoding), and reading forward never seeks back unless a
        keyframe lies in between.
        """
        return self._bgr(self.read_decoded(index))

    def read_decoded(self, index: int) -> av.VideoFrame:
        """The exact frame ``index`` as FFmpeg decoded it (not converted: :mod:`.display` shrinks it first)."""
        index = self._check_index(index)
        if self._last is not None and self._last[0] == index:
            return self._last[1]
        start = None
        keyframe = self.keyframe_at_or_before(index)
        if not (0 <= self._next_index <= index and keyframe <= self._next_index):
            start = keyframe
            self._seek_to_keyframe(start)
        while True:
            position, frame = self._decode_next()
            if position == index:
                self._last = (position, frame, None)
                return frame
            if position > index:
                # Timestamps led the seek past the target: start again one keyframe earlier.
                if start == 0:
                    raise VideoError(
                        f"Frame {index} of {self.path.name} cannot be located: its timestamps "
                        "are broken. Re-encode the video (e.g. with ffmpeg) and add it again."
                    )
                start = self.keyframe_at_or_before((index if start is None else start) - 1)
                self._seek_to_keyframe(start)

    def grab(self, indices: Iterable[int]) -> Iterator[tuple[int, np.ndarray]]:
        """``(index, frame)`` for each wanted index in increasing order (out-of-range ones dropped)."""
        for index in sorted({i for i in indices if 0 <= i < self.info.frame_count}):
            yield index, self.read(index)

    def read_near(self, index: int) -> tuple[int, np.ndarray]:
        """A cheap frame close to ``index``: the keyframe before it (for scrubbing while dragging)."""
        position, frame = self.read_near_decoded(index)
        return position, self._bgr(frame)

    def read_near_decoded(self, index: int) -> tuple[int, av.VideoFrame]:
        """:meth:`read_near`, not converted."""
        index = self._check_index(index)
        keyframe = self.keyframe_at_or_before(index)
        if self._last is not None and self._last[0] == keyframe:
            return keyframe, self._last[1]
        self._seek_to_keyframe(keyframe)
        position, frame = self._decode_next()
        self._last = (position, frame, None)
        return position, frame

    def _check_index(self, index: int) -> int:
        if not 0 <= index < self.info.frame_count:
            raise IndexError(f"frame {index} is outside 0..{self.info.frame_count - 1}")
        return int(index)

    def _seek_to_keyframe(self, keyframe_index: int) -> None:
        keyframe_index = max(0, keyframe_index)
        self._container.seek(self._pts[keyframe_index], stream=self._stream, backward=True)
        self._decoder = self._container.decode(self._stream)
        self._next_index = -1

    def _decode_next(self) -> tuple[int, av.VideoFrame]:
        if self._decoder is None:
            self._seek_to_keyframe(0)
        assert self._decoder is not None
        try:
            frame = next(self._decoder)
        except StopIteration:
            raise VideoError(
                f"{self.path.name} ended early: it is truncated or damaged after frame "
                f"{self._next_index - 1}. Re-export or re-copy the file."
            ) from None
        except av.error.FFmpegError as error:
            raise VideoError(f"{self.path.name} could not be decoded ({error}). The file is damaged.") from error
        position = self._position_of(frame.pts)
        self._next_index = position + 1
        return position, frame

    def _bgr(self, frame: av.VideoFrame) -> np.ndarray:
        """``frame`` as BGR; the last frame read keeps its conversion, so reading it again is free."""
        last = self._last
        if last is not None and last[1] is frame:
            if last[2] is None:
                last = self._last = (last[0], frame, frame.to_ndarray(format="bgr24"))
            return last[2]
        return frame.to_ndarray(format="bgr24")

    def _position_of(self, pts: int | None) -> int:
        if pts is None:
            return self._next_index if self._next_index >= 0 else 0
        position = bisect.bisect_left(self._pts, pts)
        return min(position, len(self._pts) - 1)

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def probe(path: Path | str) -> VideoInfo:
    """Size, frame rate and exact frame count of a video, or a :class:`VideoError`."""
    with VideoReader(path) as reader:
        return reader.info


def open_project_video(project: Project, video: Video) -> VideoReader:
    """A reader for one of the project's videos whose frame index is kept in the project."""
    return VideoReader(video.path, index_cache=index_dir(project.root))
