"""The headless command line: stable forms, summaries, and clear errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from soccer_desktop.cli import main
from soccer_desktop.project.store import Project

ROOT = Path(__file__).resolve().parents[1]


def test_help_lists_the_commands_and_python_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "soccer_desktop", "--help"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("demo", "project", "video", "gui"):
        assert command in result.stdout


def test_project_create_then_video_add_with_events(tmp_path: Path, index_clip: Path, capsys) -> None:
    assert main(["project", "create", str(tmp_path / "p")]) == 0
    events = tmp_path / "events.json"
    events.write_text(json.dumps({"annotations": [{"label": "PASS", "position": "2000", "gameTime": "1 - 00:02"}]}))
    assert main(["video", "add", str(tmp_path / "p"), str(index_clip), "--events", str(events)]) == 0
    out = capsys.readouterr().out
    assert "300 frames at 25 fps" in out and "1 events" in out
    with Project.open(tmp_path / "p") as project:
        (video,) = project.videos()
        assert [e.frame_index for e in project.events(video.id)] == [50]


def test_video_add_creates_the_project_if_missing(tmp_path: Path, index_clip: Path) -> None:
    assert main(["video", "add", str(tmp_path / "new"), str(index_clip)]) == 0
    with Project.open(tmp_path / "new") as project:
        assert len(project.videos()) == 1


def test_errors_are_one_clear_line_and_exit_2(tmp_path: Path, index_clip: Path, capsys) -> None:
    assert main(["project", "create", str(tmp_path / "p")]) == 0
    assert main(["project", "create", str(tmp_path / "p")]) == 2
    assert "already holds a project" in capsys.readouterr().err
    bogus = tmp_path / "x.mp4"
    bogus.write_text("not a video")
    assert main(["video", "add", str(tmp_path / "p"), str(bogus)]) == 2
    assert "cannot be opened as a video" in capsys.readouterr().err
    bad_events = tmp_path / "bad.json"
    bad_events.write_text("{")
    assert main(["video", "add", str(tmp_path / "p"), str(index_clip), "--events", str(bad_events)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    with Project.open(tmp_path / "p") as project:
        assert project.videos() == []  # the bad event file kept the video out too


def test_video_relink_checks_it_is_the_same_video(tmp_path: Path, index_clip: Path, capsys) -> None:
    moved = tmp_path / "clip.mp4"
    moved.write_bytes(index_clip.read_bytes())
    assert main(["video", "add", str(tmp_path / "p"), str(moved)]) == 0
    new_place = moved.rename(tmp_path / "elsewhere.mp4")
    other = tmp_path / "other.mp4"
    from tests.media import write_index_clip

    write_index_clip(other, frame_count=20)
    assert main(["video", "relink", str(tmp_path / "p"), "1", str(other)]) == 2
    assert "not the same video" in capsys.readouterr().err
    assert main(["video", "relink", str(tmp_path / "p"), "1", str(new_place)]) == 0
    with Project.open(tmp_path / "p") as project:
        assert project.video(1).file_status() == "ok"
