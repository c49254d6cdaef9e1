"""Whole-file writes that never leave a half-written file behind.

Every file the app writes whole (settings, manifests, YAML, JSON exports) goes
through here: the bytes go to a uniquely named temporary file in the same
folder, are fsynced, renamed over the target, and the folder is fsynced so the
rename itself survives a power cut. Two writers never share a temporary name.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step; on any failure the old file (if any) is untouched."""
    atomic_write_stream(path, lambda handle: handle.write(data))


def atomic_write_stream(path: Path | str, write: Callable[[BinaryIO], object]) -> None:
    """Replace ``path`` with what ``write`` puts into the open file it is given (large files, e.g. checkpoints).

    On any failure (a full disk included) the old file is untouched and no temporary file is left.
    """
    path = Path(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_folder(path.parent)


def atomic_write_text(path: Path | str, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path | str, value: Any, indent: int | None = 2) -> None:
    atomic_write_text(path, json.dumps(value, indent=indent, ensure_ascii=False) + "\n")


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable; some file systems refuse to open folders, which is harmless."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
