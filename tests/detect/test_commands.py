"""The headless ``extract`` and ``pseudo-label`` commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from soccer_desktop.cli import main
from soccer_desktop.project.store import BoxSource, ClassId, Project
from soccer_desktop.video.library import add_video
from tests.detect.clips import write_pitch_clip

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    with Project.create(tmp_path / "project") as project:
        add_video(project, write_pitch_clip(tmp_path / "clip.mp4", frames=60))
    return tmp_path / "project"


def test_extract_then_motion_pseudo_labels_print_summaries(
    project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extract", str(project_dir), "--every", "10", "--target", "2", "--video", "1"]) == 0
    out = capsys.readouterr().out
    assert "7 frames added from 1 video(s)" in out and " s" in out
    assert main(["extract", str(project_dir), "--every", "10"]) == 0
    assert "0 frames added" in capsys.readouterr().out

    assert main(["pseudo-label", str(project_dir), "--detector", "motion"]) == 0
    captured = capsys.readouterr()
    assert "motion: 7 frames pseudo-labelled" in captured.out
    assert "player" in captured.out and "ball" in captured.out and "frames/s" in captured.out
    assert "fixed camera" in captured.err  # the stated limits
    with Project.open(project_dir) as project:
        boxes = [b for f in project.frames() for b in project.boxes(f.id)]
        assert {b.source for b in boxes} == {BoxSource.PSEUDO}
        assert sum(b.class_id == ClassId.PLAYER for b in boxes) == 4 * 7


def test_range_and_unlabelled_frames(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(project_dir), "--range", "20:30"]) == 0
    assert "10 frames added" in capsys.readouterr().out
    assert main(["pseudo-label", str(project_dir), "--detector", "motion", "--range", "20:25"]) == 0
    assert "5 frames pseudo-labelled" in capsys.readouterr().out
    assert main(["pseudo-label", str(project_dir), "--detector", "motion", "--frames", "unlabelled"]) == 0
    assert "5 frames pseudo-labelled" in capsys.readouterr().out


def test_user_errors_exit_with_status_two_and_the_fix(project_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(project_dir)]) == 2
    assert "--every N" in capsys.readouterr().err
    assert main(["extract", str(project_dir.parent / "nowhere"), "--every", "5"]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert main(["pseudo-label", str(project_dir), "--detector", "motion"]) == 0
    assert "Extract frames first" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["extract", str(project_dir), "--range", "5-9"])


def test_command_line_start_up_imports_no_model_libraries() -> None:
    code = (
        "import sys\n"
        "from soccer_desktop.cli import build_parser\n"
        "build_parser()\n"
        "print(sorted(m for m in ('torch', 'rfdetr', 'sahi', 'supervision') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "[]"
