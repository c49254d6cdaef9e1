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
import json
import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from pycocotools.coco import COCO

from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, check_cancel, never_cancelled, no_progress
from soccer_desktop.dataset.common import CATEGORY_NAMES, DatasetError, image_size
from soccer_desktop.project.store import ClassId

#: Upper edges (px, longest box side) of the size histogram bins; the last bin is open.
SIZE_BIN_EDGES = (8, 15, 32, 64, 128)
SIZE_BIN_LABELS = ("<8", "8-15", "15-32", "32-64", "64-128", ">=128")
SMALL_BALL_PX = 15
#: Fewer valid images than this gives a validation score too noisy to act on.
MIN_VALID_IMAGES = 5
VALID_SPLIT_NAMES = ("valid", "val")
#: Slack for float rounding when checking that a box lies inside its image.
EDGE_TOLERANCE_PX = 1e-6

_EXPECTED_CATEGORIES = sorted(CATEGORY_NAMES.items())


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


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class _FileChecker:
    """Checks one annotation file and adds its numbers to the report."""

    def __init__(self, entry: AnnotationFile, problems: list[str], cancel: CancelCheck) -> None:
        self.entry = entry
        self.problems = problems
        self.cancel = cancel
        self.stats = SplitStats()

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.entry.split}: {text}")

    def load(self) -> dict[str, Any] | None:
        name = self.entry.path.name
        try:
            data = json.loads(self.entry.path.read_bytes())
        except (OSError, ValueError) as error:
            self.problem(f"{name} cannot be read as JSON ({error}). Export the dataset again.")
            return None
        if not isinstance(data, dict):
            self.problem(f"{name} holds a {type(data).__name__}, not a COCO object. Export the dataset again.")
            return None
        for key in ("images", "annotations", "categories"):
            if not isinstance(data.get(key), list):
                self.problem(f"{name} has no '{key}' list. Export the dataset again.")
                return None
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints progress lines
                coco = COCO()
                coco.dataset = data
                coco.createIndex()
        except (KeyError, TypeError, AttributeError) as error:
            self.problem(f"pycocotools cannot load {name} ({type(error).__name__}: {error}). Export the dataset again.")
            return None
        return data

    def check_categories(self, categories: list[Any]) -> None:
        found = sorted((c.get("id"), c.get("name")) for c in categories if isinstance(c, dict))
        if found != _EXPECTED_CATEGORIES:
            self.problem(
                f"categories are {found}; expected exactly {_EXPECTED_CATEGORIES} (player = 1, ball = 2). "
                "Export the dataset again from Soccer Desktop, or import it and export it."
            )

    def check_images(self, images: list[Any]) -> dict[int, dict[str, Any]]:
        by_id: dict[int, dict[str, Any]] = {}
        names: dict[str, int] = {}
        folder = str(self.entry.image_dir)
        for number, image in enumerate(images):
            if number % 256 == 0:
                check_cancel(self.cancel)
            if not isinstance(image, dict) or not isinstance(image.get("id"), int) or isinstance(image.get("id"), bool):
                self.problem(f"images[{number}] has no integer 'id': {image!r:.120}")
                continue
            image_id, file_name = image["id"], image.get("file_name")
            if image_id in by_id:
                self.problem(f"image {image_id} {file_name!r}: id {image_id} is used twice "
                             f"(also by {by_id[image_id].get('file_name')!r})")
                continue
            by_id[image_id] = image
            if not isinstance(file_name, str) or not file_name:
                self.problem(f"image {image_id} {file_name!r}: 'file_name' is missing")
                continue
            if file_name in names:
                self.problem(f"image {image_id} {file_name!r}: file name also used by image {names[file_name]}")
            names[file_name] = image_id
            width, height = image.get("width"), image.get("height")
            if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
                self.problem(f"image {image_id} {file_name!r}: width/height {width!r}x{height!r} are not positive "
                             "integers")
                continue
            path = os.path.join(folder, file_name)
            try:
                actual = image_size(path)
            except DatasetError as error:
                missing = not os.path.isfile(path)
                self.problem(f"image {image_id} {file_name!r}: "
                             + (f"the file is missing (expected {path})" if missing else str(error)))
                continue
            if actual != (width, height):
                self.problem(f"image {image_id} {file_name!r}: the file is {actual[0]}x{actual[1]} but the entry "
                             f"says {width}x{height}")
        return by_id

    def explain_annotation(
        self, number: int, ann: Any, images: dict[int, dict[str, Any]], ids: set[int]
    ) -> tuple[int, float, float] | None:
        """Name every problem of an annotation the fast check refused; returns (category, w, h) if it counts."""
        if not isinstance(ann, dict) or not isinstance(ann.get("id"), int) or isinstance(ann.get("id"), bool):
            self.problem(f"annotations[{number}] has no integer 'id': {ann!r:.120}")
            return None
        ann_id, image_id = ann["id"], ann.get("image_id")
        image = images.get(image_id) if isinstance(image_id, int) else None
        label = f"annotation {ann_id} (image {image_id} {image.get('file_name') if image else None!r})"
        if ann_id in ids:
            self.problem(f"{label}: annotation id {ann_id} is used twice")
        ids.add(ann_id)
        if image is None:
            self.problem(f"{label}: image_id {image_id!r} is not in 'images'")
            return None
        category = ann.get("category_id")
        if not isinstance(category, int) or isinstance(category, bool) or category not in CATEGORY_NAMES:
            self.problem(f"{label}: category_id {category!r} is not player (1) or ball (2)")
            return None
        bbox = ann.get("bbox")
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(_number(v) for v in bbox)):
            self.problem(f"{label}: bbox {bbox!r} is not [x, y, width, height]")
            return None
        x, y, w, h = bbox
        shown = "[" + ", ".join(f"{v:g}" for v in bbox) + "]"
        if w < 1 or h < 1:
            self.problem(f"{label}: bbox {shown} is smaller than 1 px")
        width, height = image.get("width"), image.get("height")
        if _number(width) and _number(height) and (
            x < -EDGE_TOLERANCE_PX or y < -EDGE_TOLERANCE_PX
            or x + w > width + EDGE_TOLERANCE_PX or y + h > height + EDGE_TOLERANCE_PX
        ):
            self.problem(f"{label}: bbox {shown} reaches outside the {width}x{height} image")
        area = ann.get("area")
        if not (_number(area) and area > 0):
            self.problem(f"{label}: 'area' {area!r} is not a positive number")
        if ann.get("iscrowd", 0) != 0:
            self.problem(f"{label}: iscrowd is {ann.get('iscrowd')!r}; expected 0")
        return category, w, h

    def check_annotations(self, annotations: list[Any], images: dict[int, dict[str, Any]]) -> dict[int, list[int]]:
        """Check every annotation: one cheap test for the usual sound entry, the full story for the others."""
        ids: set[int] = set()
        classes_of: dict[int, list[int]] = {}
        sizes: dict[int, tuple[Any, Any]] = {
            image_id: (image.get("width"), image.get("height")) for image_id, image in images.items()
        }
        slack = EDGE_TOLERANCE_PX
        boxes, histogram = self.stats.boxes, self.stats.sizes
        for number, ann in enumerate(annotations):
            if number % 1024 == 0:
                check_cancel(self.cancel)
            try:
                ann_id, image_id, category = ann["id"], ann["image_id"], ann["category_id"]
                x, y, w, h = ann["bbox"]
                width, height = sizes[image_id]
                sound = (
                    type(ann_id) is int and ann_id not in ids and type(category) is int and category in CATEGORY_NAMES
                    and w >= 1 and h >= 1 and x >= -slack and y >= -slack
                    and x + w <= width + slack and y + h <= height + slack
                    and ann["area"] > 0 and ann.get("iscrowd", 0) == 0
                )
            except (KeyError, TypeError, ValueError):
                sound = False
            if sound:
                ids.add(ann_id)
            else:
                explained = self.explain_annotation(number, ann, images, ids)
                if explained is None:
                    continue
                category, w, h = explained
                image_id = ann["image_id"]
            name = CATEGORY_NAMES[category]
            side = max(w, h)
            boxes[name] += 1
            histogram[name][bisect.bisect_right(SIZE_BIN_EDGES, side)] += 1
            if category == ClassId.BALL and side < SMALL_BALL_PX:
                self.stats.small_balls += 1
            classes_of.setdefault(image_id, []).append(category)
        return classes_of

    def run(self, seen_frames: dict[tuple[str, int], str]) -> None:
        data = self.load()
        if data is None:
            return
        self.check_categories(data["categories"])
        images = self.check_images(data["images"])
        classes_of = self.check_annotations(data["annotations"], images)
        self.stats.images = len(images)
        for image_id, image in images.items():
            classes = classes_of.get(image_id, [])
            self.stats.negatives += not classes
            self.stats.ball_frames += int(ClassId.BALL) in classes
            video, index = image.get("video"), image.get("frame_index")
            if isinstance(video, str) and isinstance(index, int):
                other = seen_frames.setdefault((video, index), self.entry.split)
                if other != self.entry.split:
                    self.problem(
                        f"image {image_id} {image.get('file_name')!r}: frame {index} of {video} is also in "
                        f"{other}, so the split leaks. Export the dataset again."
                    )


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
        if split["images"] < MIN_VALID_IMAGES:
            notes.append(
                f"{name} has only {split['images']} images (fewer than {MIN_VALID_IMAGES}): its scores will be "
                "noise. Review more frames."
            )
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
