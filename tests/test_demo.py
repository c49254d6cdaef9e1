"""The demo project: built once, reused, and never left half-made."""

from __future__ import annotations

from pathlib import Path

import pytest

from soccer_desktop.core.jobs import JobCancelled
from soccer_desktop.demo import build_demo_project
from soccer_desktop.project.store import DB_NAME, Project


def test_built_once_then_reused(tmp_path: Path) -> None:
    folder = build_demo_project(tmp_path / "demo", seconds=1.0)
    with Project.open(folder) as project:
        (video,) = project.videos()
        assert video.frame_count == 25 and project.events(video.id)
    stamp = (folder / "media" / "match.mp4").stat().st_mtime_ns
    assert build_demo_project(folder, seconds=1.0) == folder
    assert (folder / "media" / "match.mp4").stat().st_mtime_ns == stamp


def test_cancel_leaves_no_project(tmp_path: Path) -> None:
    calls = iter(range(1000))
    with pytest.raises(JobCancelled):
        build_demo_project(tmp_path / "demo", seconds=2.0, cancel=lambda: next(calls) > 5)
    assert not (tmp_path / "demo" / DB_NAME).exists()


def test_the_demo_analysis_is_tracked(tmp_path: Path) -> None:
    from soccer_desktop.analysis import store

    folder = build_demo_project(tmp_path / "demo", seconds=1.0)
    with Project.open(folder) as project:
        [analysis] = store.list_analyses(project)
        players = [d for d in store.iter_detections(project, analysis.id) if d.class_id == 1]
        assert sum(d.track_id is not None for d in players) >= 0.9 * len(players)
        assert {d.team for d in players} >= {0, 1}
