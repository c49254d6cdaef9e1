"""COCO import: exact round trips, the Roboflow split layout, frame_index + video, refusals that change nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from soccer_desktop.dataset.coco_import import category_names, import_coco
from soccer_desktop.dataset.common import DatasetError
from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.project.store import BoxSource, ClassId, Project
from soccer_desktop.video.reader import VideoReader
from tests.dataset.builders import load_split, project_files, read_picture, write_image
from tests.media import read_index

# Awkward floats on purpose: a round trip must keep them bit for bit.
BOXES = [
    (1, [0.1, 0.2, 10.333333333333334, 20.7]),
    (2, [33.125, 12.0, 1.0000000000000002, 2.5]),
    (1, [5.0, 6.0, 7.0, 8.0]),
]


def _coco_folder(root: Path, images: int = 4, categories: list[dict[str, Any]] | None = None) -> Path:
    """A single-file COCO dataset: ``root/labels.json`` with the images beside it; the last image is a negative."""
    document: dict[str, Any] = {
        "images": [], "annotations": [],
        "categories": categories or [{"id": 1, "name": "player"}, {"id": 2, "name": "ball"}],
    }
    for number in range(images):
        name = f"img_{number}.jpg"
        write_image(root / name, seed=number)
        document["images"].append({"id": number + 10, "file_name": name, "width": 64, "height": 48})
        if number < images - 1:
            for category, bbox in BOXES:
                document["annotations"].append({"id": len(document["annotations"]) + 1, "image_id": number + 10,
                                                "category_id": category, "bbox": bbox, "area": 1.0, "iscrowd": 0})
    (root / "labels.json").write_text(json.dumps(document))
    return root / "labels.json"


def _exported_boxes(out: Path) -> dict[str, list[tuple[int, tuple[float, ...]]]]:
    boxes: dict[str, list[tuple[int, tuple[float, ...]]]] = {}
    for split in ("train", "valid"):
        document = load_split(out, split)
        names = {image["id"]: image["file_name"] for image in document["images"]}
        for name in names.values():
            boxes.setdefault(name, [])
        for ann in document["annotations"]:
            boxes[names[ann["image_id"]]].append((ann["category_id"], tuple(ann["bbox"])))
    return {name: sorted(found) for name, found in boxes.items()}


def test_coco_round_trip_keeps_every_box_exactly(project: Project, tmp_path: Path) -> None:
    source = _coco_folder(tmp_path / "source", images=12)
    result = import_coco(project, source)
    assert result.frames_added == 12 and result.boxes == {"player": 22, "ball": 11} and result.negatives == 1
    frames = project.frames()
    assert all(f.reviewed for f in frames)
    assert {b.source for f in frames for b in project.boxes(f.id)} == {BoxSource.IMPORTED}
    assert all(project.image_file(f).is_relative_to(project.frames_dir / "imported") for f in frames)

    export_dataset(project, tmp_path / "out")
    expected = sorted((category, tuple(bbox)) for category, bbox in BOXES)
    exported = _exported_boxes(tmp_path / "out")
    assert sorted(exported) == sorted(f"img_{n}.jpg" for n in range(12))
    for name, boxes in exported.items():
        assert boxes == ([] if name == "img_11.jpg" else expected)


def test_export_then_import_then_export_is_identical(project: Project, tmp_path: Path) -> None:
    import_coco(project, _coco_folder(tmp_path / "source", images=12))
    export_dataset(project, tmp_path / "first")
    with Project.create(tmp_path / "second-project") as second:
        result = import_coco(second, tmp_path / "first")  # the RF-DETR split layout
        assert result.frames_added == 12
        export_dataset(second, tmp_path / "second")
    assert _exported_boxes(tmp_path / "first") == _exported_boxes(tmp_path / "second")


def test_roboflow_layout_with_a_root_category_and_unknown_classes(project: Project, tmp_path: Path) -> None:
    categories = [
        {"id": 0, "name": "players-ball", "supercategory": "none"},
        {"id": 1, "name": "person", "supercategory": "players-ball"},
        {"id": 2, "name": "sports ball", "supercategory": "players-ball"},
    ]
    for split in ("train", "valid"):
        folder = tmp_path / "rf" / split
        _coco_folder(folder, images=2, categories=categories).rename(folder / "_annotations.coco.json")
    referee = json.loads((tmp_path / "rf" / "train" / "_annotations.coco.json").read_text())
    referee["categories"].append({"id": 3, "name": "referee"})
    referee["annotations"].append({"id": 99, "image_id": 10, "category_id": 3, "bbox": [1, 1, 5, 9]})
    (tmp_path / "rf" / "train" / "_annotations.coco.json").write_text(json.dumps(referee))

    assert category_names(tmp_path / "rf") == ["players-ball", "person", "sports ball", "referee"]
    result = import_coco(project, tmp_path / "rf")
    assert result.frames_added == 4  # same file names in train and valid stay apart
    assert result.boxes == {"player": 4, "ball": 2} and result.dropped == {"referee": 1}
    assert "--map 'referee=player'" in result.summary()

    with Project.create(tmp_path / "mapped") as mapped:
        again = import_coco(mapped, tmp_path / "rf", class_map={"Referee": ClassId.PLAYER})
        assert again.boxes == {"player": 5, "ball": 2} and again.dropped == {}


def test_reimport_adds_nothing(project: Project, tmp_path: Path) -> None:
    source = _coco_folder(tmp_path / "source")
    import_coco(project, source)
    before = project.counts()
    again = import_coco(project, source)
    assert again.frames_added == 0 and again.frames_reused == 4 and again.duplicates == 9
    assert project.counts() == before


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d["annotations"][4].update(image_id=77), r"annotations\[4\] \(id 5\) refers to image 77"),
        (lambda d: d["annotations"][2].update(bbox=[1, 1, -3, 4]), r"annotations\[2\].*size -3x4"),
        (lambda d: d["images"][1].update(width=-64), r"images\[1\] \(id 11\) has size -64x48"),
        (lambda d: d["images"][2].update(file_name="nowhere.jpg"), r"images\[2\].*'nowhere.jpg' is not there"),
        (lambda d: d["images"][0].update(width=32), r"img_0.jpg is 64x48 but the entry says 32x48"),
        (lambda d: d["annotations"][0].update(category_id=5), r"category_id 5, which is not in 'categories'"),
        (lambda d: d["images"].append(dict(d["images"][0])), r"images\[4\] \(id 10\) repeats image id 10"),
    ],
)
def test_malformed_file_is_refused_and_the_project_is_unchanged(
    project: Project, tmp_path: Path, damage: Any, message: str
) -> None:
    import_coco(project, _coco_folder(tmp_path / "good"))
    before, files = project.counts(), project_files(project)
    source = _coco_folder(tmp_path / "bad")
    document = json.loads(source.read_text())
    damage(document)
    source.write_text(json.dumps(document))
    with pytest.raises(DatasetError, match=message):
        import_coco(project, source)
    assert project.counts() == before
    assert project_files(project) == files


def test_broken_json_names_line_and_column(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "broken.json"
    source.write_text('{"images": [\n  {"id": 1,}\n]}')
    with pytest.raises(DatasetError, match=r"broken.json is not valid JSON \(line 2, column"):
        import_coco(project, source)


def test_failure_in_the_transaction_removes_copied_images(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, files = project.counts(), project_files(project)

    def fail(*_: Any, **__: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(project, "set_reviewed", fail)
    with pytest.raises(RuntimeError):
        import_coco(project, _coco_folder(tmp_path / "source"))
    assert project.counts() == before and project_files(project) == files


def _frame_index_coco(path: Path, indices: list[int], width: int, height: int) -> Path:
    document = {
        "images": [{"id": n + 1, "file_name": f"clip.mp4#frame={i}", "width": width, "height": height,
                    "frame_index": i} for n, i in enumerate(indices)],
        "annotations": [{"id": n + 1, "image_id": n + 1, "category_id": 2 if i % 2 else 1,
                         "bbox": [float(i), 3.5, 4.0, 5.0], "area": 20.0, "iscrowd": 0, "track_id": 0}
                        for n, i in enumerate(indices)],
        "categories": [{"id": 1, "name": "player"}, {"id": 2, "name": "ball"}],
    }
    path.write_text(json.dumps(document))
    return path


def test_coco_with_frame_index_takes_frames_from_the_video(project: Project, tmp_path: Path, small_clip: Path) -> None:
    with VideoReader(small_clip) as reader:
        width, height = reader.info.width, reader.info.height
    source = _frame_index_coco(tmp_path / "gt.json", [3, 17, 18, 41], width, height)
    with pytest.raises(DatasetError, match="pass --video VIDEO"):
        import_coco(project, source)

    result = import_coco(project, source, video=small_clip)
    assert result.frames_added == 4 and result.boxes == {"player": 1, "ball": 3}
    (video,) = project.videos()
    for index in (3, 17, 18, 41):
        frame = project.frame_at(video.id, index)
        assert frame is not None and frame.reviewed
        assert read_index(read_picture(project.image_file(frame))) == index  # the exact frame
        (box,) = project.boxes(frame.id)
        assert (box.x, box.y, box.w, box.h, box.track_id) == (float(index), 3.5, 4.0, 5.0, 0)

    export_dataset(project, tmp_path / "out", valid=0.0)
    images = load_split(tmp_path / "out", "train")["images"]
    assert sorted((i["video"], i["frame_index"]) for i in images) == [("clip.mp4", i) for i in (3, 17, 18, 41)]

    with Project.create(tmp_path / "sparse") as sparse:
        assert import_coco(sparse, source, video=small_clip, every=2).frames_added == 1  # only frame 18


def test_frame_outside_the_video_changes_nothing(project: Project, tmp_path: Path, small_clip: Path) -> None:
    with VideoReader(small_clip) as reader:
        width, height = reader.info.width, reader.info.height
    source = _frame_index_coco(tmp_path / "gt.json", [3, 75], width, height)
    outside = r"images\[1\] \(id 2\): frame 75 is outside clip.mp4, which has frames 0 to 59"
    with pytest.raises(DatasetError, match=outside):
        import_coco(project, source, video=small_clip)
    assert project.counts()["videos"] == 0 and project_files(project) == set()
    wrong_size = _frame_index_coco(tmp_path / "gt2.json", [3], width * 2, height)
    with pytest.raises(DatasetError, match="Choose the video these labels were made on"):
        import_coco(project, wrong_size, video=small_clip)
    assert project.counts()["frames"] == 0 and project_files(project) == set()
