"""Progress and cancellation primitives for long tasks.

Every long task in Soccer Desktop is a plain function that takes a
``progress`` callback and a ``cancel`` check, so it can run headless, in a
test, or inside the GUI's job runner without knowing about Qt.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable, Protocol


class JobCancelled(Exception):
    """Raised by a job when its cancel check turned true; partial work is already committed."""


@dataclass(frozen=True)
class Progress:
    """One progress report: ``done`` of ``total`` units (total 0 = unknown), with a short message."""

    done: int
    total: int
    message: str = ""

    @property
    def fraction(self) -> float | None:
        return None if self.total <= 0 else min(1.0, self.done / self.total)


ProgressCallback = Callable[[Progress], None]


class CancelCheck(Protocol):
    def __call__(self) -> bool: ...


def no_progress(_: Progress) -> None:
    """Progress sink for callers that do not care."""


def never_cancelled() -> bool:
    return False


class CancelToken:
    """A thread-safe flag a GUI (or a test) sets and a job polls."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    def __call__(self) -> bool:
        return self._event.is_set()


def check_cancel(cancel: CancelCheck) -> None:
    """Raise :class:`JobCancelled` at a safe point if the job was asked to stop."""
    if cancel():
        raise JobCancelled()


class EtaEstimator:
    """Estimates the remaining time of a job from its progress so far."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._start = clock()

    def remaining(self, progress: Progress) -> float | None:
        """Seconds left, or None while it cannot be told (no total, nothing done yet)."""
        if progress.total <= 0 or progress.done <= 0:
            return None
        elapsed = self._clock() - self._start
        return elapsed * (progress.total - progress.done) / progress.done


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class TerminalProgress:
    """Prints job progress on one line of stderr (only when it is a terminal)."""

    def __init__(self) -> None:
        self._last = -1
        self._tty = sys.stderr.isatty()

    def __call__(self, progress: Progress) -> None:
        if not self._tty:
            return
        percent = int(100 * (progress.fraction or 0))
        if percent != self._last:
            self._last = percent
            print(f"\r{progress.message} {percent:3d}%", end="", file=sys.stderr, flush=True)
            if percent == 100:
                print(file=sys.stderr)
