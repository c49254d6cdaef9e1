"""One split of an exported dataset as evaluation ground truth, and the hash that names it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from soccer_desktop.core.errors import UserError
from soccer_desktop.dataset.export import PLAN_SPLIT_DIRS
from soccer_desktop.dataset.manifest import dataset_hash, read_dataset_manifest

PLAYER, BALL = 1, 2
CLASS_NAMES = {PLAYER: "player", BALL: "ball"}


class EvaluationError(UserError):
    """An evaluation that cannot run (no such split, a results file that does not fit the dataset…)."""


@dataclass(frozen=True)
class EvalImage:
    id: int
    file_name: str
    path: Path
    width: int
    height: int
    video: str | None = None
    frame_index: int | None = None


@dataclass
class Boxes:
    """Boxes of one kind (truth or detections) as parallel arrays; ``xywh`` in pixels."""

    image_id: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    class_id: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    xywh: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), np.float64))
    score: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))

    def __len__(self) -> int:
        return len(self.image_id)

    @classmethod
    def from_rows(cls, rows: list[tuple[int, int, float, float, float, float, float]]) -> Boxes:
        """From ``(image_id, class_id, x, y, w, h, score)`` tuples."""
        if not rows:
            return cls()
        array = np.asarray(rows, np.float64)
        return cls(array[:, 0].astype(np.int64), array[:, 1].astype(np.int64), array[:, 2:6].copy(), array[:, 6].copy())

    def select(self, mask: np.ndarray) -> Boxes:
        return Boxes(self.image_id[mask], self.class_id[mask], self.xywh[mask], self.score[mask])

    def as_coco_results(self) -> list[dict[str, Any]]:
        return [
            {"image_id": i, "category_id": c, "bbox": b, "score": s}
            for i, c, b, s in zip(self.image_id.tolist(), self.class_id.tolist(), self.xywh.tolist(),
                                  self.score.tolist(), strict=True)
        ]  # tolist(): plain Python numbers, ten times faster than converting each one


@dataclass(frozen=True)
class EvalDataset:
    """Ground truth of one split: its images (by COCO id) and boxes (score 1)."""

    root: Path
    split: str
    annotation_file: Path
    images: dict[int, EvalImage]
    truth: Boxes
    hash: str

    def coco_dict(self) -> dict[str, Any]:
        """The ground truth as a COCO document (area = w*h, COCO's own convention)."""
        annotations = [
            {"id": n + 1, "image_id": i, "category_id": c, "bbox": b, "area": b[2] * b[3], "iscrowd": 0}
            for n, (i, c, b) in enumerate(zip(self.truth.image_id.tolist(), self.truth.class_id.tolist(),
                                              self.truth.xywh.tolist(), strict=True))
        ]
        return {
            "images": [{"id": im.id, "width": im.width, "height": im.height, "file_name": im.file_name}
                       for im in self.images.values()],
            "annotations": annotations,
            "categories": [{"id": k, "name": v} for k, v in CLASS_NAMES.items()],
        }


def annotation_file(dataset: Path, split: str) -> Path:
    """The COCO file of ``split`` in a Roboflow-layout or coco-plan export (or DATASET itself when a file)."""
    if dataset.is_file():
        return dataset
    candidates = [dataset / split / "_annotations.coco.json",
                  dataset / PLAN_SPLIT_DIRS.get(split, split) / "annotations" / "annotations.json"]
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        if not dataset.is_dir():
            raise EvaluationError(f"The dataset folder {dataset} does not exist. Choose an exported dataset folder.")
        splits = sorted(p.parent.name for p in dataset.glob("*/_annotations.coco.json"))
        raise EvaluationError(
            f"The dataset {dataset} has no {split!r} split (it has: {', '.join(splits) or 'none'}). "
            "Choose another split with --split, or export the dataset with a valid share."
        )
    return found


def labels_hash(dataset: Path, annotations: Path) -> str:
    """What names the dataset's labels: the one dataset hash (as export and training runs record it) for
    an exported dataset; the SHA-256 of the split's COCO file for a dataset from elsewhere (no manifest)."""
    if read_dataset_manifest(dataset) is not None:
        return dataset_hash(dataset)
    return hashlib.sha256(annotations.read_bytes()).hexdigest()


def load_split(dataset: Path | str, split: str = "valid") -> EvalDataset:
    """Read the ground truth of one split; raises :class:`EvaluationError` naming what is wrong."""
    dataset = Path(dataset).expanduser().resolve()
    path = annotation_file(dataset, split)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise EvaluationError(f"{path} cannot be read as COCO JSON ({error}). Export the dataset again.") from None
    if not isinstance(document, dict) or not isinstance(document.get("images"), list):
        raise EvaluationError(f"{path} has no 'images' list, so it is not a COCO file. Choose an exported dataset.")
    names = {c.get("id"): str(c.get("name", "")).strip().lower() for c in document.get("categories", [])}
    to_class = {cid: PLAYER if name in ("player", "person") else BALL if name in ("ball", "sports ball") else None
                for cid, name in names.items()}  # fmt: skip
    folder = path.parent if path.parent.name != "annotations" else path.parent.parent / "images"
    images: dict[int, EvalImage] = {}
    for entry in document["images"]:
        image_id = int(entry["id"])
        images[image_id] = EvalImage(
            image_id, str(entry.get("file_name", "")), folder / str(entry.get("file_name", "")),
            int(entry["width"]), int(entry["height"]), entry.get("video"), entry.get("frame_index"),
        )  # fmt: skip
    rows = []
    for ann in document.get("annotations", []):
        class_id = to_class.get(ann.get("category_id"))
        if class_id is None or int(ann["image_id"]) not in images:
            continue
        x, y, w, h = (float(v) for v in ann["bbox"])
        rows.append((int(ann["image_id"]), class_id, x, y, w, h, 1.0))
    if not images:
        raise EvaluationError(f"The {split!r} split of {dataset} has no images. Export it with more frames.")
    return EvalDataset(dataset, split, path, images, Boxes.from_rows(rows), labels_hash(dataset, path))
