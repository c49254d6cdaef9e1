"""File-system failures as one-line messages a user can act on.

A full disk, a read-only folder or a permission problem surfaces as an
``OSError`` deep inside a write. Every writer turns it into a :class:`UserError`
here, so each says the same: what could not be written, where, why, and the fix.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from soccer_desktop.core.errors import UserError

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_READ_ONLY = {errno.EROFS}
_DENIED = {errno.EACCES, errno.EPERM}


class DiskError(UserError):
    """A write the file system refused (full, read-only, no permission); the message says what to do."""


def disk_error(error: OSError, what: str, where: Path | str) -> DiskError:
    """The user's message for ``error`` raised while writing ``what`` (e.g. "frame 120") into ``where``."""
    where = Path(where)
    if error.errno in _FULL:
        return DiskError(f"The disk is full: {what} could not be written to {where}. "
                         "Free some space on that disk, then try again.")
    if error.errno in _READ_ONLY:
        return DiskError(f"{where} is on a read-only disk: {what} could not be written. "
                         "Copy the project to a folder you can write to, or remount the disk writable.")
    if error.errno in _DENIED:
        return DiskError(f"{where} is read-only for you (permission denied): {what} could not be written. "
                         "Make the folder writable, or copy the project to a folder you can write to.")
    reason = error.strerror or str(error)
    return DiskError(f"{what} could not be written to {where} ({reason}). "
                     "Check that the disk is connected and has space, then try again.")


@contextmanager
def writing(what: str, where: Path | str) -> Iterator[None]:
    """Turn an ``OSError`` raised inside the block into a :class:`DiskError` naming ``what`` and ``where``."""
    try:
        yield
    except OSError as error:
        raise disk_error(error, what, where) from error
