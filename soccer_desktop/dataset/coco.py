"""The one COCO reader: every part of the app that reads a COCO annotation file reads it here.

Import (:mod:`.coco_import`), validation (:mod:`.validate`) and training
(:mod:`soccer_desktop.train.dataset_info`) share these rules, so a malformed
file gets the same message wherever it is opened:

* the file is UTF-8 JSON holding an object with an ``images`` list;
  ``annotations`` and ``categories``, when present, are lists;
* every category has an integer ``id`` (unique) and a ``name``;
* every image has a unique integer ``id``, a positive integer ``width`` and
  ``height``, a ``file_name`` string if any, a ``frame_index`` from 0 if any;
* every annotation has a unique integer ``id``, an ``image_id`` that is in
  ``images``, a ``category_id`` that is in ``categories`` and a ``bbox`` of four
  finite numbers whose width and height are positive.

:func:`read_coco` raises :class:`CocoFormatError` at the first broken rule; with a
``problems`` list it notes every broken rule there instead and leaves the broken
entries out (validation lists them all). What a caller demands beyond this (exactly
player and ball for training, images on disk) it checks on the entries it gets back,
with the shared helpers below.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from soccer_desktop.dataset.common import CATEGORY_NAMES, DatasetError

#: Below this many images a validation split's scores are too noisy to pick a checkpoint on.
MIN_VALID_IMAGES = 20
VALID_SPLIT_NAMES = ("valid", "val")
EXPECTED_CATEGORIES = dict(sorted(CATEGORY_NAMES.items()))
FIX = "Fix the file or export it again."


class CocoFormatError(DatasetError):
    """A COCO file that breaks the reader's rules; the message names the file, the entry and the fix."""


@dataclass(frozen=True, slots=True)
class CocoImage:
    id: int
    file_name: str | None
    width: int
    height: int
    frame_index: int | None
    video: str | None
    where: str  # "file: images[n] (id i)", for messages


@dataclass(frozen=True, slots=True)
class CocoAnnotation:
    id: int
    image_id: int
    category_id: int
    x: float
    y: float
    w: float
    h: float
    area: Any  # as written; validation checks it
    iscrowd: Any
    score: float | None
    track_id: int | None
    where: str


@dataclass
class CocoFile:
    path: Path
    categories: dict[int, str]
    images: list[CocoImage]
    annotations: list[CocoAnnotation]
    document: dict[str, Any]  # the parsed JSON, for pycocotools


