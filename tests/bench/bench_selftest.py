"""``soccer-desktop self-test`` wall time against the unavoidable part: importing the stack it checks.

Run: ``python tests/bench/bench_selftest.py``. Target (issue 13): the self-test under a minute on a CPU;
the ratio shows how much it adds to the bare imports (one Nano forward pass, a window, a clip).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMPORTS = "import torch, torchvision, rfdetr, sahi, mlflow, albumentations, PySide6.QtWidgets, pyqtgraph, cv2, av"


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SOCCER_DESKTOP_HOME": tempfile.mkdtemp(prefix="bench-st-"),
           "NO_ALBUMENTATIONS_UPDATE": "1", "MLFLOW_DISABLE_TELEMETRY": "true", "HF_HUB_OFFLINE": "1",
           "PYTHONPATH": str(ROOT)}
    timed(["-c", IMPORTS], env)  # warm the file cache
    baseline = timed(["-c", IMPORTS], env)
    self_test = timed(["-m", "soccer_desktop", "self-test"], env)
    print(f"bare imports {baseline:.1f} s, self-test {self_test:.1f} s; ratio {self_test / baseline:.2f}x "
          f"(target: self-test under 60 s on a CPU: {'met' if self_test < 60 else 'NOT met'})")


if __name__ == "__main__":
    main()
