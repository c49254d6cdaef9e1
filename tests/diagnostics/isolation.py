"""Run the app in a fresh home folder and list what it wrote outside the platformdirs locations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Where platformdirs puts Soccer Desktop's data, config, logs and cache under a Linux home.
ALLOWED = (".local/share/soccer-desktop", ".config/soccer-desktop", ".local/state/soccer-desktop",
           ".cache/soccer-desktop")  # fmt: skip


def isolated_env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("XDG_") and key != "SOCCER_DESKTOP_HOME"}
    env.update(HOME=str(home), PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    return env


def run_isolated(args: list[str], tmp_path: Path, timeout: float) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run ``python ARGS`` with HOME and the working folder in ``tmp_path``; also return stray files."""
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir(exist_ok=True)
    cwd.mkdir(exist_ok=True)
    result = subprocess.run([sys.executable, *args], cwd=cwd, env=isolated_env(home), capture_output=True,
                            text=True, timeout=timeout)  # fmt: skip
    stray = [str(path.relative_to(tmp_path)) for path in sorted(tmp_path.rglob("*"))
             if path.is_file() and not _allowed(path.relative_to(home) if path.is_relative_to(home) else None)]
    return result, stray


def _allowed(relative: Path | None) -> bool:
    return relative is not None and any(relative.as_posix().startswith(prefix + "/") for prefix in ALLOWED)
