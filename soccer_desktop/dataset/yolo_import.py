"""Import a YOLO detection dataset: ``data.yaml`` plus ``images/`` and ``labels/`` folders.

Every image under a folder named ``images`` is imported; its label file is
the same path with that ``images`` replaced by ``labels`` and a ``.txt``
suffix (so ``images/x.jpg``, ``images/train/x.jpg`` and
``train/images/x.jpg`` all work). An image without a label file is a
negative. Each label line is ``class x_center y_center width height``
(normalised to 0..1, optionally followed by a confidence). Class names come
from ``data.yaml`` and are mapped by name (:func:`.common.class_for_name`);
boxes of other classes are left out and counted.
"""

from __future__ import annotations

import math
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, check_cancel, never_cancelled, no_progress
from soccer_desktop.dataset.common import IMAGE_SUFFIXES, ClassMap, DatasetError, class_for_name, image_size
from soccer_desktop.dataset.importing import ImportedImage, ImportResult, commit_images
from soccer_desktop.project.store import BoxSource, NewBox, Project

#: Normalised coordinates may overshoot 0..1 by this much (rounding in other tools) before a line is refused.
NORMALISED_SLACK = 0.01


def _yaml_file(source: Path) -> Path:
    if source.is_file():
        return source
    if not source.is_dir():
        raise DatasetError(f"{source} does not exist. Choose the YOLO dataset folder (it holds data.yaml).")
    for name in ("data.yaml", "data.yml"):
        if (source / name).is_file():
            return source / name
    raise DatasetError(
        f"{source} has no data.yaml: a YOLO dataset names its classes there (e.g. names: [person, sports ball]). "
        "Add it, or choose the folder that holds it."
    )


def class_names(source: Path | str) -> dict[int, str]:
    """The class names of a YOLO dataset by class number, from its ``data.yaml``."""
    path = _yaml_file(Path(source).expanduser().resolve())
    try:
        spec: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DatasetError(f"{path} cannot be read as YAML ({error}). Fix the file.") from None
    names = spec.get("names") if isinstance(spec, dict) else None
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        return dict(enumerate(names))
    if isinstance(names, dict) and all(isinstance(k, int) and isinstance(v, str) for k, v in names.items()):
        return dict(names)
    raise DatasetError(
        f"{path} has no usable 'names' (found {names!r}). Expected a list such as names: [person, sports ball]."
    )


def _label_path(relative: PurePosixPath) -> PurePosixPath:
    """``…/images/…/x.jpg`` → ``…/labels/…/x.txt`` (the last ``images`` folder is the one replaced)."""
    parts = list(relative.parts)
    at = len(parts) - 2 - parts[-2::-1].index("images")
    parts[at] = "labels"
    parts[-1] = PurePosixPath(parts[-1]).stem + ".txt"
    return PurePosixPath(*parts)


def _parse_labels(
    path: Path, shown: str, names: dict[int, str], size: tuple[int, int], class_map: ClassMap | None,
    dropped: dict[str, int],
) -> list[NewBox]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"{shown} cannot be read ({error}). Fix or remove it.") from None
    width, height = size
    boxes: list[NewBox] = []
    for number, line in enumerate(text.splitlines(), start=1):
        values = line.split()
        if not values:
            continue
        where = f"{shown}: line {number}"
        if len(values) not in (5, 6):
            raise DatasetError(
                f"{where} has {len(values)} values; expected 'class x_center y_center width height'. "
                "Export the dataset as YOLO detection (not segmentation) and import it again."
            )
        try:
            numbers = [float(v) for v in values]
        except ValueError:
            raise DatasetError(f"{where} is not numbers: {line.strip()!r}. Fix the line.") from None
        if not all(math.isfinite(v) for v in numbers) or not numbers[0].is_integer():
            raise DatasetError(f"{where} has an invalid number: {line.strip()!r}. Fix the line.")
        number_of_class, cx, cy, w, h = int(numbers[0]), *numbers[1:5]
        if number_of_class not in names:
            raise DatasetError(
                f"{where} uses class {number_of_class}, which data.yaml does not name "
                f"(it has {sorted(names)}). Fix the line or data.yaml."
            )
        if w <= 0 or h <= 0:
            raise DatasetError(f"{where} has a box of size {w:g}x{h:g}; width and height must be positive.")
        if not all(-NORMALISED_SLACK <= v <= 1 + NORMALISED_SLACK for v in (cx, cy, w, h)):
            raise DatasetError(
                f"{where} has values outside 0..1 ({line.strip()!r}): YOLO labels are fractions of the image "
                "size, not pixels. Export the labels normalised."
            )
        name = names[number_of_class]
        class_id = class_for_name(name, class_map)
        if class_id is None:
            dropped[name] = dropped.get(name, 0) + 1
            continue
        boxes.append(NewBox(
            class_id, (cx - w / 2) * width, (cy - h / 2) * height, w * width, h * height,
            score=numbers[5] if len(numbers) == 6 else None, source=BoxSource.IMPORTED,
        ))
    return boxes


def import_yolo(
    project: Project,
    source: Path | str,
    *,
    reviewed: bool = True,
    class_map: ClassMap | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> ImportResult:
    """Import a YOLO dataset folder (or its data.yaml); images are copied into the project."""
    source = Path(source).expanduser().resolve()
    names = class_names(source)
    root = _yaml_file(source).parent
    image_files = sorted(
        path for path in root.rglob("*")
        if path.suffix.lower() in IMAGE_SUFFIXES and "images" in path.relative_to(root).parts[:-1] and path.is_file()
    )
    if not image_files:
        raise DatasetError(
            f"{root} has no images in an 'images' folder. A YOLO dataset keeps them in images/ (or "
            "train/images/ …) with the labels in the matching labels/ folder."
        )
    label_of = {
        path: root / _label_path(PurePosixPath(path.relative_to(root).as_posix())) for path in image_files
    }
    expected = set(label_of.values())
    for label in sorted(root.rglob("*.txt")):
        if "labels" in label.relative_to(root).parts[:-1] and label not in expected:
            raise DatasetError(
                f"{label.relative_to(root)} has no image: no file of that name is in the matching images/ "
                "folder. Add the image or remove the label file."
            )
    dropped: dict[str, int] = {}
    images: list[ImportedImage] = []
    for number, path in enumerate(image_files):
        if number % 32 == 0:
            check_cancel(cancel)
            progress(Progress(number, len(image_files), "Reading labels"))
        size = image_size(path)
        label = label_of[path]
        boxes = (
            _parse_labels(label, label.relative_to(root).as_posix(), names, size, class_map, dropped)
            if label.is_file() else []
        )
        images.append(ImportedImage(path, PurePosixPath(path.relative_to(root).as_posix()), size[0], size[1], boxes))
    return commit_images(project, source, images, reviewed=reviewed, dropped=dropped,
                         progress=progress, cancel=cancel)
