"""Decodes frames on a background thread so the GUI never waits for FFmpeg.

Requests coalesce: while the decoder is busy, only the newest request is
kept, so dragging the scrub bar never builds a backlog. When frames are
asked for one after another (playing, stepping), the frames after the one
handed over are decoded into a short queue, already converted for the display
size. A request for a queued frame is answered on the GUI thread itself, without
waiting for the decoder (which may be busy with the next frame): decoding runs
while the GUI paints, FFmpeg's frame threads stay fed and a slow paint is absorbed.
An annotator, when set, makes what belongs with each frame (the panel's overlay) on
the decode thread too, so the GUI thread only paints it.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, Signal

from soccer_desktop.core.errors import UserError
from soccer_desktop.video.display import DisplayFrame

if TYPE_CHECKING:
    from soccer_desktop.video.frame_index import FrameIndex
    from soccer_desktop.video.reader import VideoInfo, VideoReader

log = logging.getLogger(__name__)
READ_AHEAD_FRAMES = 6
READ_AHEAD_BYTES = 160 * 2**20  # a 7680x2160 panorama keeps 3 frames ahead, 1080p all 6


class Annotator(Protocol):
    """Makes a frame's annotation on the decode thread; closed there too, when replaced or at the end."""

    def __call__(self, index: int) -> object: ...

    def close(self) -> None: ...


