"""Benchmark: rendering an analysis into an MP4 against plain decode + encode of the same clip.

Run as a script: ``python tests/bench/bench_render.py [--frames N] [--size WxH]``.

* baseline: every frame read by the frame-accurate reader and encoded again with the same encoder
  settings (libx264, the render's preset), nothing drawn.
* render: :func:`soccer_desktop.analysis.render.render_video` with 25 boxes per frame moving a few
  pixels per frame (as tracked players do), score labels and the ball trail. Target: render >= 0.8x the baseline's frames/s.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

os.environ.setdefault("SOCCER_DESKTOP_HOME", tempfile.mkdtemp(prefix="bench-render-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import av  # noqa: E402

from soccer_desktop.analysis import store  # noqa: E402
from soccer_desktop.analysis.render import ENCODER_OPTIONS, render_video  # noqa: E402
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project  # noqa: E402
from soccer_desktop.video.library import add_video  # noqa: E402
from soccer_desktop.video.reader import VideoReader  # noqa: E402
from tests.detect.clips import write_pitch_clip  # noqa: E402


def decode_encode(clip: Path, out: Path) -> int:
    with VideoReader(clip) as reader, av.open(str(out), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=Fraction(reader.info.fps).limit_denominator(1001))
        stream.width, stream.height, stream.pix_fmt = reader.info.width, reader.info.height, "yuv420p"
        stream.options = ENCODER_OPTIONS
        for index in range(reader.frame_count):
            for packet in stream.encode(av.VideoFrame.from_ndarray(reader.read(index), format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        return reader.frame_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    rng = random.Random(0)
    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        clip = write_pitch_clip(Path(folder) / "clip.mp4", frames=args.frames, width=width, height=height)
        with Project.create(Path(folder) / "p") as project:
            video, _ = add_video(project, clip)
            analysis = store.create_analysis(project, video.id, "bench", "bench")
            # 24 players and a ball that move a few pixels per frame, as tracked objects do.
            starts = [(rng.uniform(100, width - 140), rng.uniform(100, height - 180), rng.uniform(-3, 3),
                       rng.uniform(-2, 2)) for _ in range(25)]  # fmt: skip
            store.write_frames(project, analysis.id, [
                (i, [NewBox(ClassId.PLAYER if k else ClassId.BALL, x + vx * i, y + vy * i, 30 if k else 9,
                            70 if k else 9, round(0.5 + 0.4 * ((i + k) % 5) / 5, 2), BoxSource.PSEUDO)
                     for k, (x, y, vx, vy) in enumerate(starts)])
                for i in range(args.frames)])  # fmt: skip
            base = ours = float("inf")
            for _ in range(2):
                started = time.perf_counter()
                decode_encode(clip, Path(folder) / "plain.mp4")
                base = min(base, time.perf_counter() - started)
                started = time.perf_counter()
                render_video(project, analysis.id, Path(folder) / "overlay.mp4")
                ours = min(ours, time.perf_counter() - started)
    print(f"{args.frames} frames of {width}x{height}, 25 boxes per frame")
    print(f"decode + encode: {args.frames / base:.1f} frames/s; render with overlays: {args.frames / ours:.1f} "
          f"frames/s; ratio {base / ours:.2f}x (target >= 0.8x)")  # fmt: skip


if __name__ == "__main__":
    main()
