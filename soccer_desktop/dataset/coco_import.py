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

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from soccer_desktop.core.jobs import CancelCheck, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.dataset.coco import load_document, read_coco
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


def category_names(source: Path | str) -> list[str]:
    """The category names of a COCO file or split folder, so the GUI can ask what unknown ones mean."""
    names: dict[str, None] = {}
    for path in coco_files(Path(source).expanduser().resolve()):
        for category in load_document(path).get("categories", []):
            if isinstance(category, dict) and isinstance(category.get("name"), str):
                names.setdefault(category["name"])
    return list(names)


def _parse(path: Path, class_map: ClassMap | None, dropped: dict[str, int]) -> list[_Entry]:
    """Read one COCO file (the shared reader raises on the first bad entry) and turn it into boxes."""
    coco = read_coco(path)
    classes = {cid: (name, class_for_name(name, class_map)) for cid, name in coco.categories.items()}
    boxes: dict[int, list[NewBox]] = {image.id: [] for image in coco.images}
    for ann in coco.annotations:
        name, class_id = classes[ann.category_id]
        if class_id is None:
            dropped[name] = dropped.get(name, 0) + 1
            continue
        boxes[ann.image_id].append(NewBox(
            class_id, ann.x, ann.y, ann.w, ann.h, score=ann.score, source=BoxSource.IMPORTED, track_id=ann.track_id,
        ))
    return [
        _Entry(path, image.where, image.file_name, image.width, image.height, image.frame_index, boxes[image.id])
        for image in coco.images
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
