"""A dataset's identity: one hash over its annotation files, and the checks that use it.

The export records :func:`hash_annotation_files` of what it wrote as the
manifest's ``annotations_sha256``; a training run records
:func:`dataset_hash` of the folder it trained on. Both are the same function
over the same files, so right after an export they agree, and any later edit
of an annotation file (or a different folder under the same name) changes the
hash. Resume (and evaluation) call :func:`check_dataset_unchanged` before they
use a run's dataset again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from soccer_desktop.core.errors import UserError

MANIFEST_NAME = "dataset_manifest.json"
COCO_SPLITS = ("train", "valid", "test")
COCO_ANNOTATION = "_annotations.coco.json"
#: Key of the hash in a training run's ``manifest.json`` ``dataset`` section.
RUN_HASH_KEY = "sha256"


class DatasetChangedError(UserError):
    """A dataset differs from the one a run recorded."""


def hash_annotation_files(files: Mapping[str, bytes]) -> tuple[str, dict[str, str]]:
    """Per-file SHA-256 and one hash over all of them (of the ``sha256sum``-style listing, sorted by name)."""
    per_file = {name: hashlib.sha256(files[name]).hexdigest() for name in sorted(files)}
    listing = "".join(f"{digest}  {name}\n" for name, digest in per_file.items())
    return hashlib.sha256(listing.encode("utf-8")).hexdigest(), per_file


def read_dataset_manifest(root: Path | str) -> dict[str, Any] | None:
    try:
        data = json.loads((Path(root) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def annotation_file_names(root: Path | str) -> list[str]:
    """The annotation files of a dataset: those its manifest lists, else the COCO split files present."""
    root = Path(root)
    manifest = read_dataset_manifest(root) or {}
    listed = manifest.get("annotation_files")
    if isinstance(listed, dict) and listed:
        return sorted(str(name) for name in listed)
    return [f"{split}/{COCO_ANNOTATION}" for split in COCO_SPLITS if (root / split / COCO_ANNOTATION).is_file()]


def dataset_hash(root: Path | str) -> str:
    """The hash of a dataset folder as it is on disk now (a listed file that is gone changes it too)."""
    root = Path(root)
    files: dict[str, bytes] = {}
    for name in annotation_file_names(root):
        try:
            files[name] = (root / name).read_bytes()
        except OSError:
            files[name] = b"\0missing\0"
    return hash_annotation_files(files)[0]


def recorded_hash(run_manifest: Mapping[str, Any]) -> str | None:
    """The dataset hash a run recorded (None for runs that recorded none it can be compared with)."""
    dataset = run_manifest.get("dataset") or {}
    if dataset.get(RUN_HASH_KEY):
        return str(dataset[RUN_HASH_KEY])
    # Runs from before RUN_HASH_KEY: their annotations_sha256 is the export's hash when the dataset had a manifest.
    if dataset.get("manifest_file") and dataset.get("annotations_sha256"):
        return str(dataset["annotations_sha256"])
    return None


def check_dataset_unchanged(root: Path | str, expected: str | None, action: str = "resume this run") -> None:
    """Raise :class:`DatasetChangedError` when the dataset at ``root`` is not the one whose hash is ``expected``.

    ``action`` names what is refused, e.g. ``"resume run 20250101-120000-cpu"``. Nothing is checked when
    ``expected`` is None (a run that recorded no comparable hash).
    """
    if expected is None:
        return
    root = Path(root)
    if not root.is_dir():
        raise DatasetChangedError(
            f"Cannot {action}: its dataset {root} is gone. Put the dataset back, or start a new run on a new export."
        )
    actual = dataset_hash(root)
    if actual != expected:
        raise DatasetChangedError(
            f"Cannot {action}: its dataset {root} changed since the run used it (hash {actual[:12]}…, the run "
            f"recorded {expected[:12]}…). Start a new run on it instead, or put the original dataset back."
        )
