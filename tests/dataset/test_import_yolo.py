"""YOLO import: the real SoccerTrack-v2 frames, round trips within the text's rounding, refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pycocotools.coco import COCO

from soccer_desktop.dataset.common import DatasetError
from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.dataset.yolo_import import class_names, import_yolo
from soccer_desktop.project.store import ClassId, Project
from tests.dataset.builders import HEIGHT, WIDTH, project_files, write_image

LABELS = {
    "a": "0 0.5 0.5 0.25 0.5\n1 0.123457 0.654321 0.046875 0.0625\n",
    "b": "2 0.5 0.5 0.1 0.1\n0 0.25 0.25 0.1 0.2 0.87\n",
    "c": None,  # no label file: a negative
}


def _yolo_folder(root: Path, layout: str = "images/train", names: str = "['person', 'sports ball', 'referee']") -> Path:
    (root).mkdir(parents=True, exist_ok=True)
    (root / "data.yaml").write_text(f"train: ../train/images\nnc: 3\nnames: {names}\n")
    for stem, text in LABELS.items():
        image = root / layout / f"{stem}.jpg"
        write_image(image)
        if text is not None:
            parts = list(image.relative_to(root).parts)
            parts[parts.index("images")] = "labels"
            label = root.joinpath(*parts).with_suffix(".txt")
            label.parent.mkdir(parents=True, exist_ok=True)
            label.write_text(text)
    return root


def test_real_soccertrack_frames_export_233_players_and_23_balls(
    project: Project, tmp_path: Path, shared_frames: Path
) -> None:
    result = import_yolo(project, shared_frames)
    assert result.frames_added == 10 and result.boxes == {"player": 233, "ball": 23} and not result.dropped
    export = export_dataset(project, tmp_path / "out")
    players = balls = 0
    for split in ("train", "valid"):
        coco = COCO(str(tmp_path / "out" / split / "_annotations.coco.json"))
        players += len(coco.getAnnIds(catIds=[1]))
        balls += len(coco.getAnnIds(catIds=[2]))
        assert all(img["width"] == 2160 and img["height"] == 1080 for img in coco.imgs.values())
    assert (players, balls) == (233, 23)
    assert export.validation is not None
    assert export.validation.ok, export.validation.problems
    assert export.counts["valid"]["ball_frames"] > 0


@pytest.mark.parametrize("layout", ["images", "images/train", "train/images"])
def test_yolo_round_trip_within_the_rounding_of_the_text(project: Project, tmp_path: Path, layout: str) -> None:
    result = import_yolo(project, _yolo_folder(tmp_path / "yolo", layout))
    assert result.frames_added == 3 and result.negatives == 1
    assert result.boxes == {"player": 2, "ball": 1} and result.dropped == {"referee": 1}

    export_dataset(project, tmp_path / "out", "yolo", valid=0.0)
    exported = {
        path.stem: path.read_text() for path in (tmp_path / "out" / "labels" / "train").iterdir()
    }
    assert exported["c"] == ""
    for stem in ("a", "b"):
        text = LABELS[stem]
        assert text is not None
        source = [line.split() for line in text.splitlines() if not line.startswith("2 ")]
        again = [line.split() for line in exported[stem].splitlines()]
        assert len(source) == len(again)
        for before, after in zip(source, again, strict=True):
            assert int(before[0]) == int(after[0])
            assert all(abs(float(x) - float(y)) < 1e-6 for x, y in zip(before[1:5], after[1:5], strict=True))

    export_dataset(project, tmp_path / "coco", valid=0.0)
    coco = COCO(str(tmp_path / "coco" / "train" / "_annotations.coco.json"))
    (image_a,) = [i for i in coco.imgs.values() if i["file_name"] == "a.jpg"]
    in_pixels = sorted((a["category_id"], *a["bbox"]) for a in coco.imgToAnns[image_a["id"]])
    expected = [
        (1, 0.375 * WIDTH, 0.25 * HEIGHT, 0.25 * WIDTH, 0.5 * HEIGHT),
        (2, (0.123457 - 0.046875 / 2) * WIDTH, (0.654321 - 0.0625 / 2) * HEIGHT, 0.046875 * WIDTH, 0.0625 * HEIGHT),
    ]
    for got, want in zip(in_pixels, expected, strict=True):
        assert got == pytest.approx(want, abs=1e-9)
    frames = {Path(f.image_path).stem: f for f in project.frames()}
    (score,) = [b.score for b in project.boxes(frames["b"].id)]
    assert score == 0.87


def test_class_names_as_a_mapping_and_user_choices(project: Project, tmp_path: Path) -> None:
    root = _yolo_folder(tmp_path / "yolo", names="{0: player, 1: ball, 2: referee}")
    assert class_names(root) == {0: "player", 1: "ball", 2: "referee"}
    result = import_yolo(project, root / "data.yaml", class_map={"referee": ClassId.PLAYER, "ball": None})
    assert result.boxes == {"player": 3, "ball": 0} and result.dropped == {"ball": 1}


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("0 0.5 0.5 0.1\n", r"labels/train/a.txt: line 1 has 4 values"),
        ("0 0.5 0.5 0.1 0.1\n7 0.5 0.5 0.1 0.1\n", r"a.txt: line 2 uses class 7"),
        ("0 0.5 0.5 -0.1 0.1\n", r"a.txt: line 1 has a box of size -0.1x0.1"),
        ("0 32 24 8 8\n", r"a.txt: line 1 has values outside 0..1"),
        ("0 0.5 zero 0.1 0.1\n", r"a.txt: line 1 is not numbers"),
    ],
)
def test_malformed_label_is_refused_and_the_project_is_unchanged(
    project: Project, tmp_path: Path, label: str, message: str
) -> None:
    import_yolo(project, _yolo_folder(tmp_path / "good"))
    before, files = project.counts(), project_files(project)
    bad = _yolo_folder(tmp_path / "bad")
    (bad / "labels" / "train" / "a.txt").write_text(label)
    with pytest.raises(DatasetError, match=message):
        import_yolo(project, bad)
    assert project.counts() == before and project_files(project) == files


def test_label_without_image_and_missing_data_yaml(project: Project, tmp_path: Path) -> None:
    root = _yolo_folder(tmp_path / "yolo")
    (root / "labels" / "train" / "ghost.txt").write_text("0 0.5 0.5 0.1 0.1\n")
    with pytest.raises(DatasetError, match=r"labels/train/ghost.txt has no image"):
        import_yolo(project, root)
    shutil.rmtree(root / "labels")
    (root / "data.yaml").unlink()
    with pytest.raises(DatasetError, match="has no data.yaml"):
        import_yolo(project, root)
    assert project.counts()["frames"] == 0 and project_files(project) == set()
