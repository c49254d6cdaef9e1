"""Benchmark: tracking + ball filter + teams on a match's worth of generated detections, against real time.

Run as a script: ``python tests/bench/bench_tracking.py [--minutes M] [--fps F]``.
It generates ``M`` minutes (default 90) of detections at 25 fps: 25 people (two
teams of 11, their keepers in other kits, a referee and two assistants) walking
and sprinting over a 3840x1080 panorama with 5% of boxes missed and 0.7 px of
jitter, plus ball candidates (the real ball, a spot that never moves, a spare
ball for the second half, isolated false detections). The measured work is
:func:`compute_tracks`: ByteTrack over every frame, the ball filter, and team
assignment with kit colours read from a painted picture for every sampled frame
(video decoding is not part of it: that is the analysis job's cost). The
baseline is the match's own duration; the ratio is duration / processing time
(target >= 20x). Everything in it is linear in the number of frames, so
``--minutes 10`` measures a slice that scales to 90 minutes at the same ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from soccer_desktop.analysis.match_tracks import FrameGrabber, TrackingSettings, compute_tracks  # noqa: E402
from soccer_desktop.analysis.tracking import BoxColumns  # noqa: E402

WIDTH, HEIGHT = 3840, 1080
KITS = [(40, 40, 205)] * 10 + [(205, 110, 30)] * 10 + [(0, 140, 255), (150, 40, 125)] + [(20, 225, 240)] * 3


def generate(frames: int, seed: int = 0) -> tuple[BoxColumns, BoxColumns, np.ndarray, np.ndarray]:
    """Player and ball detections, and each person's path (frames, 25, 2) and box height for painting."""
    rng = np.random.default_rng(seed)
    people = len(KITS)
    home = np.stack([np.r_[rng.uniform(300, 1900, 10), rng.uniform(1900, 3500, 10), 250, 3590,
                           rng.uniform(800, 3000, 3)], rng.uniform(380, 1000, people)], axis=1)  # fmt: skip
    # Smooth wandering around home spots: a sum of slow sines per person (up to ~4 px a frame).
    t = np.arange(frames)[:, None]
    path = home[None].repeat(frames, axis=0)
    for k in range(3):
        period = rng.uniform(150, 900, (people, 2))
        amplitude = rng.uniform(40, 250, (people, 2)) / (k + 1)
        phase = rng.uniform(0, 2 * np.pi, (people, 2))
        path += amplitude[None] * np.sin(2 * np.pi * t[..., None] / period[None] + phase[None])
    path = np.clip(path, [20, 330], [WIDTH - 20, HEIGHT - 5])
    height = 24 + 14 * (path[..., 1] - 300) / 780
    keep = rng.random((frames, people)) > 0.05
    f, p = np.nonzero(keep)
    h = height[f, p] + rng.normal(0, 0.5, len(f))
    w = 0.42 * h
    xywh = np.stack([path[f, p, 0] - w / 2, path[f, p, 1] - h, w, h], axis=1) + rng.normal(0, 0.7, (len(f), 4)) * [
        1, 1, 0, 0]  # fmt: skip
    players = BoxColumns(f.astype(np.int64), xywh, np.clip(rng.normal(0.65, 0.1, len(f)), 0.3, 1.0))

    ball = np.stack([1900 + 1500 * np.sin(t[:, 0] / 400), 650 + 250 * np.sin(t[:, 0] / 170)], axis=1)
    rows = [(i, *ball[i], 0.7) for i in range(frames) if rng.random() > 0.15]
    rows += [(i, 1500.0, 640.0, 0.5) for i in range(0, frames, 2)]  # a line spot half of the time
    rows += [(i, 3700.0, 1010.0, 0.6) for i in range(frames // 2, frames, 3)]  # a spare ball
    rows += [(int(i), *rng.uniform([100, 330], [3700, 1040]), 0.4) for i in rng.choice(frames, frames // 10)]
    rows.sort(key=lambda r: r[0])
    data = np.array(rows)
    ball_boxes = np.concatenate([data[:, 1:3] - 4, np.full((len(data), 2), 8.0)], axis=1)
    balls = BoxColumns(data[:, 0].astype(np.int64), ball_boxes, data[:, 3])
    return players, balls, path, height


def painted_frames(path: np.ndarray, height: np.ndarray) -> FrameGrabber:
    """A grabber painting each wanted frame's people as kit-coloured figures on grass (no video decoding)."""
    grass = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    grass[...] = (50, 138, 60)

    def grab(indices: Iterable[int]) -> Iterator[tuple[int, np.ndarray]]:
        for index in sorted(set(indices)):
            patches = []
            for person, kit in enumerate(KITS):
                x, y = path[index, person]
                h = height[index, person]
                x0, x1, y0, y1 = int(x - 0.2 * h), int(x + 0.2 * h) + 1, int(y - 0.85 * h), int(y - 0.45 * h) + 1
                patches.append((slice(y0, y1), slice(x0, x1)))
                grass[y0:y1, x0:x1] = kit
            yield index, grass
            for rows, cols in patches:
                grass[rows, cols] = (50, 138, 60)

    return grab


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=90.0)
    parser.add_argument("--fps", type=int, default=25)
    args = parser.parse_args()
    frames = round(args.minutes * 60 * args.fps)
    players, balls, path, height = generate(frames)
    print(f"{args.minutes:g} min at {args.fps} fps: {frames} frames, {len(players)} player boxes, "
          f"{len(balls)} ball candidates")  # fmt: skip
    warm_players, warm_balls, warm_path, warm_height = generate(50, seed=1)  # imports and first calls
    compute_tracks(warm_players, warm_balls, float(args.fps), grab=painted_frames(warm_path, warm_height))
    wall, cpu = time.perf_counter(), time.process_time()
    result = compute_tracks(players, balls, float(args.fps), TrackingSettings(), grab=painted_frames(path, height))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    duration = frames / args.fps
    tracks = len(set(result.player_track[result.player_track > 0].tolist()))
    teams = result.teams.team if result.teams else {}
    print(f"tracks {tracks}, ball kept {int(result.ball.kept.sum())} / ghosts {int(result.ball.ghost.sum())}, "
          f"filled {len(result.ball.filled_frames)}, team sizes {np.bincount(list(teams.values()), minlength=3)}")
    print(f"processing: {wall:.1f} s wall, {cpu:.1f} s CPU; match duration (baseline): {duration:.0f} s")
    print(f"ratio: {duration / wall:.1f}x real time (wall), {duration / cpu:.1f}x (CPU)  [target >= 20x]")


if __name__ == "__main__":
    main()
