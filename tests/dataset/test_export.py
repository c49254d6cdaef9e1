"""Export: the RF-DETR layout, leak-free time-block splits, manifest, other layouts, refusals."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from pycocotools.coco import COCO

from soccer_desktop.core.jobs import JobCancelled
from soccer_desktop.dataset.common import DatasetError
from soccer_desktop.dataset.export import MANIFEST_NAME, export_dataset
from soccer_desktop.project.store import BoxSource, Project
from tests.dataset.builders import HEIGHT, WIDTH, add_loose_frames, add_video_frames, ball, load_split, player


def _match_project(project: Project, frames: int = 600, step: int = 5) -> None:
    """One 25 fps video, a reviewed frame every ``step`` frames, the ball in one frame of twenty."""
    add_video_frames(
        project, "match.mp4", range(0, frames * step, step),
        boxes_for=lambda i: [player(), player(x=30)] + ([ball()] if i % (20 * step) == 0 else []),
    )


def test_coco_layout_categories_boxes_negatives_and_video_fields(project: Project, tmp_path: Path) -> None:
    add_video_frames(project, "a.mp4", [0, 250, 500], boxes_for=lambda i: [] if i == 250 else [player(), ball()])
    add_video_frames(project, "b.mp4", [0, 250], boxes_for=lambda i: [player(x=1.25, y=2.5, w=7.75, h=9.5)])
    add_loose_frames(project, ["x.jpg", "y.jpg"], boxes_for=lambda name: [player()])

    result = export_dataset(project, tmp_path / "out", valid=0.2, seed=1)

    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "train", "valid"]
    images, annotations = [], []
    for split in ("train", "valid"):
        document = load_split(out, split)
        assert document["categories"] == [
            {"id": 1, "name": "player", "supercategory": "none"}, {"id": 2, "name": "ball", "supercategory": "none"}
        ]
        for image in document["images"]:
            assert (out / split / image["file_name"]).is_file()
        coco = COCO(str(out / split / "_annotations.coco.json"))
        assert len(coco.imgs) == len(document["images"])
        images += document["images"]
        annotations += document["annotations"]
    assert len(images) == 7
    assert len({image["file_name"] for image in images}) == 7  # unique across videos
    negative = [i for i in images if i.get("video") == "a.mp4" and i["frame_index"] == 250]
    assert len(negative) == 1 and not [a for a in annotations if a["image_id"] == negative[0]["id"]]
    from_b = [i for i in images if i.get("video") == "b.mp4"]
    assert {i["frame_index"] for i in from_b} == {0, 250}
    (box_b,) = [a for a in annotations if a["image_id"] == from_b[0]["id"]]
    assert box_b["bbox"] == [1.25, 2.5, 7.75, 9.5] and box_b["area"] == 7.75 * 9.5
    assert box_b["iscrowd"] == 0 and box_b["category_id"] == 1
    loose = [i for i in images if "video" not in i]
    assert sorted(i["file_name"] for i in loose) == ["x.jpg", "y.jpg"]
    assert all((i["width"], i["height"]) == (WIDTH, HEIGHT) for i in images)
    assert result.validation is not None and result.validation.ok


def test_manifest_records_parameters_counts_and_annotation_hash(project: Project, tmp_path: Path) -> None:
    _match_project(project)
    result = export_dataset(project, tmp_path / "out", valid=0.25, test=0.1, seed=7)
    manifest = json.loads(result.manifest.read_text())
    assert manifest["project"] == {"name": project.name, "root": str(project.root)}
    assert manifest["split"]["valid"] == 0.25 and manifest["split"]["test"] == 0.1 and manifest["split"]["seed"] == 7
    assert manifest["split"]["block_seconds"] == 10.0
    assert set(manifest["counts"]) == {"train", "valid", "test"}
    assert sum(c["images"] for c in manifest["counts"].values()) == 600
    assert sum(c["ball"] for c in manifest["counts"].values()) == 30
    for name, digest in manifest["annotation_files"].items():
        assert hashlib.sha256((tmp_path / "out" / name).read_bytes()).hexdigest() == digest
    listing = "".join(f"{d}  {n}\n" for n, d in sorted(manifest["annotation_files"].items()))
    assert manifest["annotations_sha256"] == hashlib.sha256(listing.encode()).hexdigest() == result.annotations_sha256
    assert manifest["validation"]["ok"] is True
    for split, counts in manifest["counts"].items():
        assert counts["images"] == len(load_split(tmp_path / "out", split)["images"])


def test_no_time_block_of_a_video_is_in_two_splits(project: Project, tmp_path: Path) -> None:
    _match_project(project)  # 600 frames over 120 s: 12 blocks of 10 s
    result = export_dataset(project, tmp_path / "out", valid=0.2, seed=3)
    manifest = json.loads(result.manifest.read_text())
    frames_per_block = manifest["split"]["frames_per_block"]["1"]
    assert frames_per_block == 250 and not result.warnings
    splits_of_block: dict[int, set[str]] = defaultdict(set)
    for split in ("train", "valid"):
        for image in load_split(tmp_path / "out", split)["images"]:
            splits_of_block[image["frame_index"] // frames_per_block].add(split)
    assert len(splits_of_block) == 12
    assert all(len(splits) == 1 for splits in splits_of_block.values())
    valid_blocks = [block for block, splits in splits_of_block.items() if splits == {"valid"}]
    assert 1 <= len(valid_blocks) <= 4


def test_split_is_deterministic_per_seed_and_near_the_ratio(project: Project, tmp_path: Path) -> None:
    add_video_frames(project, "long.mp4", range(0, 25 * 600, 25))  # 10 min, one frame a second: 60 blocks
    first = export_dataset(project, tmp_path / "a", seed=5)
    again = export_dataset(project, tmp_path / "b", seed=5)
    other = export_dataset(project, tmp_path / "c", seed=6)
    assert first.annotations_sha256 == again.annotations_sha256
    assert first.annotations_sha256 != other.annotations_sha256
    assert first.counts["valid"]["images"] == 120 and first.counts["train"]["images"] == 480


def test_valid_always_gets_ball_frames(project: Project, tmp_path: Path) -> None:
    # The ball appears in two short stretches only; most blocks have none.
    add_video_frames(project, "m.mp4", range(0, 25 * 300, 25),
                     boxes_for=lambda i: [player()] + ([ball()] if 1000 <= i < 1100 or 5000 <= i < 5100 else []))
    for seed in range(6):
        result = export_dataset(project, tmp_path / f"out{seed}", seed=seed)
        assert result.counts["valid"]["ball_frames"] > 0
        assert result.counts["train"]["ball_frames"] > 0


def test_tiny_selection_shrinks_blocks_and_warns(project: Project, tmp_path: Path) -> None:
    add_video_frames(project, "short.mp4", range(0, 40, 4), boxes_for=lambda i: [player(), ball()])
    result = export_dataset(project, tmp_path / "out")
    assert result.counts["valid"]["images"] >= 1 and result.counts["valid"]["ball_frames"] >= 1
    assert any("shortened" in w for w in result.warnings)
    assert [w for w in result.warnings if "fewer than 20" in w] == [
        "The valid split has only 2 images (fewer than 20): its mAP will jump from epoch to epoch and is too noisy "
        "to pick the best checkpoint. Review more frames."]
    yolo = export_dataset(project, tmp_path / "yolo", "yolo")
    assert any("fewer than 20" in w for w in yolo.warnings)  # no validation pass, same warning


def test_empty_selection_is_refused_and_leaves_nothing(project: Project, tmp_path: Path) -> None:
    add_video_frames(project, "a.mp4", [0, 1], reviewed=False)
    with pytest.raises(DatasetError, match="no reviewed frames"):
        export_dataset(project, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out*"))


def test_no_ball_boxes_warns(project: Project, tmp_path: Path) -> None:
    _match_project(project, frames=50, step=100)
    with project.transaction() as db:
        db.execute("DELETE FROM boxes WHERE class_id = 2")
    result = export_dataset(project, tmp_path / "out")
    assert any("no ball boxes" in w for w in result.warnings)


def test_include_pseudo_takes_confident_unreviewed_frames_only(project: Project, tmp_path: Path) -> None:
    pseudo = BoxSource.PSEUDO
    add_video_frames(project, "r.mp4", range(0, 2500, 250))
    add_video_frames(project, "p.mp4", range(0, 2500, 250), reviewed=False,
                     boxes_for=lambda i: [player(score=0.9, source=pseudo), ball(score=0.3, source=pseudo)]
                     if i < 1250 else [player(score=0.2, source=pseudo)])
    plain = export_dataset(project, tmp_path / "plain")
    assert sum(c["images"] for c in plain.counts.values()) == 10
    mixed = export_dataset(project, tmp_path / "mixed", include_pseudo=0.5)
    assert sum(c["images"] for c in mixed.counts.values()) == 15  # 5 unreviewed frames reach 0.5
    assert sum(c["ball"] for c in mixed.counts.values()) == 0  # the 0.3 balls stay out
    manifest = json.loads(mixed.manifest.read_text())
    assert manifest["selection"]["pseudo_frames"] == 5 and manifest["selection"]["include_pseudo"] == 0.5


def test_boxes_past_the_edge_are_clipped_and_slivers_left_out(project: Project, tmp_path: Path) -> None:
    add_video_frames(project, "a.mp4", range(0, 2500, 250),
                     boxes_for=lambda i: [player(x=-3, y=40, w=10, h=20), player(x=63.5, y=1, w=5, h=5)])
    result = export_dataset(project, tmp_path / "out", valid=0.0)
    (box,) = {tuple(a["bbox"]) for a in load_split(tmp_path / "out", "train")["annotations"]}
    assert box == (0.0, 40.0, 7.0, 8.0)
    assert any("clipped" in w for w in result.warnings) and any("left out" in w for w in result.warnings)
    assert result.validation is not None and result.validation.ok


def test_coco_plan_layout(project: Project, tmp_path: Path) -> None:
    _match_project(project, frames=100)
    result = export_dataset(project, tmp_path / "out", "coco-plan")
    for folder in ("train", "val"):
        document = json.loads((tmp_path / "out" / folder / "annotations" / "annotations.json").read_text())
        assert document["images"]
        assert all((tmp_path / "out" / folder / "images" / i["file_name"]).is_file() for i in document["images"])
    assert result.validation is not None and result.validation.ok
    assert set(result.counts) == {"train", "valid"}


def test_yolo_layout(project: Project, tmp_path: Path) -> None:
    add_video_frames(project, "a.mp4", range(0, 2500, 250), boxes_for=lambda i: [player(x=8, y=4, w=16, h=24), ball()]
                     if i else [])
    result = export_dataset(project, tmp_path / "out", "yolo", valid=0.3)
    out = tmp_path / "out"
    spec = yaml.safe_load((out / "data.yaml").read_text())
    assert spec == {"train": "images/train", "val": "images/valid", "nc": 2, "names": ["player", "ball"]}
    labels = sorted((out / "labels").rglob("*.txt"))
    assert len(labels) == 10 and len(list((out / "images").rglob("*.jpg"))) == 10
    lines = [line for label in labels for line in label.read_text().splitlines()]
    assert "0 0.250000 0.333333 0.250000 0.500000" in lines
    assert sum(line.startswith("1 ") for line in lines) == 9
    assert sum(not label.read_text() for label in labels) == 1  # the negative
    assert result.validation is None


def test_mot_layout(project: Project, tmp_path: Path) -> None:
    add_video_frames(project, "a.mp4", [0, 9], boxes_for=lambda i: [player(track_id=4), ball()])
    add_loose_frames(project, ["x.jpg"], boxes_for=lambda name: [player()])
    result = export_dataset(project, tmp_path / "out", "mot")
    gt = (tmp_path / "out" / "a" / "gt" / "gt.txt").read_text().splitlines()
    assert gt == [
        "1,4,10.00,5.00,6.50,14.25,1,1,1", "1,-1,30.00,20.00,3.00,3.00,1,2,1",
        "10,4,10.00,5.00,6.50,14.25,1,1,1", "10,-1,30.00,20.00,3.00,3.00,1,2,1",
    ]
    assert "seqLength=100000" in (tmp_path / "out" / "a" / "seqinfo.ini").read_text()
    assert sorted(p.name for p in (tmp_path / "out" / "a" / "img1").iterdir()) == ["000001.jpg", "000010.jpg"]
    assert any("not from a video" in w for w in result.warnings)
    assert json.loads(result.manifest.read_text())["sequences"] == {"a": {"annotated_frames": [1, 10]}}


def test_refuses_a_folder_with_other_files_and_replaces_an_earlier_export_when_asked(project: Project, tmp_path: Path) -> None:
    _match_project(project, frames=50, step=100)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(DatasetError, match="not a Soccer Desktop dataset"):
        export_dataset(project, busy)
    assert (busy / "notes.txt").read_text() == "mine"

    export_dataset(project, tmp_path / "out", "yolo")
    with pytest.raises(DatasetError, match="--replace"):
        export_dataset(project, tmp_path / "out", "coco")
    export_dataset(project, tmp_path / "out", "coco", replace=True)
    assert not (tmp_path / "out" / "labels").exists()  # nothing stale from the earlier export
    assert (tmp_path / "out" / "train" / "_annotations.coco.json").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cancel_leaves_no_dataset_and_no_staging(project: Project, tmp_path: Path) -> None:
    _match_project(project, frames=300)
    calls = iter(range(1000))
    with pytest.raises(JobCancelled):
        export_dataset(project, tmp_path / "out", cancel=lambda: next(calls) >= 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "videos"]


def test_missing_frame_picture_is_named(project: Project, tmp_path: Path) -> None:
    add_video_frames(project, "a.mp4", [0, 250])
    (project.frames_dir / "v0001" / "0000250.jpg").unlink()
    with pytest.raises(DatasetError, match=r"frame 250 of a\.mp4.*missing"):
        export_dataset(project, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_bad_split_shares_are_refused(project: Project, tmp_path: Path) -> None:
    add_video_frames(project, "a.mp4", [0])
    with pytest.raises(DatasetError, match="leave nothing to train on"):
        export_dataset(project, tmp_path / "out", valid=0.6, test=0.5)
