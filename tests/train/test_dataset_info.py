"""Dataset summaries: counts from the COCO files, the manifest, and warnings on weak data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soccer_desktop.train.dataset_info import DatasetProblem, inspect_dataset, load_sample, read_split
from tests.train.synthetic import write_dataset


def test_counts_and_manifest(tmp_path: Path) -> None:
    root = write_dataset(tmp_path / "ds", {"train": 6, "valid": 3}, size=96)
    summary = inspect_dataset(root)
    assert summary.counts["train"].images == 6 and summary.counts["valid"].images == 3
    assert summary.counts["train"].ball == summary.counts["train"].ball_frames == 3
    manifest = json.loads((root / "manifest.json").read_text())
    assert summary.manifest == manifest and summary.annotations_sha256 == manifest["annotations_sha256"]
    for split in ("train", "valid"):
        assert summary.counts[split].player == manifest["counts"][split]["player"]
    assert any("valid split has only 3 images" in w for w in summary.warnings)
    assert "train: 6 images" in summary.describe()


def test_exporter_manifest_name_is_read_too(tmp_path: Path) -> None:
    root = write_dataset(tmp_path / "ds", {"train": 2, "valid": 2}, size=64)
    (root / "manifest.json").rename(root / "dataset_manifest.json")
    assert inspect_dataset(root).manifest_file == root / "dataset_manifest.json"


def test_weak_data_warnings(tmp_path: Path) -> None:
    root = write_dataset(tmp_path / "ds", {"train": 4}, size=64, ball_every=0)
    summary = inspect_dataset(root)
    text = " ".join(summary.warnings)
    assert "no ball boxes" in text and "no valid split" in text


def test_wrong_categories_and_missing_folders(tmp_path: Path) -> None:
    with pytest.raises(DatasetProblem, match="does not exist"):
        inspect_dataset(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetProblem, match="not a training dataset"):
        inspect_dataset(tmp_path / "empty")
    root = write_dataset(tmp_path / "ds", {"train": 2}, size=64)
    path = root / "train" / "_annotations.coco.json"
    document = json.loads(path.read_text())
    document["categories"] = [{"id": 1, "name": "person"}, {"id": 2, "name": "sports ball"}]
    path.write_text(json.dumps(document))
    with pytest.raises(DatasetProblem, match="exactly player \\(id 1\\) and ball \\(id 2\\)"):
        inspect_dataset(root)


def test_read_split_and_load_sample(tmp_path: Path) -> None:
    root = write_dataset(tmp_path / "ds", {"train": 2}, size=80)
    entries = read_split(root, "train")
    sample = load_sample(entries[0])
    assert sample.image.shape == (80, 80, 3)
    assert len(sample.boxes) == len(entries[0].labels)
    assert set(sample.labels.tolist()) <= {0, 1}
