"""Benchmark: a 90-minute match's detections in the project database, and reading one frame's boxes.

Run as a script: ``python tests/bench/bench_detection_store.py [--boxes N] [--per-frame K]``.

* write: ``N`` boxes (default 3.5 million: 25 boxes on each of 140,000 frames, 93 minutes at 25 fps)
  stored through :func:`soccer_desktop.analysis.store.write_frames`, 1,000 frames per transaction;
  boxes per second and database growth per box are printed.
* read: one frame's boxes (what the overlay asks for on every painted frame), for 2,000 random
  frames and 2,000 consecutive ones, plus the ball-trail read (12 frames of balls). Target < 1 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from soccer_desktop.analysis import store  # noqa: E402
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project  # noqa: E402

CHUNK = 1000


def database_bytes(root: Path) -> int:
    return sum(f.stat().st_size for f in root.glob("project.db*"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=3_500_000)
    parser.add_argument("--per-frame", type=int, default=25)
    args = parser.parse_args()
    frames = args.boxes // args.per_frame
    rng = random.Random(0)
    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder, Project.create(Path(folder) / "p") as project:
        fake_video = Path(folder) / "match.mp4"
        fake_video.write_bytes(b"\0")
        video = project.add_video(fake_video, width=3840, height=1080, fps=25.0, frame_count=frames)
        analysis = store.create_analysis(project, video.id, "bench", "bench")
        project.read("PRAGMA wal_checkpoint(TRUNCATE)")
        empty = database_bytes(project.root)
        started = time.perf_counter()
        for start in range(0, frames, CHUNK):
            chunk = []
            for index in range(start, min(start + CHUNK, frames)):
                boxes = [NewBox(ClassId.PLAYER, rng.uniform(0, 3800), rng.uniform(0, 1000), rng.uniform(8, 30),
                                rng.uniform(20, 80), rng.random(), BoxSource.PSEUDO)
                         for _ in range(args.per_frame - 1)]  # fmt: skip
                boxes.append(NewBox(ClassId.BALL, rng.uniform(0, 3830), rng.uniform(0, 1070), 9, 9, rng.random(),
                                    BoxSource.PSEUDO))  # fmt: skip
                chunk.append((index, boxes))
            store.write_frames(project, analysis.id, chunk)
        write_s = time.perf_counter() - started
        project.read("PRAGMA wal_checkpoint(TRUNCATE)")
        grown = database_bytes(project.root) - empty
        total = frames * args.per_frame
        print(f"write: {total:,} boxes on {frames:,} frames in {write_s:.1f} s ({total / write_s:,.0f} boxes/s); "
              f"database +{grown / 2**20:.0f} MiB = {grown / total:.1f} bytes per box")

        def timed(label: str, indices: list[int], read: object) -> None:
            started = time.perf_counter()
            found = sum(len(read(i)) for i in indices)  # type: ignore[operator]
            per_ms = (time.perf_counter() - started) * 1000 / len(indices)
            verdict = "OK" if per_ms < 1.0 else "SLOWER than the 1 ms target"
            print(f"{label}: {per_ms:.3f} ms per frame ({found / len(indices):.1f} boxes) — {verdict}")

        random_frames = [rng.randrange(frames) for _ in range(2000)]
        first = rng.randrange(frames - 2000)
        timed("read one frame, random frames", random_frames, lambda i: store.frame_detections(project, analysis.id, i))
        timed("read one frame, consecutive frames", list(range(first, first + 2000)),
              lambda i: store.frame_detections(project, analysis.id, i))  # fmt: skip
        timed("ball trail (12 frames of balls)", random_frames,
              lambda i: store.detections_between(project, analysis.id, max(0, i - 12), i - 1, ClassId.BALL))  # fmt: skip


if __name__ == "__main__":
    os.environ.setdefault("SOCCER_DESKTOP_HOME", tempfile.mkdtemp(prefix="bench-store-home-"))
    main()
