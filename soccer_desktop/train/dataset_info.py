"""What a training dataset holds, read from its COCO files: counts, the manifest, and warnings on weak data.

The dataset layout is RF-DETR's (Roboflow's): ``DATASET/train|valid|test/
_annotations.coco.json`` with the images beside each file, categories exactly
player (id 1) and ball (id 2), and a manifest (``dataset_manifest.json`` as the
exporter writes it, or ``manifest.json``). Counts are always computed from the
COCO files themselves, so a hand-made dataset without a manifest works too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from soccer_desktop.core.errors import UserError
from soccer_desktop.dataset.coco import CocoAnnotation, category_problem, read_coco, small_valid_split
from soccer_desktop.train.augment import Sample

SPLITS = ("train", "valid", "test")
ANNOTATION_FILE = "_annotations.coco.json"
MANIFEST_NAMES = ("dataset_manifest.json", "manifest.json")


class DatasetProblem(UserError):
    """A dataset that cannot be trained on; the message names the file and the fix."""


@dataclass
class ImageEntry:
    file: Path
    width: int
    height: int
    boxes: np.ndarray  # (N, 4) xyxy pixels
    labels: np.ndarray  # (N,) 0 player, 1 ball

    @property
    def has_ball(self) -> bool:
        return bool((self.labels == 1).any())


@dataclass
class SplitCounts:
    images: int = 0
    player: int = 0
    ball: int = 0
    ball_frames: int = 0
    negatives: int = 0


@dataclass
class DatasetSummary:
    root: Path
    counts: dict[str, SplitCounts]
    manifest: dict[str, Any] | None
    manifest_file: Path | None
    annotations_sha256: str
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = []
        for split, c in self.counts.items():
            lines.append(f"{split}: {c.images} images, {c.player} players, {c.ball} balls "
                         f"({c.ball_frames} frames with the ball, {c.negatives} without boxes)")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "root": str(self.root),
            "counts": {s: vars(c) for s, c in self.counts.items()},
            "annotations_sha256": self.annotations_sha256,
            "manifest_file": str(self.manifest_file) if self.manifest_file else None,
            "manifest": self.manifest,
            "warnings": self.warnings,
        }


def read_split(root: Path | str, split: str) -> list[ImageEntry]:
    """The images of one split with their boxes (``xyxy``) and labels (0 player, 1 ball).

    Read by the shared COCO reader, so a malformed file is refused with the same message as import
    and validation give; categories must be exactly player (1) and ball (2).
    """
    root = Path(root)
    coco = read_coco(root / split / ANNOTATION_FILE)
    wrong_categories = category_problem(coco)
    if wrong_categories is not None:
        raise DatasetProblem(wrong_categories)
    by_image: dict[int, list[CocoAnnotation]] = {}
    for ann in coco.annotations:
        if not ann.iscrowd:
            by_image.setdefault(ann.image_id, []).append(ann)
    entries = []
    for image in coco.images:
        if not image.file_name:
            raise DatasetProblem(f"{image.where} has no file_name. Export the dataset again.")
        anns = by_image.get(image.id, [])
        boxes = np.array([[a.x, a.y, a.x + a.w, a.y + a.h] for a in anns], np.float32).reshape(-1, 4)
        labels = np.array([a.category_id - 1 for a in anns], np.int64)
        entries.append(ImageEntry(root / split / image.file_name, image.width, image.height, boxes, labels))
    return entries


def load_sample(entry: ImageEntry) -> Sample:
    """The entry's picture (RGB) and boxes, clipped to the picture."""
    image = cv2.imread(str(entry.file), cv2.IMREAD_COLOR)
    if image is None:
        raise DatasetProblem(f"The image {entry.file} is missing or unreadable. Export the dataset again.")
    image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    h, w = image.shape[:2]
    boxes = entry.boxes.copy()
    if (w, h) != (entry.width, entry.height):  # the file differs from what the COCO file says
        boxes *= np.array([w / entry.width, h / entry.height] * 2, np.float32)
    boxes[:, 0::2] = boxes[:, 0::2].clip(0, w)
    boxes[:, 1::2] = boxes[:, 1::2].clip(0, h)
    keep = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
    return Sample(image, boxes[keep], entry.labels[keep])


def find_manifest(root: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        if (root / name).is_file():
            return root / name
    return None


def inspect_dataset(root: Path | str) -> DatasetSummary:
    """Counts per split and class, the manifest, the annotation hash and warnings; raises on unusable data."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DatasetProblem(f"The dataset folder {root} does not exist. Choose an exported dataset folder "
                             "(it holds train/ and valid/ folders).")
    if not (root / "train" / ANNOTATION_FILE).is_file():
        raise DatasetProblem(
            f"{root} is not a training dataset: {Path('train') / ANNOTATION_FILE} is missing. Choose the folder "
            "a COCO (RF-DETR) export wrote, or build a dataset from the project."
        )
    counts: dict[str, SplitCounts] = {}
    digest = hashlib.sha256()
    for split in SPLITS:
        path = root / split / ANNOTATION_FILE
        if not path.is_file():
            continue
        digest.update(path.read_bytes())
        c = SplitCounts()
        for entry in read_split(root, split):
            c.images += 1
            c.player += int((entry.labels == 0).sum())
            c.ball += int((entry.labels == 1).sum())
            c.ball_frames += int(entry.has_ball)
            c.negatives += int(len(entry.labels) == 0)
        counts[split] = c
    manifest_file = find_manifest(root)
    manifest = None
    if manifest_file is not None:
        try:
            manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = None
    summary = DatasetSummary(root, counts, manifest, manifest_file,
                             (manifest or {}).get("annotations_sha256") or digest.hexdigest())
    summary.warnings = weak_data_warnings(counts)
    if manifest_file is None:
        summary.warnings.append("The dataset has no manifest: the run will record its counts and annotation "
                                "hash, but not how it was made.")
    return summary


def weak_data_warnings(counts: dict[str, SplitCounts]) -> list[str]:
    warnings: list[str] = []
    train = counts.get("train", SplitCounts())
    valid = counts.get("valid")
    if train.images == 0:
        warnings.append("The train split has no images: there is nothing to train on.")
    if train.ball == 0:
        warnings.append("The train split has no ball boxes: the detector cannot learn the ball. Label balls in "
                        "more frames (ball copy-paste needs some to copy from).")
    elif train.ball_frames < max(10, train.images // 10):
        warnings.append(f"Only {train.ball_frames} of {train.images} training frames show the ball: keep "
                        "ball-frame oversampling and ball copy-paste on, and label more ball frames.")
    if valid is None or valid.images == 0:
        warnings.append("There is no valid split: the best checkpoint cannot be chosen and early stopping "
                        "cannot work. Export with a valid share above 0.")
    else:
        small = small_valid_split("valid", valid.images)
        if small is not None:
            warnings.append(small)
        if valid.ball == 0:
            warnings.append("The valid split has no ball boxes: AP for the ball cannot be measured.")
    return warnings
