"""Import COCO labels: one file, or a Roboflow / RF-DETR split folder, or a file tied to a video.

SOURCE is a COCO JSON file or a folder holding ``*/_annotations.coco.json``
(images beside each file) or ``*/annotations/*.json`` (images in the
sibling ``images/``). Category names are mapped to player / ball
(:func:`.common.class_for_name`); boxes of other categories are left out and
counted. With ``video``, every image entry must carry ``frame_index`` (like
the demo's ground truth) and the frames are taken from that video instead of
from image files.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeGuard

from soccer_desktop.core.jobs import CancelCheck, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.dataset.common import ClassMap, DatasetError, class_for_name, image_size
from soccer_desktop.dataset.importing import (
    ImportedImage,
    ImportResult,
    LabelledVideoFrame,
    check_every,
    commit_images,
    commit_video_frames,
)
from soccer_desktop.project.store import BoxSource, NewBox, Project


@dataclass(frozen=True)
class _Entry:
    """One image entry of a COCO file with its boxes."""

    annotation_file: Path
    where: str
    file_name: str | None
    width: int
    height: int
    frame_index: int | None
    boxes: list[NewBox]


def coco_files(source: Path) -> list[Path]:
    """The COCO files SOURCE stands for (a file, or those of a split folder)."""
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise DatasetError(f"{source} does not exist. Choose a COCO JSON file or the folder of a COCO dataset.")
    found = sorted(source.rglob("_annotations.coco.json")) or sorted(source.rglob("annotations/*.json"))
    if not found:
        raise DatasetError(
            f"{source} holds no COCO file: expected train/_annotations.coco.json (Roboflow / RF-DETR layout) "
            "or annotations/*.json. Choose the dataset folder, or the JSON file itself."
        )
    return found


def _integer(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _finite(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _load(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"{path} cannot be read ({error}). Choose a UTF-8 COCO JSON file.") from None
    except json.JSONDecodeError as error:
        raise DatasetError(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}). "
            "Fix the file or export it again."
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("images"), list):
        raise DatasetError(f"{path} has no 'images' list, so it is not a COCO file. Choose a COCO annotation file.")
    for key in ("annotations", "categories"):
        if not isinstance(document.get(key, []), list):
            raise DatasetError(f"{path}: '{key}' is not a list. Fix the file or export it again.")
    return document


def category_names(source: Path | str) -> list[str]:
    """The category names of a COCO file or split folder, so the GUI can ask what unknown ones mean."""
    names: dict[str, None] = {}
    for path in coco_files(Path(source).expanduser().resolve()):
        for category in _load(path).get("categories", []):
            if isinstance(category, dict) and isinstance(category.get("name"), str):
                names.setdefault(category["name"])
    return list(names)


def _parse(path: Path, class_map: ClassMap | None, dropped: dict[str, int]) -> list[_Entry]:
    """Check every entry of one COCO file and turn it into boxes; raises on the first bad entry."""
    document = _load(path)
    classes: dict[int, tuple[str, Any]] = {}
    for number, category in enumerate(document.get("categories", [])):
        if not (isinstance(category, dict) and _integer(category.get("id")) and isinstance(category.get("name"), str)):
            raise DatasetError(
                f"{path.name}: categories[{number}] needs an integer 'id' and a 'name': {category!r:.120}"
            )
        if category["id"] in classes:
            raise DatasetError(f"{path.name}: categories[{number}] repeats category id {category['id']}.")
        classes[category["id"]] = (category["name"], class_for_name(category["name"], class_map))

    images: dict[int, tuple[str, dict[str, Any]]] = {}
    for number, image in enumerate(document["images"]):
        where = f"{path.name}: images[{number}]"
        if not isinstance(image, dict) or not _integer(image.get("id")):
            raise DatasetError(f"{where} needs an integer 'id': {image!r:.120}")
        where += f" (id {image['id']})"
        if image["id"] in images:
            raise DatasetError(f"{where} repeats image id {image['id']}. Image ids must be unique.")
        width, height = image.get("width"), image.get("height")
        if not (_integer(width) and _integer(height) and width > 0 and height > 0):
            raise DatasetError(f"{where} has size {width!r}x{height!r}; width and height must be positive integers.")
        index = image.get("frame_index")
        if index is not None and not (_integer(index) and index >= 0):
            raise DatasetError(f"{where} has frame_index {index!r}; expected a frame number from 0.")
        file_name = image.get("file_name")
        if file_name is not None and not isinstance(file_name, str):
            raise DatasetError(f"{where} has file_name {file_name!r}; expected a file name.")
        images[image["id"]] = (where, image)

    boxes: dict[int, list[NewBox]] = {image_id: [] for image_id in images}
    for number, ann in enumerate(document.get("annotations", [])):
        where = f"{path.name}: annotations[{number}]"
        if not isinstance(ann, dict):
            raise DatasetError(f"{where} is not an object: {ann!r:.120}")
        where += f" (id {ann.get('id')})"
        image_id, category = ann.get("image_id"), ann.get("category_id")
        if not _integer(image_id) or image_id not in images:
            raise DatasetError(f"{where} refers to image {image_id!r}, which is not in 'images'. Fix the file.")
        if not _integer(category) or category not in classes:
            raise DatasetError(f"{where} has category_id {category!r}, which is not in 'categories'. Fix the file.")
        bbox = ann.get("bbox")
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(_finite(v) for v in bbox)):
            raise DatasetError(f"{where} has bbox {bbox!r}; expected [x, y, width, height] in pixels.")
        x, y, w, h = (float(v) for v in bbox)
        if w <= 0 or h <= 0:
            raise DatasetError(f"{where} has a box of size {w:g}x{h:g}; width and height must be positive.")
        name, class_id = classes[category]
        if class_id is None:
            dropped[name] = dropped.get(name, 0) + 1
            continue
        score, track = ann.get("score"), ann.get("track_id")
        boxes[image_id].append(NewBox(
            class_id, x, y, w, h,
            score=float(score) if _finite(score) else None,
            source=BoxSource.IMPORTED,
            track_id=track if _integer(track) else None,
        ))
    return [
        _Entry(path, where, image.get("file_name"), image["width"], image["height"], image.get("frame_index"),
               boxes[image_id])
        for image_id, (where, image) in images.items()
    ]


def _image_folders(annotation_file: Path) -> Iterator[Path]:
    """Where a COCO file's images may be: beside it, or in ``images/`` beside its ``annotations/`` folder."""
    yield annotation_file.parent
    yield annotation_file.parent.parent / "images"
    yield annotation_file.parent / "images"


