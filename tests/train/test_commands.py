"""``soccer-desktop train``: argument errors name the fix (exit 2); runs inside a project are listed there."""

from __future__ import annotations

from pathlib import Path

import pytest

from soccer_desktop.cli import build_parser, main
from soccer_desktop.project.store import Project
from soccer_desktop.train import runs
from soccer_desktop.train.config import cpu_smoke_config, save_config
from tests.train.synthetic import write_dataset

CONFIGS = Path(__file__).resolve().parents[2] / "soccer_desktop" / "configs"


def test_train_is_a_subcommand() -> None:
    args = build_parser().parse_args(["train", "--config", "c.yaml", "--dataset", "d", "--out", "r", "--phase",
                                      "both", "--devices", "2"])
    assert args.phase == "both" and args.devices == 2 and args.func.__module__ == "soccer_desktop.train.commands"


def test_bad_configuration_exits_2_naming_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("phase1: {epochs: 0, lr: 1e-4}\nmodel: {size: giant}\n")
    code = main(["train", "--config", str(config), "--dataset", str(tmp_path), "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 2 and "phase1.epochs" in err and "model.size" in err


def test_missing_dataset_in_a_project_run_is_listed_as_failed(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    with Project.create(tmp_path / "project") as project:
        root = project.root
    run_dir = root / "runs" / "r1"
    code = main(["train", "--config", str(CONFIGS / "training_cpu_smoke.yaml"), "--dataset",
                 str(tmp_path / "nowhere"), "--out", str(run_dir)])
    assert code == 2 and "nowhere does not exist" in capsys.readouterr().err
    with Project.open(root) as project:
        (record,) = runs.list_runs(project)
    assert record.name == "r1" and record.status == "failed" and record.directory == str(run_dir)


def test_phase_2_alone_needs_phase_1s_weights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dataset = write_dataset(tmp_path / "ds", {"train": 2, "valid": 2}, size=64)
    config = cpu_smoke_config()
    config.tracking.mlflow = False
    save_config(config, tmp_path / "c.yaml")
    code = main(["train", "--config", str(tmp_path / "c.yaml"), "--dataset", str(dataset), "--out",
                 str(tmp_path / "run"), "--phase", "2"])
    err = capsys.readouterr().err
    assert code == 2 and "phase 1's best weights" in err and "--phase 1" in err
    assert runs.read_manifest(tmp_path / "run")["error"]["kind"] == "user"


def test_typo_in_an_augmentation_stops_before_training(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dataset = write_dataset(tmp_path / "ds", {"train": 2, "valid": 2}, size=64)
    config = cpu_smoke_config()
    config.augment.albumentations[2].name = "MotionBlurr"
    save_config(config, tmp_path / "c.yaml")
    code = main(["train", "--config", str(tmp_path / "c.yaml"), "--dataset", str(dataset), "--out",
                 str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 2 and "'MotionBlurr' is not an albumentations transform" in err and "MotionBlur?" in err
    assert not (tmp_path / "run" / "phase1").exists()
