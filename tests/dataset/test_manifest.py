"""Datasets never change under a run: one hash for export and runs, refusals to replace a used dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soccer_desktop import cli
from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.dataset.manifest import (
    DatasetChangedError,
    check_dataset_unchanged,
    dataset_hash,
    recorded_hash,
)
from soccer_desktop.project.store import Project
from soccer_desktop.train import runs
from tests.dataset.builders import add_video_frames


def _used_by_run(project: Project, dataset: Path, name: str = "first-run") -> Path:
    """A run of the project that trained on ``dataset`` (its manifest as the engine writes it)."""
    run_dir = runs.new_run_dir(project.root, name)
    run_dir.mkdir(parents=True)
    runs.write_manifest(run_dir, {"status": "completed", "dataset": {
        "root": str(dataset), "manifest_file": str(dataset / "dataset_manifest.json"),
        "annotations_sha256": "x", "sha256": dataset_hash(dataset)}})
    runs.register_run(project, name, run_dir, {})
    return run_dir


def test_export_records_the_hash_the_runs_compute(project: Project, tmp_path: Path) -> None:
    add_video_frames(project, "m.mp4", range(0, 2000, 100))
    for fmt in ("coco", "yolo", "mot", "coco-plan"):
        result = export_dataset(project, tmp_path / fmt, fmt, valid=0.2)
        manifest = json.loads(result.manifest.read_text())
        assert manifest["annotations_sha256"] == result.annotations_sha256 == dataset_hash(tmp_path / fmt)
    out = tmp_path / "coco"
    before = dataset_hash(out)
    check_dataset_unchanged(out, before)  # unchanged: no error
    annotation = out / "train" / "_annotations.coco.json"
    document = json.loads(annotation.read_text())
    document["annotations"][0]["bbox"][0] += 1.0
    annotation.write_text(json.dumps(document))
    assert dataset_hash(out) != before
    with pytest.raises(DatasetChangedError, match=r"Cannot resume this run: its dataset .* changed since"):
        check_dataset_unchanged(out, before)
    annotation.unlink()
    with pytest.raises(DatasetChangedError):
        check_dataset_unchanged(out, before)
    with pytest.raises(DatasetChangedError, match="is gone"):
        check_dataset_unchanged(tmp_path / "nowhere", before)
    check_dataset_unchanged(tmp_path / "nowhere", None)  # nothing recorded: nothing to compare
    assert recorded_hash({"dataset": {"sha256": "abc", "annotations_sha256": "def"}}) == "abc"
    assert recorded_hash({"dataset": {"annotations_sha256": "def", "manifest_file": None}}) is None


def test_cli_refuses_to_replace_a_dataset_a_run_used_and_replace_needs_asking(project: Project, tmp_path: Path,
                                                                             capsys: pytest.CaptureFixture) -> None:
    add_video_frames(project, "m.mp4", range(0, 2000, 100))
    root, used, free = str(project.root), tmp_path / "used", tmp_path / "free"
    assert cli.main(["dataset", "export", root, str(used)]) == 0
    assert cli.main(["dataset", "export", root, str(free)]) == 0
    _used_by_run(project, used)
    used_hash = dataset_hash(used)
    capsys.readouterr()

    for extra in ([], ["--replace"]):
        assert cli.main(["dataset", "export", root, str(used), "--valid", "0.5", *extra]) == 2
        error = capsys.readouterr().err
        assert "'first-run' used" in error and "Export to a new folder" in error
        assert dataset_hash(used) == used_hash

    free_hash = dataset_hash(free)
    assert cli.main(["dataset", "export", root, str(free), "--valid", "0.5"]) == 2
    assert "pass --replace" in capsys.readouterr().err and dataset_hash(free) == free_hash
    assert cli.main(["dataset", "export", root, str(free), "--valid", "0.5", "--replace"]) == 0
    assert dataset_hash(free) != free_hash
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_resume_refuses_a_changed_dataset_before_training(project: Project, tmp_path: Path) -> None:
    from soccer_desktop.train.config import load_config
    from soccer_desktop.train.engine import run_training

    add_video_frames(project, "m.mp4", range(0, 2000, 100))
    dataset = export_dataset(project, tmp_path / "ds", valid=0.2).out_dir
    run_dir = _used_by_run(project, dataset)
    config = load_config(Path(__file__).resolve().parents[2] / "soccer_desktop" / "configs" / "training_cpu_smoke.yaml")
    annotation = dataset / "train" / "_annotations.coco.json"  # edited by hand after the run
    annotation.write_text(annotation.read_text().replace('"iscrowd":0', '"iscrowd":1', 1))
    with pytest.raises(DatasetChangedError, match=f"Cannot resume the run in {run_dir}"):
        run_training(config, dataset, run_dir, resume=True)
    assert runs.read_manifest(run_dir)["status"] == "completed"  # the run is left as it was
