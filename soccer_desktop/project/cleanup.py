"""Remove what an interrupted write left in a project folder (called whenever a project opens).

Writes never leave half a file in place: whole files go to a temporary
sibling that is renamed over the target, exports are built in a hidden
``.<name>.partial-<pid>-<id>`` folder. A crash or a killed process can still
leave those temporaries behind. This removes them:

* export staging folders (``.NAME.partial-…``, ``.NAME.old-…``) whose process is
  gone (folders without a process id: when older than :data:`MIN_AGE_S`), except
  that an earlier export set aside as ``.NAME.old-…`` goes back to ``NAME`` when
  the crash came before its replacement was in place;
* temporary files (``*.tmp``, ``*.part``) older than :data:`MIN_AGE_S`, since
  a live writer finishes a whole-file write in seconds.

Only the project's own folders are searched: the project folder itself,
``frames/``, ``datasets/`` (and each dataset's top level) and ``runs/``
(each run and its phase folders).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from soccer_desktop.core.jobs import CancelCheck, check_cancel, never_cancelled

MIN_AGE_S = 600.0
_STAGING = re.compile(r"^\.(?P<name>.+)\.(?P<kind>partial|old)-(?:(?P<pid>\d+)-)?[0-9a-f]+$")
_TEMP_SUFFIXES = (".tmp", ".part")
#: The folders searched and how deep: temporaries sit beside the files they replace, so an export's images
#: (datasets/NAME/train/…) need no look, while frames may be nested by video and import folder.
_FOLDERS = {"frames": 8, "datasets": 1, "runs": 3}


@dataclass
class Cleanup:
    removed: list[Path] = field(default_factory=list)
    restored: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.removed and not self.restored and not self.failed:
            return ""
        text = (f"Removed {len(self.removed)} leftover{'s' * (len(self.removed) != 1)} of an interrupted export "
                "or write.")
        if self.restored:
            text += f" Put back {', '.join(p.name for p in self.restored)} (an export replacing it was interrupted)."
        if self.failed:
            text += f" Could not remove: {'; '.join(self.failed)}."
        return text


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but not ours (PermissionError), or cannot tell: keep it
        return True
    return True


def _old(path: Path, now: float, min_age_s: float) -> bool:
    try:
        return now - path.lstat().st_mtime >= min_age_s
    except OSError:
        return False


def _stale_staging(path: Path, now: float, min_age_s: float) -> bool:
    match = _STAGING.match(path.name)
    if match is None or not path.is_dir():
        return False
    pid = match.group("pid")
    return not _pid_alive(int(pid)) if pid else _old(path, now, min_age_s)


def clean_leftovers(root: Path | str, min_age_s: float = MIN_AGE_S,
                    cancel: CancelCheck = never_cancelled) -> Cleanup:
    """Remove stale staging folders and temporary files under the project's folders; returns what went."""
    root = Path(root)
    now = time.time()
    result = Cleanup()

    def remove(path: Path) -> None:
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            return
        except OSError as error:
            result.failed.append(f"{path} ({error.strerror or error})")
            return
        result.removed.append(path)

    tops = [(root, 0)] + [(root / name, depth) for name, depth in _FOLDERS.items() if (root / name).is_dir()]
    for top, max_depth in tops:
        for folder, dirs, files in os.walk(top):
            check_cancel(cancel)
            here = Path(folder)
            if len(here.relative_to(top).parts) >= max_depth:
                dirs[:] = [name for name in dirs if _STAGING.match(name)]  # look no deeper, but at staging folders
            for name in list(dirs):
                match = _STAGING.match(name)
                if match is None:
                    continue
                dirs.remove(name)  # never walk into a staging folder
                if not _stale_staging(here / name, now, min_age_s):
                    continue
                original = here / match.group("name")
                if match.group("kind") == "old" and not original.exists():
                    try:
                        os.replace(here / name, original)
                    except OSError as error:
                        result.failed.append(f"{here / name} ({error.strerror or error})")
                    else:
                        result.restored.append(original)
                    continue
                remove(here / name)
            for name in files:
                if name.endswith(_TEMP_SUFFIXES) and _old(here / name, now, min_age_s):
                    remove(here / name)
    return result