def integer(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def finite(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def load_document(path: Path) -> dict[str, Any]:
    """The JSON object of a COCO file with its top-level lists checked; raises :class:`CocoFormatError`."""
    try:
        document = json.loads(Path(path).read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise CocoFormatError(f"{path} is missing. Choose the folder an export wrote, or export again.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CocoFormatError(f"{path.name} cannot be read ({error}). Choose a UTF-8 COCO JSON file.") from None
    except json.JSONDecodeError as error:
        raise CocoFormatError(
            f"{path.name} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}). {FIX}"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("images"), list):
        raise CocoFormatError(f"{path.name} has no 'images' list, so it is not a COCO file. {FIX}")
    for key in ("annotations", "categories"):
        if not isinstance(document.get(key, []), list):
            raise CocoFormatError(f"{path.name}: '{key}' is not a list. {FIX}")
    return document


class _Reader:
    def __init__(self, path: Path, problems: list[str] | None) -> None:
        self.path, self.problems = path, problems

    def broken(self, text: str) -> None:
        """Raise, or note the problem and let the caller skip the entry."""
        message = f"{text} {FIX}"
        if self.problems is None:
            raise CocoFormatError(message)
        self.problems.append(message)

    def categories(self, entries: list[Any]) -> dict[int, str]:
        found: dict[int, str] = {}
        for number, category in enumerate(entries):
            where = f"{self.path.name}: categories[{number}]"
            if not (isinstance(category, dict) and integer(category.get("id")) and isinstance(category.get("name"), str)):
                self.broken(f"{where} needs an integer 'id' and a 'name': {category!r:.120}.")
            elif category["id"] in found:
                self.broken(f"{where} repeats category id {category['id']}.")
            else:
                found[category["id"]] = category["name"]
        return found

    def images(self, entries: list[Any]) -> list[CocoImage]:
        found: dict[int, CocoImage] = {}
        for number, image in enumerate(entries):
            where = f"{self.path.name}: images[{number}]"
            if not isinstance(image, dict) or not integer(image.get("id")):
                self.broken(f"{where} needs an integer 'id': {image!r:.120}.")
                continue
            where += f" (id {image['id']})"
            width, height = image.get("width"), image.get("height")
            index, file_name, video = image.get("frame_index"), image.get("file_name"), image.get("video")
            if image["id"] in found:
                self.broken(f"{where} repeats image id {image['id']}. Image ids must be unique.")
            elif not (integer(width) and integer(height) and width > 0 and height > 0):
                self.broken(f"{where} has size {width!r}x{height!r}; width and height must be positive integers.")
            elif index is not None and not (integer(index) and index >= 0):
                self.broken(f"{where} has frame_index {index!r}; expected a frame number from 0.")
            elif file_name is not None and not isinstance(file_name, str):
                self.broken(f"{where} has file_name {file_name!r}; expected a file name.")
            else:
                found[image["id"]] = CocoImage(image["id"], file_name, width, height, index,
                                               video if isinstance(video, str) else None, where)
        return list(found.values())

    def annotations(self, entries: list[Any], images: set[int], categories: dict[int, str]) -> list[CocoAnnotation]:
        found: list[CocoAnnotation] = []
        ids: set[int] = set()
        for number, ann in enumerate(entries):
            where = f"{self.path.name}: annotations[{number}]"
            if not isinstance(ann, dict):
                self.broken(f"{where} is not an object: {ann!r:.120}.")
                continue
            ann_id, image_id, category, bbox = ann.get("id"), ann.get("image_id"), ann.get("category_id"), ann.get("bbox")
            where += f" (id {ann_id})"
            if not integer(ann_id):
                self.broken(f"{where} needs an integer 'id'.")
            elif ann_id in ids:
                self.broken(f"{where}: annotation id {ann_id} is used twice. Annotation ids must be unique.")
            elif not integer(image_id) or image_id not in images:
                self.broken(f"{where} refers to image {image_id!r}, which is not in 'images'.")
            elif not integer(category) or category not in categories:
                self.broken(f"{where} has category_id {category!r}, which is not in 'categories'.")
            elif not (isinstance(bbox, list) and len(bbox) == 4 and all(finite(v) for v in bbox)):
                self.broken(f"{where} has bbox {bbox!r:.80}; expected [x, y, width, height] in pixels.")
            elif bbox[2] <= 0 or bbox[3] <= 0:
                self.broken(f"{where} has a box of size {bbox[2]:g}x{bbox[3]:g}; width and height must be positive.")
            else:
                ids.add(ann_id)
                score, track = ann.get("score"), ann.get("track_id")
                found.append(CocoAnnotation(
                    ann_id, image_id, category, float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]),
                    ann.get("area"), ann.get("iscrowd", 0), float(score) if finite(score) else None,
                    track if integer(track) else None, where,
                ))
        return found


def read_coco(path: Path | str, problems: list[str] | None = None) -> CocoFile:
    """Read and check one COCO file (the rules are in the module docstring).

    Without ``problems`` the first broken rule raises :class:`CocoFormatError`; with it, each is
    appended there and its entry left out. An unreadable file always raises.
    """
    path = Path(path)
    document = load_document(path)
    reader = _Reader(path, problems)
    categories = reader.categories(document.get("categories", []))
    images = reader.images(document["images"])
    annotations = reader.annotations(document.get("annotations", []), {i.id for i in images}, categories)
    return CocoFile(path, categories, images, annotations, document)


def category_problem(coco: CocoFile) -> str | None:
    """Why a file's categories are not exactly player (1) and ball (2), as training needs; None when they are."""
    if coco.categories == EXPECTED_CATEGORIES:
        return None
    found = ", ".join(f"{k}={v!r}" for k, v in sorted(coco.categories.items())) or "none"
    return (
        f"{coco.path.name} has the categories {found}; training needs exactly player (id 1) and ball (id 2). "
        "Export the dataset from Soccer Desktop (it maps class names for you), or import it and export it."
    )


def small_valid_split(name: str, images: int) -> str | None:
    """The warning for a validation split too small to choose a checkpoint on, or None."""
    if images >= MIN_VALID_IMAGES:
        return None
    return (f"The {name} split has only {images} images (fewer than {MIN_VALID_IMAGES}): its mAP will jump from "
            "epoch to epoch and is too noisy to pick the best checkpoint. Review more frames.")
