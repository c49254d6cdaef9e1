"""The training event stream: one JSON object per line in ``RUN_DIR/events.jsonl``.

The training process appends (and flushes) one line per event; the GUI, the
CLI and the tests read the file incrementally. Every event has ``type`` and
``time`` (Unix seconds). The types, and their main fields:

``run_started``     run_dir, name, phases, resume, pid, dataset (counts), config
``log``             level (info/warning), message
``phase_started``   phase, epochs, start_epoch, steps_per_epoch, init_weights, freeze_encoder,
                    lr_groups (the distinct learning rates the optimizer really uses), trainable_params
``step``            phase, epoch (1-based), step (1-based within the phase), loss, lr, eta_s
``epoch``           phase, epoch, epochs, train {loss, loss_ce, loss_bbox, loss_giou, ...},
                    val {map, map50, map75, ap_player, ap_ball} or null, lr, memory {ram_mb, gpu_mb,
                    gpu_peak_mb}, epoch_time_s, eta_s
``checkpoint``      phase, kind (weights | best | full), path
``phase_finished``  phase, status (completed | stopped_early | cancelled), epochs_done, best_checkpoint,
                    best_metrics
``error``           kind (oom | user | crash), message, resumable
``run_finished``    status (completed | cancelled | failed), best_checkpoint, best_metrics

Floats that are not finite are written as null (JSON has no NaN).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

EVENTS_FILE = "events.jsonl"


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and callable(value.item):  # numpy / torch scalars
        try:
            return _clean(value.item())
        except (TypeError, ValueError, RuntimeError):
            return str(value)
    return value


class EventWriter:
    """Appends events to a JSON-lines file, each line flushed as it is written."""

    def __init__(self, path: Path | str, echo: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a", encoding="utf-8")
        self._echo = echo
        self._lock = threading.Lock()

    def emit(self, type: str, **fields: Any) -> dict[str, Any]:  # noqa: A002 - the event's own word
        event = _clean({"type": type, "time": time.time(), **fields})
        line = json.dumps(event, separators=(",", ":"), allow_nan=False)
        with self._lock:
            if not self._file.closed:
                self._file.write(line + "\n")
                self._file.flush()
        if self._echo is not None:
            self._echo(event)
        return event

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def __enter__(self) -> EventWriter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class EventReader:
    """Reads the events appended since the last call (a half-written last line waits for the next call)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.offset = 0
        self._partial = b""

    def read(self) -> list[dict[str, Any]]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            return []
        if not data:
            return []
        self.offset += len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        events = []
        for line in lines:
            if not line.strip():
                continue
            try:
                events.append(json.loads(line))
            except ValueError:
                continue  # a torn line from a killed writer: skip it, the rest still reads
        return events


def read_events(path: Path | str) -> list[dict[str, Any]]:
    """Every complete event in a file."""
    return EventReader(path).read()