def _locate(entry: _Entry, root: Path) -> ImportedImage:
    if not entry.file_name:
        raise DatasetError(f"{entry.where} has no file_name. Name its image file, or import with --video.")
    path = next((folder / entry.file_name for folder in _image_folders(entry.annotation_file)
                 if (folder / entry.file_name).is_file()), None)
    if path is None:
        hint = (
            "Its entries carry frame_index: pass --video VIDEO to take the frames from the video."
            if entry.frame_index is not None
            else f"Put the images beside {entry.annotation_file.name} (or in images/), or fix file_name."
        )
        raise DatasetError(f"{entry.where}: the image {entry.file_name!r} is not there. {hint}")
    actual = image_size(path)
    if actual != (entry.width, entry.height):
        raise DatasetError(
            f"{entry.where}: {path.name} is {actual[0]}x{actual[1]} but the entry says {entry.width}x{entry.height}, "
            "so its boxes would be misplaced. Fix the entry or the image."
        )
    path = path.resolve()
    relative = PurePosixPath(path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name)
    return ImportedImage(path, relative, entry.width, entry.height, entry.boxes)


def import_coco(
    project: Project,
    source: Path | str,
    *,
    video: Path | str | None = None,
    every: int = 1,
    reviewed: bool = True,
    class_map: ClassMap | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> ImportResult:
    """Import a COCO file or split folder; with ``video``, take each entry's ``frame_index`` from that video.

    ``every=N`` (video only) keeps entries whose frame index is a multiple of N.
    """
    check_every(every)
    source = Path(source).expanduser().resolve()
    dropped: dict[str, int] = {}
    entries = [entry for path in coco_files(source) for entry in _parse(path, class_map, dropped)]
    if video is not None:
        frames: list[LabelledVideoFrame] = []
        for entry in entries:
            if entry.frame_index is None:
                raise DatasetError(
                    f"{entry.where} has no frame_index, so it cannot be matched to a frame of the video. "
                    "Import this dataset without --video (its images are then taken from files)."
                )
            if entry.frame_index % every == 0:
                frames.append(
                    LabelledVideoFrame(entry.frame_index, entry.boxes, entry.where, (entry.width, entry.height))
                )
        return commit_video_frames(project, source, Path(video).expanduser().resolve(), frames, reviewed=reviewed,
                                   dropped=dropped, progress=progress, cancel=cancel)
    root = source if source.is_dir() else source.parent
    merged: dict[Path, ImportedImage] = {}
    for entry in entries:
        image = _locate(entry, root)
        earlier = merged.get(image.source)
        merged[image.source] = image if earlier is None else ImportedImage(
            image.source, earlier.relative, image.width, image.height, earlier.boxes + image.boxes
        )
    return commit_images(project, source, list(merged.values()), reviewed=reviewed, dropped=dropped,
                         progress=progress, cancel=cancel)
