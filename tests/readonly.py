"""A real read-only project folder, even when the tests run as root.

Root writes through any permission bits, so ``chmod`` alone proves nothing there. When
the tests run as root, the code under test runs in a forked child that has dropped to
an unprivileged user (uid/gid 65534, "nobody"), for which a root-owned folder with mode
0755 is truly read-only: the kernel refuses the writes with EACCES, exactly as for a user
whose project sits on a folder they cannot write to. No fork is needed for other users:
the folder is then made 0555. (A read-only mount would need CAP_SYS_ADMIN, which CI lacks.)
"""

from __future__ import annotations

import os
import pickle
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

UNPRIVILEGED = 65534


def shared_folder(parent: Path) -> Path:
    """A folder under ``parent`` that the unprivileged user can reach (pytest's tmp folders are 0700)."""
    folder = parent / "shared"
    folder.mkdir()
    top = Path(tempfile.gettempdir()).resolve()
    for path in [folder, *folder.parents]:
        if path == top or top not in path.parents or path.stat().st_uid != os.geteuid():
            break
        path.chmod(path.stat().st_mode | stat.S_IXOTH | stat.S_IROTH)
    return folder


def make_read_only(folder: Path) -> None:
    """Read-only for whoever runs :func:`run_read_only`; every file inside stays readable."""
    for path in [folder, *folder.rglob("*")]:
        mode = 0o555 if path.is_dir() else 0o444
        path.chmod(mode if os.geteuid() != 0 else (0o755 if path.is_dir() else 0o644))


def run_read_only(action: Callable[[], Any]) -> tuple[str, str]:
    """Run ``action`` as a user who cannot write to the read-only folder: ("ok", repr) or (error type, message)."""
    if os.geteuid() != 0:
        return _outcome(action)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to nobody, run, report, and leave without running pytest's clean-up
        code = 0
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(UNPRIVILEGED)
            os.setuid(UNPRIVILEGED)
            result = _outcome(action)
            with os.fdopen(write, "wb") as pipe:
                pickle.dump(result, pipe)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and data, "the unprivileged child failed"
    return pickle.loads(data)


def _outcome(action: Callable[[], Any]) -> tuple[str, str]:
    try:
        return "ok", repr(action())
    except Exception as error:  # the test compares the type and message
        return type(error).__name__, str(error)
