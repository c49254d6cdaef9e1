"""Benchmark: building the demo project, against the demo as it was (render the clip, add the video).

Run as a script: ``python tests/bench/bench_demo.py [--seconds S]``.
The baseline renders the synthetic match and adds it to a new project (what
the demo used to be). The full build does that too, then imports the ground
truth of every 50th frame as reviewed, extracts every 25th frame and runs
motion pseudo-labels on them. Both are timed in the same run (wall and CPU
time); the ratio is full build / baseline.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from soccer_desktop.demo import DEMO_SECONDS, build_demo_project  # noqa: E402
from soccer_desktop.project.store import Project  # noqa: E402
from soccer_desktop.video.library import add_video  # noqa: E402
from soccer_desktop.video.synthetic import generate_match  # noqa: E402


def timed(fn) -> tuple[float, float]:  # noqa: ANN001
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def baseline(folder: Path, seconds: float) -> None:
    demo = generate_match(folder / "media", seconds=seconds)
    with Project.open_or_create(folder) as project:
        add_video(project, demo.video, demo.events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=DEMO_SECONDS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        base_wall, base_cpu = timed(lambda: baseline(root / "baseline", args.seconds))
        full_wall, full_cpu = timed(lambda: build_demo_project(root / "demo", seconds=args.seconds))
        with Project.open(root / "demo") as project:
            counts = project.counts()
    print(f"demo of {args.seconds:g} s: {counts}")
    print(f"baseline (render + add video): {base_wall:.1f} s wall, {base_cpu:.1f} s CPU")
    print(f"full demo build:               {full_wall:.1f} s wall, {full_cpu:.1f} s CPU")
    print(f"ratio full / baseline: {full_wall / base_wall:.2f} wall, {full_cpu / base_cpu:.2f} CPU")


if __name__ == "__main__":
    main()
