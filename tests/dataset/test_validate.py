"""Validation: a clean export passes; each kind of damage is reported once, naming image and annotation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from soccer_desktop.dataset.common import DatasetError
from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.dataset.validate import validate_dataset
from soccer_desktop.project.store import Project
from tests.dataset.builders import add_video_frames, ball, load_split, player, write_image


@pytest.fixture
def exported(project: Project, tmp_path: Path) -> Path:
    add_video_frames(project, "a.mp4", range(0, 25 * 200, 25),
                     boxes_for=lambda i: [player(), ball(w=12, h=11)] if i % 100 == 0 else [player(w=40, h=30)])
    export_dataset(project, tmp_path / "out")
    return tmp_path / "out"


def _edit(out: Path, split: str, change: Any) -> None:
    path = out / split / "_annotations.coco.json"
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def test_clean_export_report(exported: Path) -> None:
    report = validate_dataset(exported)
    assert report.ok, report.problems
    assert set(report.stats) == {"train", "valid"}
    total = report.total()
    assert total.images == 200 and total.boxes == {"player": 200, "ball": 50} and total.ball_frames == 50
    assert total.small_balls == 50 and total.sizes["ball"] == [0, 50, 0, 0, 0, 0]
    assert total.sizes["player"] == [0, 50, 0, 150, 0, 0]
    text = report.format()
    assert "balls <15 px" in text and "No problems found." in text
    assert "valid" in text and "train" in text


def test_each_problem_is_named(exported: Path) -> None:
    def damage(document: dict[str, Any]) -> None:
        images, annotations = document["images"], document["annotations"]
        annotations[0]["bbox"] = [60.0, 40.0, 10.0, 10.0]  # past the 64x48 edge
        annotations[1]["bbox"] = [1.0, 1.0, 0.5, 4.0]  # under 1 px
        annotations[2]["id"] = annotations[3]["id"]  # duplicate id
        annotations[4]["image_id"] = 999_999  # unknown image
        annotations[5]["category_id"] = 3
        annotations[6]["iscrowd"] = 1
        images[0]["width"] = 128  # the file is 64 wide
        images[1]["file_name"] = "gone.jpg"

    _edit(exported, "train", damage)
    train = load_split(exported, "train")
    report = validate_dataset(exported)
    assert not report.ok
    problems = report.problems
    assert len(problems) == 8, problems
    first = train["annotations"][0]
    assert any(f"annotation {first['id']} (image {first['image_id']}" in p and "reaches outside" in p
               for p in problems)
    assert any("smaller than 1 px" in p for p in problems)
    assert any("is used twice" in p for p in problems)
    assert any("refers to image 999999, which is not in 'images'" in p for p in problems)
    assert any("category_id 3" in p for p in problems)
    assert any("iscrowd" in p for p in problems)
    assert any(f"image {train['images'][0]['id']}" in p and "64x48 but the entry says 128x48" in p for p in problems)
    assert any("'gone.jpg': the file is missing" in p for p in problems)
    assert all(p.startswith("train: ") for p in problems)
    assert "8 problems:" in report.format()


def test_wrong_categories_and_unloadable_files(exported: Path) -> None:
    _edit(exported, "train", lambda d: d.update(categories=[{"id": 0, "name": "person"}, {"id": 1, "name": "ball"}]))
    (exported / "valid" / "_annotations.coco.json").write_text("{not json")
    problems = validate_dataset(exported).problems
    assert len(problems) >= 2
    assert any(p.startswith("train: _annotations.coco.json has the categories 0='person', 1='ball'")
               for p in problems)
    assert any(p.startswith("valid: _annotations.coco.json is not valid JSON (line 1") for p in problems)


def test_an_entry_pycocotools_would_trip_over_is_named_by_the_shared_reader(exported: Path) -> None:
    def drop_image_id(document: dict[str, Any]) -> None:
        del document["annotations"][0]["image_id"]

    _edit(exported, "valid", drop_image_id)
    (problem,) = validate_dataset(exported).problems
    assert problem.startswith("valid: _annotations.coco.json: annotations[0] (id ")
    assert problem.endswith("refers to image None, which is not in 'images'. Fix the file or export it again.")


def test_a_frame_in_two_splits_is_a_leak(exported: Path) -> None:
    train = load_split(exported, "train")
    leaked = dict(train["images"][0], id=10**9)

    def add(document: dict[str, Any]) -> None:
        document["images"].append(leaked)

    write_image(exported / "valid" / leaked["file_name"])
    _edit(exported, "valid", add)
    (problem,) = validate_dataset(exported).problems
    assert "so the split leaks" in problem and problem.startswith("valid: ")


def test_folder_without_coco_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="holds no COCO annotation file"):
        validate_dataset(tmp_path)
    with pytest.raises(DatasetError, match="is not a folder"):
        validate_dataset(tmp_path / "missing")
