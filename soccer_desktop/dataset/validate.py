"""Checks that a COCO dataset folder is what RF-DETR needs, and a readable report of what is in it.

A dataset is checked the way training will read it: pycocotools loads every
annotation file; ids are unique; the categories are exactly player (1) and
ball (2); every box is at least 1 px and inside its image; every image file
exists with the size its entry states; no frame of a video sits in two
splits. Problems are listed one per line naming the split, the image and the
annotation id. Both layouts are found: ``SPLIT/_annotations.coco.json`` with
the images beside it (Roboflow / RF-DETR) and
``SPLIT/annotations/*.json`` with ``SPLIT/images/``.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from pycocotools.coco import COCO

from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, check_cancel, never_cancelled, no_progress
from soccer_desktop.dataset.coco import (
    VALID_SPLIT_NAMES,
    CocoAnnotation,
    CocoFile,
    CocoFormatError,
    CocoImage,
    category_problem,
    read_coco,
    small_valid_split,
)
from soccer_desktop.dataset.common import CATEGORY_NAMES, DatasetError, image_size
from soccer_desktop.project.store import ClassId

#: Upper edges (px, longest box side) of the size histogram bins; the last bin is open.
SIZE_BIN_EDGES = (8, 15, 32, 64, 128)
SIZE_BIN_LABELS = ("<8", "8-15", "15-32", "32-64", "64-128", ">=128")
SMALL_BALL_PX = 15
#: Slack for float rounding when checking that a box lies inside its image.
EDGE_TOLERANCE_PX = 1e-6



@dataclass(frozen=True)
class AnnotationFile:
    split: str
    path: Path
    image_dir: Path


@dataclass
class SplitStats:
    images: int = 0
    negatives: int = 0
    ball_frames: int = 0
    small_balls: int = 0
    boxes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORY_NAMES.values(), 0))
    sizes: dict[str, list[int]] = field(
        default_factory=lambda: {name: [0] * len(SIZE_BIN_LABELS) for name in CATEGORY_NAMES.values()}
    )

    def add(self, other: SplitStats) -> None:
        self.images += other.images
        self.negatives += other.negatives
        self.ball_frames += other.ball_frames
        self.small_balls += other.small_balls
        for name in self.boxes:
            self.boxes[name] += other.boxes[name]
            self.sizes[name] = [a + b for a, b in zip(self.sizes[name], other.sizes[name], strict=True)]


@dataclass
class ValidationReport:
    root: Path
    files: list[AnnotationFile]
    stats: dict[str, SplitStats]
    problems: list[str]
    warnings: list[str]
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def total(self) -> SplitStats:
        total = SplitStats()
        for stats in self.stats.values():
            total.add(stats)
        return total

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": len(self.problems), "warnings": list(self.warnings)}

    def format(self) -> str:
        """The report as text for a terminal or a dialog."""
        lines = [f"Dataset {self.root}"]
        lines += [f"  {entry.split}: {entry.path.relative_to(self.root)}" for entry in self.files]
        header = ("split", "images", "negatives", "player", "ball", "ball frames", f"balls <{SMALL_BALL_PX} px")
        rows = [header]
        for name, stats in [*self.stats.items(), ("total", self.total())]:
            rows.append((name, str(stats.images), str(stats.negatives), str(stats.boxes["player"]),
                         str(stats.boxes["ball"]), str(stats.ball_frames), str(stats.small_balls)))
        lines += _table(rows)
        lines.append("Box sizes (longest side, px):")
        total = self.total()
        lines += _table([("class", *SIZE_BIN_LABELS)] + [(name, *map(str, total.sizes[name])) for name in total.sizes])
        lines += [f"warning: {text}" for text in self.warnings]
        if self.problems:
            lines.append(f"{len(self.problems)} problems:")
            lines += [f"  {problem}" for problem in self.problems]
        else:
            lines.append("No problems found.")
        return "\n".join(lines)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as text columns: the first left-aligned, the numbers right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) if i == 0 else cell.rjust(width)
                 for i, (cell, width) in enumerate(zip(row, widths, strict=True))]
        lines.append("  " + "  ".join(cells))
    return lines


def find_annotation_files(root: Path) -> list[AnnotationFile]:
    """The COCO files of a dataset folder, in either layout, with the folder their images are in."""
    found: list[AnnotationFile] = []

    def split_name(folder: Path) -> str:
        return folder.relative_to(root).as_posix() if folder != root else root.name

    for path in sorted(root.rglob("_annotations.coco.json")):
        found.append(AnnotationFile(split_name(path.parent), path, path.parent))
    for path in sorted(root.rglob("annotations/*.json")):
        split_dir = path.parent.parent
        images = split_dir / "images"
        found.append(AnnotationFile(split_name(split_dir), path, images if images.is_dir() else split_dir))
    order = {name: rank for rank, name in enumerate(("train", "valid", "val", "test"))}
    return sorted(found, key=lambda entry: (order.get(entry.split, len(order)), entry.split))


class _FileChecker:
    """Checks one annotation file and adds its numbers to the report.

    The shared reader (:mod:`.coco`) checks the file's structure and notes each broken
    entry; this adds what training needs beyond it: exactly player and ball, images on
    disk at the stated size, boxes at least 1 px and inside their image.
    """

    def __init__(self, entry: AnnotationFile, problems: list[str], cancel: CancelCheck) -> None:
        self.entry = entry
        self.problems = problems
        self.cancel = cancel
        self.stats = SplitStats()

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.entry.split}: {text}")

    def load(self) -> CocoFile | None:
        structure: list[str] = []
        try:
            coco = read_coco(self.entry.path, structure)
        except CocoFormatError as error:
            self.problem(str(error))
            return None
        for text in structure:
            self.problem(text)
        if structure:
            return coco  # pycocotools would trip over the broken entries the reader left out
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints progress lines
                loaded = COCO()
                loaded.dataset = coco.document
                loaded.createIndex()
        except (KeyError, TypeError, AttributeError) as error:
            self.problem(f"pycocotools cannot load {coco.path.name} ({type(error).__name__}: {error}). "
                         "Export the dataset again.")
            return None
        return coco

    def check_images(self, images: list[CocoImage]) -> dict[int, CocoImage]:
        names: dict[str, int] = {}
        folder = str(self.entry.image_dir)
        for number, image in enumerate(images):
            if number % 256 == 0:
                check_cancel(self.cancel)
            label = f"image {image.id} {image.file_name!r}"
            if not image.file_name:
                self.problem(f"{label}: 'file_name' is missing")
                continue
            if image.file_name in names:
                self.problem(f"{label}: file name also used by image {names[image.file_name]}")
            names[image.file_name] = image.id
            path = os.path.join(folder, image.file_name)
            try:
                actual = image_size(path)
            except DatasetError as error:
                missing = not os.path.isfile(path)
                self.problem(f"{label}: " + (f"the file is missing (expected {path})" if missing else str(error)))
                continue
            if actual != (image.width, image.height):
                self.problem(f"{label}: the file is {actual[0]}x{actual[1]} but the entry says "
                             f"{image.width}x{image.height}")
        return {image.id: image for image in images}

    def check_annotations(self, annotations: list[CocoAnnotation], images: dict[int, CocoImage]) -> dict[int, list[int]]:
        classes_of: dict[int, list[int]] = {}
        slack = EDGE_TOLERANCE_PX
        boxes, histogram = self.stats.boxes, self.stats.sizes
        for number, ann in enumerate(annotations):
            if number % 1024 == 0:
                check_cancel(self.cancel)
            image = images[ann.image_id]
            x, y, w, h = ann.x, ann.y, ann.w, ann.h
            label = f"annotation {ann.id} (image {ann.image_id} {image.file_name!r})"
            if ann.category_id not in CATEGORY_NAMES:
                self.problem(f"{label}: category_id {ann.category_id!r} is not player (1) or ball (2)")
                continue
            shown = f"[{x:g}, {y:g}, {w:g}, {h:g}]"
            if w < 1 or h < 1:
                self.problem(f"{label}: bbox {shown} is smaller than 1 px")
            if x < -slack or y < -slack or x + w > image.width + slack or y + h > image.height + slack:
                self.problem(f"{label}: bbox {shown} reaches outside the {image.width}x{image.height} image")
            if not (_number(ann.area) and ann.area > 0):
                self.problem(f"{label}: 'area' {ann.area!r} is not a positive number")
            if ann.iscrowd != 0:
                self.problem(f"{label}: iscrowd is {ann.iscrowd!r}; expected 0")
            name = CATEGORY_NAMES[ann.category_id]
            side = max(w, h)
            boxes[name] += 1
            histogram[name][bisect.bisect_right(SIZE_BIN_EDGES, side)] += 1
            if ann.category_id == ClassId.BALL and side < SMALL_BALL_PX:
                self.stats.small_balls += 1
            classes_of.setdefault(ann.image_id, []).append(ann.category_id)
        return classes_of

    def run(self, seen_frames: dict[tuple[str, int], str]) -> None:
        coco = self.load()
        if coco is None:
            return
        wrong_categories = category_problem(coco)
        if wrong_categories is not None:
            self.problem(wrong_categories)
        images = self.check_images(coco.images)
        classes_of = self.check_annotations(coco.annotations, images)
        self.stats.images = len(images)
        for image_id, image in images.items():
            classes = classes_of.get(image_id, [])
            self.stats.negatives += not classes
            self.stats.ball_frames += int(ClassId.BALL) in classes
            if image.video is not None and image.frame_index is not None:
                other = seen_frames.setdefault((image.video, image.frame_index), self.entry.split)
                if other != self.entry.split:
                    self.problem(
                        f"image {image_id} {image.file_name!r}: frame {image.frame_index} of {image.video} is also "
                        f"in {other}, so the split leaks. Export the dataset again."
                    )


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def balance_warnings(counts: Mapping[str, Mapping[str, int]]) -> list[str]:
    """What makes a dataset weak for training, from its counts per split (``images``, ``ball``, ``ball_frames``).

    Shared by the export (every format) and the validation report, so both say the same.
    """
    notes: list[str] = []
    if counts and sum(c["ball"] for c in counts.values()) == 0:
        notes.append("There are no ball boxes: a detector trained on this will not find the ball.")
    for name, split in counts.items():
        if name.rsplit("/", 1)[-1] not in VALID_SPLIT_NAMES:
            continue
        small = small_valid_split(name, split["images"])
        if small is not None:
            notes.append(small)
        elif split["ball_frames"] == 0 and any(c["ball_frames"] for c in counts.values()):
            notes.append(f"{name} has no ball frames, so the ball cannot be scored.")
    return notes


def validate_dataset(
    root: Path | str, progress: ProgressCallback = no_progress, cancel: CancelCheck = never_cancelled
) -> ValidationReport:
    """Check every COCO file under ``root`` and count what it holds; raises only when there is none."""
    start = time.perf_counter()
    root = Path(root).expanduser().resolve()
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder. Choose the dataset folder (it holds train/ and valid/).")
    files = find_annotation_files(root)
    if not files:
        raise DatasetError(
            f"{root} holds no COCO annotation file. Expected train/_annotations.coco.json (RF-DETR layout) "
            "or train/annotations/annotations.json; choose the folder an export wrote."
        )
    problems: list[str] = []
    stats: dict[str, SplitStats] = {}
    seen_frames: dict[tuple[str, int], str] = {}
    for number, entry in enumerate(files):
        progress(Progress(number, len(files), f"Checking {entry.split}"))
        checker = _FileChecker(entry, problems, cancel)
        checker.run(seen_frames)
        stats.setdefault(entry.split, SplitStats()).add(checker.stats)
    progress(Progress(len(files), len(files), "Checked"))
    counts = {
        name: {"images": s.images, "ball": s.boxes["ball"], "ball_frames": s.ball_frames} for name, s in stats.items()
    }
    return ValidationReport(root, files, stats, problems, balance_warnings(counts), time.perf_counter() - start)
