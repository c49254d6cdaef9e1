"""``soccer-desktop dataset import|export|validate``: the stable headless forms and their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soccer_desktop import cli
from soccer_desktop.project.store import Project
from tests.dataset.builders import add_video_frames, ball, player


@pytest.fixture(autouse=True)
def dataset_command(monkeypatch: pytest.MonkeyPatch) -> None:
    if "soccer_desktop.dataset.commands" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "soccer_desktop.dataset.commands"))


def test_import_export_validate(tmp_path: Path, shared_frames: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project_dir, out = tmp_path / "new-project", tmp_path / "dataset"
    assert cli.main(["dataset", "import", str(project_dir), str(shared_frames), "--format", "yolo"]) == 0
    text = capsys.readouterr().out
    assert "Imported 10 frames" in text and "233 player and 23 ball boxes" in text

    assert cli.main(["dataset", "export", str(project_dir), str(out), "--valid", "0.3", "--seed", "4"]) == 0
    text = capsys.readouterr().out
    assert "train:" in text and "valid:" in text and "annotations sha256:" in text and "No problems found." in text
    manifest = json.loads((out / "dataset_manifest.json").read_text())
    assert manifest["split"]["seed"] == 4 and manifest["split"]["valid"] == 0.3

    assert cli.main(["dataset", "validate", str(out)]) == 0
    assert "balls <15 px" in capsys.readouterr().out

    document = json.loads((out / "train" / "_annotations.coco.json").read_text())
    document["annotations"][0]["bbox"][2] = 0.5
    (out / "train" / "_annotations.coco.json").write_text(json.dumps(document))
    assert cli.main(["dataset", "validate", str(out)]) == 1
    assert f"train: annotation {document['annotations'][0]['id']} " in capsys.readouterr().out


def test_export_formats_and_pseudo_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Project.create(tmp_path / "p") as project:
        add_video_frames(project, "a.mp4", range(0, 25 * 100, 25), boxes_for=lambda i: [player(), ball()])
    for fmt in ("coco-plan", "yolo", "mot"):
        assert cli.main(["dataset", "export", str(tmp_path / "p"), str(tmp_path / fmt), "--format", fmt,
                         "--test", "0.1", "--include-pseudo", "0.5", "--block-seconds", "5"]) == 0
    assert (tmp_path / "coco-plan" / "test" / "annotations" / "annotations.json").is_file()
    assert (tmp_path / "yolo" / "labels" / "test").is_dir()
    assert (tmp_path / "mot" / "a" / "gt" / "gt.txt").is_file()


def test_user_errors_exit_2_with_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Project.create(tmp_path / "empty").close()
    assert cli.main(["dataset", "export", str(tmp_path / "empty"), str(tmp_path / "out")]) == 2
    assert "no reviewed frames" in capsys.readouterr().err
    assert cli.main(["dataset", "import", str(tmp_path / "p"), str(tmp_path), "--format", "mot"]) == 2
    assert "add --video VIDEO" in capsys.readouterr().err
    assert cli.main(["dataset", "import", str(tmp_path / "p"), str(tmp_path), "--format", "coco",
                     "--map", "referee=coach"]) == 2
    assert "--map 'referee=coach'" in capsys.readouterr().err
    assert cli.main(["dataset", "validate", str(tmp_path)]) == 2
    assert "holds no COCO annotation file" in capsys.readouterr().err
