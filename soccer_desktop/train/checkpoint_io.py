"""Writing checkpoint files: whole or not at all, and a full disk said in one line.

A checkpoint is hundreds of megabytes; a disk that fills up half-way must leave the
previous checkpoint as it was and no temporary file, and the user must read what to
do rather than an ``OSError`` traceback. Imported only by the training process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from soccer_desktop.core.atomic import atomic_write_stream
from soccer_desktop.core.disk import writing


def save_checkpoint(payload: dict[str, Any], path: Path) -> None:
    """``torch.save`` into ``path`` atomically; a write failure raises :class:`~soccer_desktop.core.disk.DiskError`."""
    import torch

    with writing(f"the checkpoint {path.name}", path.parent):
        atomic_write_stream(path, lambda handle: torch.save(payload, handle))
