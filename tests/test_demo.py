"""The demo project: built once, reused, never left half-made, and ready for every step of the loop."""

from __future__ import annotations

from pathlib import Path

import pytest

from soccer_desktop.core.jobs import JobCancelled
from soccer_desktop.demo import COMPLETE_MARKER, GROUND_TRUTH_EVERY, REVIEW_EVERY, build_demo_project
from soccer_desktop.project.store import DB_NAME, BoxSource, Project


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


def test_reviewed_ground_truth_and_pseudo_labelled_frames_to_review_then_finished_after_a_break(tmp_path: Path) -> None:
    seconds = 2.0  # 50 frames: ground truth at 0 and 30, a frame to review at 25
    reports = []
    folder = build_demo_project(tmp_path / "demo", seconds=seconds, progress=reports.append)
    with Project.open(folder) as project:
        reviewed = project.frames(reviewed=True)
        waiting = project.frames(reviewed=False)
        assert [f.frame_index for f in reviewed] == list(range(0, 50, GROUND_TRUTH_EVERY))
        assert [f.frame_index for f in waiting] == [i for i in range(0, 50, REVIEW_EVERY)
                                                   if i % GROUND_TRUTH_EVERY]
        for frame in reviewed:
            boxes = project.boxes(frame.id)
            assert boxes and {b.source for b in boxes} == {BoxSource.IMPORTED}
        assert all(all(b.source == BoxSource.PSEUDO for b in project.boxes(f.id)) for f in waiting)
        assert sum(len(project.boxes(f.id)) for f in waiting) > 0  # motion found players
    fractions = [r.fraction for r in reports if r.total]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0

    # An interrupted build is finished on the next start, keeping what a person did meanwhile.
    (folder / COMPLETE_MARKER).unlink()  # as if the app was closed before the last step
    with Project.open(folder) as project:
        (frame,) = [f for f in project.frames(reviewed=False) if f.frame_index == 25]
        project.delete_boxes([b.id for b in project.boxes(frame.id)])
        project.set_reviewed(frame.id)  # a person's work in the demo is kept
        before = project.counts()
    build_demo_project(folder, seconds=seconds)
    with Project.open(folder) as project:
        assert project.counts() == before
        assert project.boxes(frame.id) == [] and project.frame(frame.id).reviewed
    assert (folder / COMPLETE_MARKER).is_file()


def test_the_demo_analysis_is_tracked(tmp_path: Path) -> None:
    from soccer_desktop.analysis import store

    folder = build_demo_project(tmp_path / "demo", seconds=1.0)
    with Project.open(folder) as project:
        [analysis] = store.list_analyses(project)
        players = [d for d in store.iter_detections(project, analysis.id) if d.class_id == 1]
        assert sum(d.track_id is not None for d in players) >= 0.9 * len(players)
        assert {d.team for d in players} >= {0, 1}
