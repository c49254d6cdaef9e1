"""The analysis job with motion proposals: whole video, ranges that merge, cancel, resume after SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from soccer_desktop.analysis import store
from soccer_desktop.analysis.job import parse_range, run_analysis
from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import CancelToken, JobCancelled, Progress
from soccer_desktop.detect.choice import DetectorChoice
from soccer_desktop.project.store import ClassId, Project
from soccer_desktop.video.library import add_video
from tests.detect.clips import write_pitch_clip

FRAMES = 80
MOTION = DetectorChoice("motion")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pitch_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pitch_clip(tmp_path_factory.mktemp("clip") / "pitch.mp4", frames=FRAMES, width=480, height=320)


def _project(root: Path, clip: Path) -> Project:
    project = Project.create(root)
    add_video(project, clip)
    return project


@pytest.fixture
def project(tmp_path: Path, pitch_clip: Path) -> Iterator[Project]:
    with _project(tmp_path / "p", pitch_clip) as project:
        yield project


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, pitch_clip: Path) -> list[store.Detection]:
    """Every detection of one uninterrupted motion analysis of the clip."""
    with _project(tmp_path_factory.mktemp("ref") / "p", pitch_clip) as project:
        summary = run_analysis(project, project.videos()[0].id, MOTION)
        return list(store.iter_detections(project, summary.analysis_id))


def test_whole_video_is_stored_with_progress_in_frames_per_second(project: Project,
                                                                  reference: list[store.Detection]) -> None:  # fmt: skip
    reports: list[Progress] = []
    summary = run_analysis(project, project.videos()[0].id, MOTION, progress=reports.append)
    assert summary.analysed == FRAMES and summary.video_done == FRAMES and summary.boxes == len(reference)
    analysis = store.get_analysis(project, summary.analysis_id)
    assert analysis.status == "done" and analysis.detector == "motion" and analysis.finished_at
    assert store.done_frames(project, analysis.id) == set(range(FRAMES))
    assert {d.class_id for d in reference} == {ClassId.PLAYER, ClassId.BALL}
    assert reports[-1].done == reports[-1].total == FRAMES
    assert "frames/s" in reports[-1].message and "ETA" in reports[-1].message
    again = run_analysis(project, project.videos()[0].id, MOTION)  # same settings: nothing left to do
    assert again.analysis_id == summary.analysis_id and again.analysed == 0 and again.resumed == FRAMES


def test_range_shards_fill_one_analysis_equal_to_a_whole_run(project: Project,
                                                             reference: list[store.Detection]) -> None:  # fmt: skip
    video_id = project.videos()[0].id
    second = run_analysis(project, video_id, MOTION, (40, 10_000))
    assert second.analysed == 40 and store.get_analysis(project, second.analysis_id).status == "running"
    assert "40 of 80 frames" in second.describe()
    first = run_analysis(project, video_id, MOTION, (0, 45))
    assert first.analysis_id == second.analysis_id and first.analysed == 40 and first.resumed == 6
    assert len(store.list_analyses(project, video_id)) == 1
    assert store.get_analysis(project, first.analysis_id).status == "done"
    assert list(store.iter_detections(project, first.analysis_id)) == reference


def test_cancel_marks_the_analysis_and_a_new_run_resumes(project: Project,
                                                         reference: list[store.Detection]) -> None:  # fmt: skip
    token = CancelToken()

    def stop_after_a_chunk(report: Progress) -> None:
        if report.done >= 30:
            token.cancel()

    with pytest.raises(JobCancelled):
        run_analysis(project, project.videos()[0].id, MOTION, progress=stop_after_a_chunk, cancel=token)
    [analysis] = store.list_analyses(project)
    assert analysis.status == "cancelled" and 0 < store.done_count(project, analysis.id) < FRAMES
    summary = run_analysis(project, project.videos()[0].id, MOTION)
    assert summary.resumed + summary.analysed == FRAMES
    assert list(store.iter_detections(project, analysis.id)) == reference


def test_resume_after_sigkill_misses_and_doubles_no_frame(project: Project,
                                                          reference: list[store.Detection]) -> None:  # fmt: skip
    """A child process analyses slowly (a sleep per progress report) and is killed mid-run."""
    script = (
        "import sys, time\n"
        "from soccer_desktop.analysis.job import run_analysis\n"
        "from soccer_desktop.detect.choice import DetectorChoice\n"
        "from soccer_desktop.project.store import Project\n"
        "with Project.open(sys.argv[1]) as project:\n"
        "    run_analysis(project, project.videos()[0].id, DetectorChoice('motion'),\n"
        "                 progress=lambda report: time.sleep(0.05))\n"
    )
    root = project.root
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-c", script, str(root)], env=env)
    try:
        deadline = time.monotonic() + 60
        done = 0
        while done < 30 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.02)
            rows = project.read("SELECT COUNT(*) FROM analysis_frames")
            done = rows[0][0]
        assert child.poll() is None, "the child finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    [analysis] = store.list_analyses(project)
    killed_at = store.done_count(project, analysis.id)
    assert 0 < killed_at < FRAMES and analysis.status == "running"
    summary = run_analysis(project, project.videos()[0].id, MOTION)
    assert summary.analysis_id == analysis.id and summary.resumed == killed_at
    assert summary.analysed == FRAMES - killed_at
    assert list(store.iter_detections(project, analysis.id)) == reference


def test_ranges_and_videos_that_cannot_be_analysed(project: Project) -> None:
    assert parse_range("10-20") == (10, 20)
    for bad in ("10", "a-b", "20-10", "-5-3"):
        with pytest.raises(UserError, match="range"):
            parse_range(bad)
    with pytest.raises(UserError, match="only 80 frames"):
        run_analysis(project, project.videos()[0].id, MOTION, (500, 600))
    assert store.list_analyses(project) == []


@pytest.mark.slow
def test_rfdetr_sliced_and_whole_frame_through_the_cli(tmp_path: Path, random_checkpoint: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    from soccer_desktop.cli import main

    clip = write_pitch_clip(tmp_path / "small.mp4", frames=6, width=480, height=320)
    root = tmp_path / "cli"
    assert main(["video", "add", str(root), str(clip)]) == 0
    base = ["analyze", str(root), "--video", "1", "--weights", str(random_checkpoint), "--conf", "0.3"]
    assert main([*base, "--range", "0-2", "--batch", "4"]) == 0
    assert main([*base, "--range", "0-1", "--no-sahi"]) == 0
    out = capsys.readouterr().out
    assert "3 frames analysed" in out and "2 frames analysed" in out
    with Project.open(root) as project:
        sliced, whole = sorted(store.list_analyses(project), key=lambda a: a.id)
        assert sliced.detector == "rfdetr-nano+sahi" and whole.detector == "rfdetr-nano"
        assert sliced.settings["choice"]["sahi"] is not None and whole.settings["choice"]["sahi"] is None
        assert store.done_frames(project, sliced.id) == {0, 1, 2} and store.detection_count(project, sliced.id) > 0
        for d in store.iter_detections(project, sliced.id):
            assert 0 <= d.x and d.x + d.w <= 480 + 1e-6 and 0 <= d.y and d.y + d.h <= 320 + 1e-6
