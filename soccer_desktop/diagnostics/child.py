"""Run ``python -m MODULE`` as a child process with a timeout, in a source checkout, a wheel or the bundle.

In the PyInstaller bundle ``sys.executable`` is the app itself; its launcher
(:mod:`soccer_desktop.launcher`) treats ``-m MODULE`` the way Python does, so
the same command works everywhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

# Set before any child imports rfdetr, albumentations or mlflow: their import-time update checks hang offline.
QUIET_ENVIRONMENT = {
    "NO_ALBUMENTATIONS_UPDATE": "1",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "PYTHONUNBUFFERED": "1",
}
_CV2_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")


@dataclass
class ChildResult:
    ok: bool
    data: dict[str, Any]
    error: str = ""


def module_command(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def child_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **QUIET_ENVIRONMENT, **(extra or {})}
    for name in _CV2_QT_VARIABLES:
        env.pop(name, None)
    if not getattr(sys, "frozen", False):
        # The child must import this very package, wherever the parent found it.
        import soccer_desktop

        package_root = os.path.dirname(os.path.dirname(os.path.abspath(soccer_desktop.__file__)))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    return env


def run_json_module(module: str, *args: str, timeout: float, extra_env: dict[str, str] | None = None) -> ChildResult:
    """Run the module; its last stdout line is a JSON object. Failures and timeouts come back as text."""
    try:
        completed = subprocess.run(module_command(module, *args), capture_output=True, text=True, timeout=timeout,
                                   env=child_environment(extra_env), stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return ChildResult(False, {}, f"no answer within {timeout:g} s")
    except OSError as error:
        return ChildResult(False, {}, f"could not start ({error.strerror or error})")
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        last = (completed.stderr.strip().splitlines() or [f"exit status {completed.returncode}"])[-1]
        return ChildResult(False, {}, last)
    try:
        data = json.loads(lines[-1])
    except ValueError:
        return ChildResult(False, {}, f"unreadable answer: {lines[-1][:200]}")
    return ChildResult(True, data)