class FrameSource(QObject):
    """Owns one :class:`VideoReader` on a worker thread; errors arrive as ``sig_error``."""

    sig_frame = Signal(int, object, bool)
    """Frame index, the :class:`DisplayFrame` (already converted for the display size set), and whether it
    is the exact frame asked for (False: the nearby keyframe shown while scrubbing)."""
    sig_error = Signal(str)
    sig_opened = Signal(object)
    """The video is open: its VideoInfo."""
    _sig_queued = Signal(int, object)
    """A frame taken from the read-ahead queue, delivered on the next turn of the GUI's event loop."""

    def __init__(self, path: Path, parent: QObject | None = None, index_cache: Path | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.index_cache = index_cache
        self.info: VideoInfo | None = None
        self.index: FrameIndex | None = None
        """The frame times and keyframes, once open (read-only arrays: safe to read from the GUI thread)."""
        self._reader: VideoReader | None = None
        # Everything below is shared by the GUI and decode threads: read and written under this lock.
        self._condition = threading.Condition()
        self._request: tuple[int, bool] | None = None
        self._stopping = False
        self._busy = True  # serving a request (reading ahead does not count)
        self._previous_exact = -2
        self._reading_ahead = False
        self._display_size: tuple[int, int] | None = None
        self._ahead: deque[tuple[int, DisplayFrame]] = deque()  # decoded and converted, not asked for yet
        self._ahead_generation = 0  # bumped when the queue is emptied: a frame read meanwhile is stale
        self._annotator: Annotator | None = None
        self._annotating: Annotator | None = None  # the decode thread's own: the annotator it last used
        self._sig_queued.connect(self._deliver_queued, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._run, name=f"decode {path.name}", daemon=True)

    def start(self) -> None:
        """Open the video on the worker thread (indexing a long video takes a moment)."""
        self._thread.start()

    def request(self, index: int, exact: bool = True) -> None:
        """Ask for frame ``index``; ``exact=False`` accepts the keyframe before it (fast scrubbing)."""
        if self.info is not None:
            index = max(0, min(int(index), self.info.frame_count - 1))
        with self._condition:
            queued = self._take_ahead(index) if exact and self._request is None and not self._busy else None
            if queued is None:
                self._request = (index, exact)
            self._condition.notify()  # a request to serve, or room in the queue
        if queued is not None:
            self._sig_queued.emit(index, queued)  # after this call returns, never inside it

    def _deliver_queued(self, index: int, frame: DisplayFrame) -> None:
        self.sig_frame.emit(index, self._prepared(frame), True)  # a no-op unless the window changed meanwhile

    def set_display_size(self, size: tuple[int, int] | None) -> None:
        """The size frames are shown at when the view shows them resampled (None: at full size, zoomed in).

        The view decides (:meth:`FrameView.display_size`); the resampling is done here, off the GUI thread.
        """
        with self._condition:
            self._display_size = size

    def set_annotator(self, annotator: Annotator | None) -> None:
        """Make ``annotator(index)`` for every frame decoded from now on, as its ``annotation``.

        Frames already queued keep what the previous annotator made: the receiver checks whose it is.
        """
        with self._condition:
            self._annotator = annotator
            self._condition.notify()

    def _prepared(self, frame: DisplayFrame) -> DisplayFrame:
        """Make what the view will paint: the copy at the display size, or the full BGR frame."""
        with self._condition:
            size = self._display_size
        if size is not None:
            frame.shrunk(size)
        else:
            frame.bgr()
        return frame

    def is_idle(self) -> bool:
        """No request waiting or being served (reading ahead does not count: a request interrupts it)."""
        with self._condition:
            return self._request is None and not self._busy

    def close(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        from soccer_desktop.video.reader import VideoReader  # PyAV loads here, not at start-up

        try:
            self._reader = VideoReader(self.path, index_cache=self.index_cache)
        except UserError as error:
            self.sig_error.emit(error.for_gui())
            return
        except Exception as error:
            log.exception("Opening %s failed", self.path)
            self.sig_error.emit(f"{self.path.name} could not be opened: {error!r}")
            return
        self.info = self._reader.info
        self.index = self._reader.index
        with self._condition:
            self._busy = False
        self.sig_opened.emit(self.info)
        try:
            self._loop(self._reader)
        finally:
            self._reader.close()
            self._use_annotator(None)

    # ------------------------------------------------------ the decode thread
    def _loop(self, reader: VideoReader) -> None:
        while True:
            queued: DisplayFrame | None = None
            with self._condition:
                while (self._request is None and not self._stopping and self._next_ahead(reader) is None
                       and self._annotator is self._annotating):  # fmt: skip
                    self._condition.wait()
                if self._stopping:
                    return
                annotator = self._annotator
                request, self._request = self._request, None
                self._busy = request is not None
                if request is None:
                    ahead, generation = self._next_ahead(reader), self._ahead_generation
                elif request[1]:
                    queued = self._take_ahead(request[0])
                if request is not None and queued is None:
                    self._clear_ahead()
            self._use_annotator(annotator)  # a replaced one is closed at once, not with the next frame
            if request is None:
                if ahead is not None:
                    self._read_ahead(reader, ahead, generation)
                continue
            try:
                self._serve(reader, request[0], request[1], queued)
            finally:
                with self._condition:
                    self._busy = False

    def _serve(self, reader: VideoReader, index: int, exact: bool, queued: DisplayFrame | None) -> None:
        try:
            if queued is not None:
                shown, frame = index, queued
            elif exact:
                shown, frame = index, DisplayFrame(reader.read_decoded(index))
            else:
                shown, decoded = reader.read_near_decoded(index)
                frame = DisplayFrame(decoded)
            self._prepared(frame)
        except UserError as error:
            self.sig_error.emit(error.for_gui())
            return
        except Exception as error:  # a decoder bug must not kill the thread silently
            log.exception("Decoding frame %d of %s failed", index, self.path)
            self.sig_error.emit(f"Frame {index} could not be decoded: {error!r}")
            return
        if queued is None:
            self._annotate(shown, frame)
            with self._condition:
                self._shown(shown, exact)
        self.sig_frame.emit(shown, frame, exact)

    def _read_ahead(self, reader: VideoReader, index: int, generation: int) -> None:
        """Decode and convert frame ``index`` for the queue; its real request reports any error."""
        try:
            frame = self._prepared(DisplayFrame(reader.read_decoded(index)))
        except Exception:  # noqa: BLE001
            log.debug("Reading ahead frame %d failed", index, exc_info=True)
            with self._condition:
                self._reading_ahead = False
            return
        self._annotate(index, frame)
        with self._condition:
            if generation == self._ahead_generation and self._next_ahead(reader) == index:
                self._ahead.append((index, frame))

    def _annotate(self, index: int, frame: DisplayFrame) -> None:
        """Frame ``index``'s annotation by the annotator set now; if it fails, the receiver makes its own."""
        with self._condition:
            annotator = self._annotator
        self._use_annotator(annotator)
        if annotator is None:
            return
        try:
            frame.annotation = annotator(index)
        except Exception:  # noqa: BLE001 - the GUI thread makes it again and reports the error there
            log.debug("Annotating frame %d failed", index, exc_info=True)

    def _use_annotator(self, annotator: Annotator | None) -> None:
        """Close the annotator used so far (on this thread, which opened what it holds) when it is replaced."""
        if annotator is self._annotating:
            return
        if self._annotating is not None:
            try:
                self._annotating.close()
            except Exception:  # noqa: BLE001
                log.debug("Closing an annotator failed", exc_info=True)
        self._annotating = annotator

    # --------------------------------------------- the queue (lock held)
    def _take_ahead(self, index: int) -> DisplayFrame | None:
        """Frame ``index`` from the queue, dropping the frames before it; None (queue kept) if not there."""
        if not self._ahead or not self._ahead[0][0] <= index <= self._ahead[-1][0]:
            return None
        while self._ahead[0][0] < index:
            self._ahead.popleft()  # playback skipped a frame
        _, frame = self._ahead.popleft()
        self._shown(index, True)
        return frame

    def _clear_ahead(self) -> None:
        self._ahead.clear()
        self._ahead_generation += 1

    def _shown(self, index: int, exact: bool) -> None:
        """Frames asked for forward and close together (playing, stepping on) are worth reading ahead."""
        self._reading_ahead = exact and 0 < index - self._previous_exact <= READ_AHEAD_FRAMES
        self._previous_exact = index if exact else -2
        if not self._reading_ahead:
            self._clear_ahead()

    def _next_ahead(self, reader: VideoReader) -> int | None:
        """The frame to read ahead next, or None: not playing forward, the queue is full, or the video ends."""
        if not self._reading_ahead or len(self._ahead) >= READ_AHEAD_FRAMES:
            return None
        index = (self._ahead[-1][0] if self._ahead else self._previous_exact) + 1
        if index >= reader.frame_count:
            return None
        frame_bytes = reader.info.width * reader.info.height * 3
        if self._ahead and frame_bytes * (len(self._ahead) + 1) > READ_AHEAD_BYTES:
            return None
        return index
