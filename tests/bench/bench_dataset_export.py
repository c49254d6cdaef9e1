"""Benchmark: COCO dataset export against a plain copy of the same images plus one JSON dump.

Run as a script: ``python tests/bench/bench_dataset_export.py [--frames N] [--repeats R]``.
It builds a temporary project of N small frames (160x90 JPEGs from two
videos, 12 players on each and the ball on most, about 13 boxes a frame).
The baseline copies every image file into a folder and writes the same
images and annotations as one ``json.dumps`` (the data already built).
The export additionally reads the project, splits by time blocks, writes
one file per split and the manifest, and validates the result (pycocotools
load, every box, every image header). Runs alternate and the best of each
is kept. The ratio is export time / baseline time (target <= 2); it is given
for wall time and for CPU time, which other load on the machine disturbs less.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from soccer_desktop.dataset.export import export_dataset  # noqa: E402
from soccer_desktop.dataset.selection import select_frames  # noqa: E402
from soccer_desktop.project.store import ClassId, Project  # noqa: E402

WIDTH, HEIGHT = 160, 90


def build_project(root: Path, frames: int) -> Project:
    """A project with ``frames`` reviewed frames from two videos, every 5th frame of each."""
    rng = np.random.default_rng(0)
    variants = []
    for _ in range(16):
        ok, data = cv2.imencode(".jpg", rng.integers(0, 255, (HEIGHT, WIDTH, 3), dtype=np.uint8))
        assert ok
        variants.append(data.tobytes())
    project = Project.create(root / "project")
    per_video = frames // 2
    with project.transaction() as db:
        for number in range(2):
            stand_in = root / f"match{number}.mp4"
            stand_in.write_bytes(b"stand-in video")
            video = project.add_video(stand_in, width=WIDTH, height=HEIGHT, fps=25.0, frame_count=per_video * 5)
            folder = project.frames_dir / f"v{video.id:04d}"
            folder.mkdir(parents=True)
            for position in range(per_video + (frames % 2 if number else 0)):
                index = position * 5
                path = folder / f"{index:07d}.jpg"
                path.write_bytes(variants[position % len(variants)])
                cursor = db.execute(
                    "INSERT INTO frames(video_id, frame_index, timestamp_s, image_path, width, height, reviewed) "
                    "VALUES (?, ?, ?, ?, ?, ?, 1)",
                    (video.id, index, index / 25.0, path.relative_to(project.root).as_posix(), WIDTH, HEIGHT),
                )
                boxes = [(int(ClassId.PLAYER), *rng.uniform([0, 0], [WIDTH - 8, HEIGHT - 16]), 7.5, 15.0)
                         for _ in range(12)]
                if rng.random() < 0.8:
                    boxes.append((int(ClassId.BALL), *rng.uniform([0, 0], [WIDTH - 3, HEIGHT - 3]), 2.5, 2.5))
                db.executemany(
                    "INSERT INTO boxes(frame_id, class_id, x, y, w, h, source) VALUES (?, ?, ?, ?, ?, ?, 'manual')",
                    [(cursor.lastrowid, c, float(x), float(y), w, h) for c, x, y, w, h in boxes],
                )
    return project


def baseline_data(project: Project) -> tuple[list[Path], dict[str, Any]]:
    """The same image files and the same COCO content, built before the clock starts."""
    selection = select_frames(project)
    files = [project.image_file(item.frame) for item in selection.frames]
    images = [{"id": i.frame.id, "file_name": f"{i.frame.id}.jpg", "width": i.frame.width, "height": i.frame.height}
              for i in selection.frames]
    annotations = [{"id": b.id, "image_id": i.frame.id, "category_id": int(b.class_id), "bbox": [b.x, b.y, b.w, b.h],
                    "area": b.w * b.h, "iscrowd": 0} for i in selection.frames for b in i.boxes]
    categories = [{"id": 1, "name": "player"}, {"id": 2, "name": "ball"}]
    return files, {"images": images, "annotations": annotations, "categories": categories}


class Clock:
    """Wall time and CPU time (user + system) of a block: CPU time barely moves when others load the machine."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def run_baseline(files: list[Path], data: dict[str, Any], out: Path) -> Clock:
    with Clock() as clock:
        out.mkdir(parents=True)
        for number, path in enumerate(files):
            shutil.copyfile(path, out / f"{number}.jpg")
        (out / "annotations.json").write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return clock


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dataset-") as temporary:
        root = Path(temporary)
        start = time.perf_counter()
        project = build_project(root, args.frames)
        counts = project.counts()
        print(f"Built {counts['frames']} frames with {counts['player_boxes']} player and {counts['ball_boxes']} "
              f"ball boxes in {time.perf_counter() - start:.1f} s")
        files, data = baseline_data(project)
        baseline_wall = baseline_cpu = export_wall = export_cpu = validation = float("inf")
        for repeat in range(args.repeats):
            baseline = run_baseline(files, data, root / f"baseline{repeat}")
            baseline_wall, baseline_cpu = min(baseline_wall, baseline.wall), min(baseline_cpu, baseline.cpu)
            with Clock() as export:
                result = export_dataset(project, root / f"export{repeat}")
            assert result.validation is not None and result.validation.ok, result.validation
            if export.wall < export_wall:
                export_wall, validation = export.wall, result.validation.seconds
            export_cpu = min(export_cpu, export.cpu)
        project.close()
    boxes = len(data["annotations"])
    print(f"baseline (copy {len(files)} images + json.dumps of {boxes} boxes): "
          f"{baseline_wall:.3f} s wall, {baseline_cpu:.3f} s CPU")
    print(f"export (coco, incl. validation {validation:.3f} s): {export_wall:.3f} s wall, {export_cpu:.3f} s CPU")
    ratio = export_wall / baseline_wall
    print(f"ratio export / baseline: {ratio:.2f}x wall (target <= 2x: {'met' if ratio <= 2.0 else 'MISSED'}), "
          f"{export_cpu / baseline_cpu:.2f}x CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
