"""One COCO reader: import, validation and training refuse a malformed file with the same message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from soccer_desktop.core.errors import UserError
from soccer_desktop.dataset.coco import MIN_VALID_IMAGES, CocoFormatError, read_coco
from soccer_desktop.dataset.coco_import import import_coco
from soccer_desktop.dataset.validate import balance_warnings, validate_dataset
from soccer_desktop.project.store import Project
from soccer_desktop.train.dataset_info import SplitCounts, inspect_dataset, read_split, weak_data_warnings
from tests.dataset.builders import project_files, write_image


def _dataset(root: Path, damage: Any = None) -> Path:
    """A two-split RF-DETR dataset (train and valid), the train file damaged by ``damage``."""
    for split in ("train", "valid"):
        folder = root / split
        folder.mkdir(parents=True)
        document: dict[str, Any] = {
            "categories": [{"id": 1, "name": "player"}, {"id": 2, "name": "ball"}], "images": [], "annotations": [],
        }
        for number in range(3):
            write_image(folder / f"f{number}.jpg", seed=number)
            document["images"].append({"id": number + 1, "file_name": f"f{number}.jpg", "width": 64, "height": 48})
            for category in (1, 2):
                document["annotations"].append({
                    "id": len(document["annotations"]) + 1, "image_id": number + 1, "category_id": category,
                    "bbox": [5.0, 5.0, 8.0, 10.0], "area": 80.0, "iscrowd": 0,
                })
        if split == "train" and damage is not None:
            damage(document)
        path = folder / "_annotations.coco.json"
        path.write_text(document if isinstance(document, str) else json.dumps(document))
    return root


def _no_annotation_id(d: dict[str, Any]) -> None:
    del d["annotations"][1]["id"]


def _string_width(d: dict[str, Any]) -> None:
    d["images"][0]["width"] = "64"


def _bbox_of_three(d: dict[str, Any]) -> None:
    d["annotations"][2]["bbox"] = [1, 2, 3]


def _unknown_image(d: dict[str, Any]) -> None:
    d["annotations"][0]["image_id"] = 42


def _annotation_not_an_object(d: dict[str, Any]) -> None:
    d["annotations"][3] = [1, 2]


def _images_not_a_list(d: dict[str, Any]) -> None:
    d["images"] = {"1": "f0.jpg"}


MALFORMED = [
    (_no_annotation_id, "_annotations.coco.json: annotations[1] (id None) needs an integer 'id'. "
                        "Fix the file or export it again."),
    (_string_width, "_annotations.coco.json: images[0] (id 1) has size '64'x48; width and height must be positive "
                    "integers. Fix the file or export it again."),
    (_bbox_of_three, "_annotations.coco.json: annotations[2] (id 3) has bbox [1, 2, 3]; expected [x, y, width, "
                     "height] in pixels. Fix the file or export it again."),
    (_unknown_image, "_annotations.coco.json: annotations[0] (id 1) refers to image 42, which is not in 'images'. "
                     "Fix the file or export it again."),
    (_annotation_not_an_object, "_annotations.coco.json: annotations[3] is not an object: [1, 2]. "
                                "Fix the file or export it again."),
    (_images_not_a_list, "_annotations.coco.json has no 'images' list, so it is not a COCO file. "
                         "Fix the file or export it again."),
]


@pytest.mark.parametrize(("damage", "message"), MALFORMED, ids=[case[0].__name__ for case in MALFORMED])
def test_every_caller_gives_the_same_message(tmp_path: Path, project: Project, damage: Any, message: str) -> None:
    root = _dataset(tmp_path / "ds", damage)
    train_file = root / "train" / "_annotations.coco.json"

    with pytest.raises(CocoFormatError) as read:
        read_coco(train_file)
    assert str(read.value) == message

    before = (project.counts(), project_files(project))
    with pytest.raises(UserError) as imported:  # the import wizard and the CLI
        import_coco(project, root)
    assert str(imported.value) == message
    assert (project.counts(), project_files(project)) == before

    with pytest.raises(UserError) as trained:  # the training wizard's dataset page and the engine
        inspect_dataset(root)
    assert str(trained.value) == message
    with pytest.raises(UserError) as split:
        read_split(root, "train")
    assert str(split.value) == message

    assert f"train: {message}" in validate_dataset(root).problems  # validation lists it, and the rest


def test_invalid_json_is_named_the_same_way_everywhere(tmp_path: Path, project: Project) -> None:
    root = _dataset(tmp_path / "ds")
    (root / "train" / "_annotations.coco.json").write_text('{"images": [')
    messages = set()
    for call in (lambda: import_coco(project, root), lambda: inspect_dataset(root), lambda: read_split(root, "train")):
        with pytest.raises(UserError) as caught:
            call()
        messages.add(str(caught.value))
    (message,) = messages
    assert message.startswith("_annotations.coco.json is not valid JSON (line 1, column 13")
    assert f"train: {message}" in validate_dataset(root).problems


def test_validation_lists_every_broken_entry_and_keeps_counting_the_rest(tmp_path: Path) -> None:
    def two_problems(d: dict[str, Any]) -> None:
        _no_annotation_id(d)
        _unknown_image(d)

    report = validate_dataset(_dataset(tmp_path / "ds", two_problems))
    assert len(report.problems) == 2
    assert report.stats["train"].images == 3
    assert report.stats["train"].boxes == {"player": 2, "ball": 2}


def test_a_sound_dataset_reads_the_same_through_every_caller(tmp_path: Path, project: Project) -> None:
    root = _dataset(tmp_path / "ds")
    assert validate_dataset(root).ok
    summary = inspect_dataset(root)
    assert (summary.counts["train"].player, summary.counts["train"].ball) == (3, 3)
    assert import_coco(project, root).boxes == {"player": 6, "ball": 6}


def test_one_threshold_for_a_small_valid_split() -> None:
    small = MIN_VALID_IMAGES - 1
    from_export = balance_warnings({"train": {"images": 100, "ball": 10, "ball_frames": 10},
                                    "valid": {"images": small, "ball": 5, "ball_frames": 5}})
    from_training = weak_data_warnings({"train": SplitCounts(100, 100, 10, 10, 0),
                                        "valid": SplitCounts(small, 5, 5, 5, 0)})
    warning = f"The valid split has only {small} images (fewer than {MIN_VALID_IMAGES})"
    assert [w for w in from_export if warning in w] == [w for w in from_training if warning in w] != []
    enough = {"valid": {"images": MIN_VALID_IMAGES, "ball": 5, "ball_frames": 5}}
    assert not [w for w in balance_warnings(enough) if "fewer than" in w]
