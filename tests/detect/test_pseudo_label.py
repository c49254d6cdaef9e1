"""The pseudo-label job with stand-in detectors: what it replaces, what it never touches, cancel and resume."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import cv2
import numpy as np
import pytest

from soccer_desktop.core.jobs import CancelCheck, JobCancelled, Progress, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.detect.pseudo_label import JOBS_DIR, FrameScope, pseudo_label, select_frames
from soccer_desktop.project.store import BoxSource, ClassId, Frame, NewBox, Project, Video


class FakeDetector:
    """Finds one player and one uncertain ball on every frame; counts its calls."""

    def __init__(self, name: str = "fake", needs_video: bool = False, offset: float = 0.0) -> None:
        self.name = name
        self.fingerprint = f"{name}|{offset}"
        self.needs_video = needs_video
        self.offset = offset
        self.calls: list[int] = []
        self.groups: list[tuple[int | None, list[int]]] = []

    def for_frames(self, video: Video | None, frame_indices: Sequence[int], progress: ProgressCallback = no_progress,
                   cancel: CancelCheck = never_cancelled) -> FakeDetector:  # fmt: skip
        self.groups.append((video.id if video else None, list(frame_indices)))
        return self

    def detect(self, image_bgr: np.ndarray, cancel: CancelCheck = never_cancelled) -> list[NewBox]:
        self.calls.append(int(image_bgr[0, 0, 0]))
        return [
            NewBox(ClassId.PLAYER, 10 + self.offset, 10, 8, 20, score=0.9, source=BoxSource.PSEUDO, detector=self.name),
            NewBox(ClassId.BALL, 40, 30, 6, 6, score=0.3, source=BoxSource.PSEUDO, detector=self.name),
        ]


def _add_frames(project: Project, count: int, video_id: int | None = None) -> list[Frame]:
    frames = []
    for k in range(count):
        path = project.frames_dir / f"img{video_id}-{k}.jpg"
        cv2.imwrite(str(path), np.full((48, 64, 3), k, np.uint8))
        frames.append(project.add_frame(path, width=64, height=48, video_id=video_id,
                                        frame_index=k * 10 if video_id else None))  # fmt: skip
    return frames


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "p") as project:
        yield project


def test_boxes_are_stored_as_pseudo_with_scores_and_progress_in_frames_per_second(project: Project) -> None:
    frames = _add_frames(project, 3)
    reports: list[Progress] = []
    summary = pseudo_label(project, FakeDetector(), frames, progress=reports.append)
    assert summary.labelled == 3 and summary.boxes == {ClassId.PLAYER: 3, ClassId.BALL: 3}
    boxes = project.boxes(frames[0].id)
    assert {(b.class_id, b.score, b.source, b.detector) for b in boxes} == {
        (ClassId.PLAYER, 0.9, BoxSource.PSEUDO, "fake"), (ClassId.BALL, 0.3, BoxSource.PSEUDO, "fake")
    }  # fmt: skip
    assert reports[-1].done == reports[-1].total == 3 and "frames/s" in reports[-1].message
    assert "3 frames pseudo-labelled (3 player, 3 ball boxes)" in summary.describe()


def test_manual_boxes_and_reviewed_frames_are_never_overwritten(project: Project) -> None:
    frames = _add_frames(project, 3)
    manual = project.add_boxes(frames[0].id, [NewBox(ClassId.BALL, 1, 1, 5, 5)])
    project.add_boxes(frames[1].id, [NewBox(ClassId.PLAYER, 2, 2, 5, 9, source=BoxSource.PSEUDO, detector="old")])
    project.set_reviewed(frames[1].id)
    detector = FakeDetector()
    summary = pseudo_label(project, detector, [project.frame(f.id) for f in frames])
    assert summary.labelled == 2 and summary.skipped_reviewed == 1 and len(detector.calls) == 2
    assert project.box(manual[0]).source == BoxSource.MANUAL
    assert len(project.boxes(frames[0].id)) == 3
    assert [b.detector for b in project.boxes(frames[1].id)] == ["old"]  # reviewed: untouched


def test_rerun_replaces_earlier_pseudo_boxes_instead_of_adding(project: Project) -> None:
    frames = _add_frames(project, 2)
    pseudo_label(project, FakeDetector(), frames)
    pseudo_label(project, FakeDetector(offset=5), frames)
    boxes = project.boxes(frames[0].id)
    assert len(boxes) == 2 and min(b.x for b in boxes) == 15


def test_other_detectors_boxes_can_be_kept_for_comparison(project: Project) -> None:
    frames = _add_frames(project, 1)
    pseudo_label(project, FakeDetector("a"), frames)
    pseudo_label(project, FakeDetector("b"), frames, keep_other_detectors=True)
    pseudo_label(project, FakeDetector("b", offset=3), frames, keep_other_detectors=True)
    assert sorted(str(b.detector) for b in project.boxes(frames[0].id)) == ["a", "a", "b", "b"]
    pseudo_label(project, FakeDetector("c"), frames)  # the default replaces every earlier pseudo box
    assert sorted(str(b.detector) for b in project.boxes(frames[0].id)) == ["c", "c"]


def test_cancel_then_resume_continues_where_it_stopped(project: Project) -> None:
    frames = _add_frames(project, 5)
    detector = FakeDetector()
    with pytest.raises(JobCancelled):
        pseudo_label(project, detector, frames, cancel=lambda: len(detector.calls) >= 2)
    assert len(detector.calls) == 2 and any((project.root / JOBS_DIR).iterdir())
    summary = pseudo_label(project, detector, frames)
    assert summary.resumed == 2 and summary.labelled == 3 and detector.calls == [0, 1, 2, 3, 4]
    assert not any((project.root / JOBS_DIR).iterdir())  # finished: the next run starts over
    assert pseudo_label(project, detector, frames).labelled == 5


def test_changed_settings_or_restart_do_not_resume(project: Project) -> None:
    frames = _add_frames(project, 3)
    detector = FakeDetector()
    with pytest.raises(JobCancelled):
        pseudo_label(project, detector, frames, cancel=lambda: len(detector.calls) >= 1)
    assert pseudo_label(project, FakeDetector(offset=1), frames).resumed == 0
    with pytest.raises(JobCancelled):
        pseudo_label(project, detector, frames, cancel=lambda: len(detector.calls) >= 2)
    assert pseudo_label(project, detector, frames, resume=False).labelled == 3


def test_frames_are_grouped_by_video_and_video_less_ones_skipped_when_needed(
    project: Project, tmp_path: Path
) -> None:
    clip = tmp_path / "v.mp4"
    clip.write_bytes(b"not read by the fake")
    video = project.add_video(clip, width=64, height=48, fps=25.0, frame_count=100_000)
    in_video = _add_frames(project, 3, video_id=video.id)
    loose = _add_frames(project, 2)
    detector = FakeDetector(needs_video=True)
    summary = pseudo_label(project, detector, in_video + loose)
    assert summary.labelled == 3 and summary.skipped_no_video == 2
    assert detector.groups == [(video.id, [0, 10, 20])]
    assert "without a video" in summary.describe()


def test_groups_are_cut_every_two_minutes_of_video(project: Project, tmp_path: Path) -> None:
    clip = tmp_path / "v.mp4"
    clip.write_bytes(b"x")
    video = project.add_video(clip, width=64, height=48, fps=25.0, frame_count=100_000)
    for index in (0, 1000, 3000, 3100, 9000):
        path = project.frames_dir / f"{index}.jpg"
        cv2.imwrite(str(path), np.zeros((48, 64, 3), np.uint8))
        project.add_frame(path, width=64, height=48, video_id=video.id, frame_index=index)
    detector = FakeDetector()
    pseudo_label(project, detector, project.frames())
    assert [indices for _, indices in detector.groups] == [[0, 1000, 3000], [3100], [9000]]


def test_missing_images_are_counted_not_fatal(project: Project) -> None:
    frames = _add_frames(project, 2)
    project.image_file(frames[0]).unlink()
    summary = pseudo_label(project, FakeDetector(), frames)
    assert summary.labelled == 1 and summary.missing_images == 1


def test_frame_selection(project: Project, tmp_path: Path) -> None:
    clip = tmp_path / "v.mp4"
    clip.write_bytes(b"x")
    video = project.add_video(clip, width=64, height=48, fps=25.0, frame_count=1000)
    in_video = _add_frames(project, 4, video_id=video.id)  # indices 0, 10, 20, 30
    loose = _add_frames(project, 1)
    project.add_boxes(in_video[1].id, [NewBox(ClassId.PLAYER, 1, 1, 4, 9)])
    project.set_reviewed(in_video[3].id)
    ids = lambda frames: [f.id for f in frames]  # noqa: E731
    assert ids(select_frames(project)) == ids([loose[0], *in_video[:3]])
    assert ids(select_frames(project, FrameScope(unlabelled_only=True))) == ids([loose[0], in_video[0], in_video[2]])
    assert ids(select_frames(project, FrameScope(video_id=video.id, frame_range=(10, 30)))) == ids(in_video[1:3])
