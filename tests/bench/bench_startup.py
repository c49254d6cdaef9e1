"""Time to a visible main window, as a ratio against a bare PySide6 window started the same way.

Run: ``python tests/bench/bench_startup.py`` (offscreen unless QT_QPA_PLATFORM is set).
Target (issue 2): at most 2x.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = 7

BARE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow(); window.resize(1400, 850); window.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
app.exec()
"""

OURS = """
from PySide6.QtCore import QTimer
from soccer_desktop.gui.app import create_window
app, window = create_window(); window.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
app.exec()
"""


def time_to_window(code: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall time until the window is shown, and the CPU time the process used in all."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - start
    process.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if line.strip() != "shown":
        raise RuntimeError("the window did not come up")
    return elapsed, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env["SOCCER_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="bench-startup-")
    time_to_window(BARE, env), time_to_window(OURS, env)  # warm the file cache
    bare_runs, our_runs = [], []
    for _ in range(RUNS):  # interleaved, so a busy moment hits both alike
        bare_runs.append(time_to_window(BARE, env))
        our_runs.append(time_to_window(OURS, env))
    for label, index in (("wall", 0), ("CPU", 1)):
        bare = statistics.median(run[index] for run in bare_runs)
        ours = statistics.median(run[index] for run in our_runs)
        print(f"{label}: bare PySide6 window {bare * 1000:.0f} ms, Soccer Desktop main window {ours * 1000:.0f} ms "
              f"(medians of {RUNS}); ratio {ours / bare:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
