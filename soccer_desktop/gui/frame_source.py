"""Decodes frames on a background thread so the GUI never waits for FFmpeg.

Requests coalesce: while the decoder is busy, only the newest request is
kept, so dragging the scrub bar never builds a backlog. When frames are
asked for one after another (playing, stepping), the next one is decoded as
soon as one is handed over, so decoding runs while the GUI paints (the
reader keeps that frame for the request).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from soccer_desktop.core.errors import UserError

if TYPE_CHECKING:
    from soccer_desktop.video.reader import VideoInfo, VideoReader

log = logging.getLogger(__name__)
SHRINK_BELOW_SCALE = 0.75  # FrameView.RESAMPLE_BELOW_SCALE: below it frames are shown resampled


class FrameSource(QObject):
    """Owns one :class:`VideoReader` on a worker thread; errors arrive as ``sig_error``."""

    sig_frame = Signal(int, object, bool, object)
    """Frame index, BGR array, whether it is the exact frame asked for (False: nearby keyframe), and the
    frame already resampled to the display size (None unless one was set and is much smaller)."""
    sig_error = Signal(str)
    sig_opened = Signal(object)
    """The video is open: its VideoInfo."""

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.info: VideoInfo | None = None
        self._reader: VideoReader | None = None
        self._condition = threading.Condition()
        self._request: tuple[int, bool] | None = None
        self._stopping = False
        self._busy = True
        self._previous_exact = -2
        self._display_size: tuple[int, int] | None = None
        self._ahead: tuple[int, object, object] | None = None  # index, frame, its resampled copy
        self._thread = threading.Thread(target=self._run, name=f"decode {path.name}", daemon=True)

    def start(self) -> None:
        """Open the video on the worker thread (indexing a long video takes a moment)."""
        self._thread.start()

    def request(self, index: int, exact: bool = True) -> None:
        """Ask for frame ``index``; ``exact=False`` accepts the keyframe before it (fast scrubbing)."""
        if self.info is not None:
            index = max(0, min(int(index), self.info.frame_count - 1))
        with self._condition:
            self._request = (index, exact)
            self._condition.notify()

    def set_display_size(self, size: tuple[int, int] | None) -> None:
        """The size frames are shown at: much smaller frames are resampled here, off the GUI thread."""
        with self._condition:
            self._display_size = size

    def _shrunk(self, image: object) -> object:
        with self._condition:
            size = self._display_size
        height, width = image.shape[:2]  # type: ignore[attr-defined]
        if size is None or size[0] >= width * SHRINK_BELOW_SCALE or size[0] <= 0 or size[1] <= 0:
            return None
        import cv2

        return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)  # same filter as FrameView's own

    def is_idle(self) -> bool:
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
            self._reader = VideoReader(self.path)
        except UserError as error:
            self.sig_error.emit(str(error))
            return
        except Exception as error:
            log.exception("Opening %s failed", self.path)
            self.sig_error.emit(f"{self.path.name} could not be opened: {error!r}")
            return
        self.info = self._reader.info
        with self._condition:
            self._busy = False
        self.sig_opened.emit(self.info)
        try:
            self._loop(self._reader)
        finally:
            self._reader.close()

    def _loop(self, reader: VideoReader) -> None:
        while True:
            with self._condition:
                while self._request is None and not self._stopping:
                    self._condition.wait()
                if self._stopping:
                    return
                index, exact = self._request  # type: ignore[misc]
                self._request = None
                self._busy = True
            try:
                if exact:
                    image = reader.read(index)
                    shown = index
                else:
                    shown, image = reader.read_near(index)
            except UserError as error:
                self.sig_error.emit(str(error))
            except Exception as error:  # a decoder bug must not kill the thread silently
                log.exception("Decoding frame %d of %s failed", index, self.path)
                self.sig_error.emit(f"Frame {index} could not be decoded: {error!r}")
            else:
                ahead = self._ahead
                self._ahead = None
                reused = ahead is not None and ahead[0] == shown and ahead[1] is image
                shrunk = ahead[2] if reused else self._shrunk(image)  # type: ignore[index]
                if shrunk is not None and shrunk.shape[1::-1] != self._display_size:  # type: ignore[attr-defined]
                    shrunk = self._shrunk(image)  # the window was resized meanwhile
                self.sig_frame.emit(shown, image, exact, shrunk)
                self._decode_ahead(reader, shown, exact)
            finally:
                with self._condition:
                    self._busy = False

    def _decode_ahead(self, reader: VideoReader, shown: int, exact: bool) -> None:
        """After consecutive frames, decode ``shown + 1`` now: the reader keeps it for its request."""
        sequential = exact and shown == self._previous_exact + 1
        self._previous_exact = shown if exact else -2
        with self._condition:
            wanted = sequential and self._request is None and not self._stopping
            self._busy = False  # a request may come in meanwhile; it is served right after this frame
        if wanted and shown + 1 < reader.frame_count:
            try:
                image = reader.read(shown + 1)
                self._ahead = (shown + 1, image, self._shrunk(image))
            except Exception:  # noqa: BLE001 - the real request reports the error when it asks for this frame
                log.debug("Reading ahead frame %d failed", shown + 1, exc_info=True)
