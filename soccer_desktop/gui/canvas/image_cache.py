"""Decoded frames for the canvas: a small cache, filled ahead of time on a short background thread.

Opening a frame decodes it on the GUI thread (about 20 ms for 2160-wide
JPEGs) unless the prefetch thread already has it. After each frame the
panel asks for its neighbours; each prefetch is one short-lived thread
(cv2 releases the GIL while decoding). The threads are not daemons, so an
app quitting mid-decode waits for them (tens of milliseconds) instead of
aborting inside OpenCV. Arrays handed out are never written
to, so the GUI may wrap them in QImages without copying.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


def decode(path: Path) -> np.ndarray | None:
    """The image as BGR uint8, or None when it is missing or unreadable."""
    import cv2

    if not path.is_file():
        return None
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        log.warning("Cannot decode %s", path)
    return image


class FrameImages:
    def __init__(self, capacity: int = 4) -> None:
        self.capacity = capacity
        self._cache: OrderedDict[Path, np.ndarray | None] = OrderedDict()
        self._pending: dict[Path, threading.Thread] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, path: Path) -> np.ndarray | None:
        """The decoded image (waiting for a prefetch of it, or decoding it now)."""
        with self._lock:
            thread = self._pending.get(path)
        if thread is not None:
            thread.join()
        with self._lock:
            if path in self._cache:
                self._cache.move_to_end(path)
                self.hits += 1
                return self._cache[path]
        self.misses += 1
        image = decode(path)
        self._store(path, image)
        return image

    def prefetch(self, paths: Iterable[Path]) -> None:
        for path in paths:
            with self._lock:
                if path in self._cache or path in self._pending:
                    continue
                thread = threading.Thread(target=self._load, args=(path,), name="canvas-prefetch")
                self._pending[path] = thread
            thread.start()

    def _load(self, path: Path) -> None:
        try:
            image = decode(path)
        except Exception:  # a prefetch failing must not lose the error: log it; get() decodes again
            log.exception("Prefetching %s failed", path)
            with self._lock:
                self._pending.pop(path, None)
            return
        self._store(path, image)
        with self._lock:
            self._pending.pop(path, None)

    def _store(self, path: Path, image: np.ndarray | None) -> None:
        with self._lock:
            self._cache[path] = image
            self._cache.move_to_end(path)
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)

    def forget(self, path: Path) -> None:
        with self._lock:
            self._cache.pop(path, None)

    def close(self) -> None:
        """Wait for prefetches (each takes tens of milliseconds) and drop the cache."""
        with self._lock:
            threads = list(self._pending.values())
        for thread in threads:
            thread.join()
        with self._lock:
            self._cache.clear()
