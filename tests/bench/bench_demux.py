"""Benchmark: motion proposals demux a video once, not once per group of frames.

Run as a script: ``python tests/bench/bench_demux.py [--minutes M]``. It writes a
small-resolution clip of M minutes (default 10) at 25 fps with a keyframe every
10 s, adds it to a fresh project and extracts one frame every 10 s, then pseudo-
labels those frames with motion proposals, whose groups span two minutes each.

* baseline: the old behaviour, every group demuxes the whole file again (the
  in-memory index is dropped before each group, and no project cache is used);
* now: a new session (nothing in memory) with the project's cached index, then
  a new session without it (one demux for every group).

It prints the demux count and time of each, and the ratio baseline / now.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from soccer_desktop.detect.motion import MotionProposals  # noqa: E402
from soccer_desktop.detect.pseudo_label import _groups, pseudo_label, select_frames  # noqa: E402
from soccer_desktop.project.store import Project  # noqa: E402
from soccer_desktop.video import frame_index  # noqa: E402
from soccer_desktop.video.extract import ExtractionStrategy, extract_frames  # noqa: E402
from soccer_desktop.video.library import add_video  # noqa: E402
from tests.media import write_index_clip  # noqa: E402


class ForgetfulMotion(MotionProposals):
    """Motion proposals as they were: each group of frames indexes the video anew."""

    def for_frames(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        frame_index.forget_in_memory()
        return super().for_frames(*args, **kwargs)


def measure(project: Project, factory: MotionProposals) -> tuple[int, float]:
    frames = select_frames(project)
    before, start = frame_index.demux_count(), time.perf_counter()
    pseudo_label(project, factory, frames, resume=False)
    return frame_index.demux_count() - before, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-demux-") as folder:
        root = Path(folder)
        frames = int(args.minutes * 60 * 25)
        started = time.perf_counter()
        clip = write_index_clip(root / "match.mp4", frame_count=frames, gop=250, b_frames=2)
        print(f"clip: {args.minutes:g} min, {frames} frames, {clip.stat().st_size / 1e6:.1f} MB, "
              f"written in {time.perf_counter() - started:.1f} s")
        with Project.create(root / "project") as project:
            add_video(project, clip)
            extract_frames(project, None, ExtractionStrategy(every_n=250, min_change=0))
            groups = len(list(_groups(project, select_frames(project))))
            cache = frame_index.index_dir(project.root)

            baseline_demuxes, baseline_s = measure(project, ForgetfulMotion())
            frame_index.forget_in_memory()
            cached_demuxes, cached_s = measure(project, MotionProposals(index_cache=cache))
            frame_index.forget_in_memory()
            shutil.rmtree(cache)
            fresh_demuxes, fresh_s = measure(project, MotionProposals(index_cache=cache))
        print(f"motion proposals over {groups} groups of frames:")
        print(f"  baseline (demux per group):        {baseline_demuxes:3d} demuxes, {baseline_s:6.2f} s")
        print(f"  now, index cached in the project:  {cached_demuxes:3d} demuxes, {cached_s:6.2f} s")
        print(f"  now, first run (nothing cached):   {fresh_demuxes:3d} demuxes, {fresh_s:6.2f} s")
        print(f"ratio baseline / now (first run): {baseline_s / fresh_s:.2f}x; "
              f"target: one demux -> {'met' if fresh_demuxes <= 1 and cached_demuxes == 0 else 'MISSED'}")
    return 0 if fresh_demuxes <= 1 and cached_demuxes == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
