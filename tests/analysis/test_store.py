"""Stored analyses: create, list, rename, delete, chunked writes that never double a frame, fast reads."""

from __future__ import annotations

from collections.abc import Iterator
import sqlite3
from pathlib import Path

import pytest

from soccer_desktop.analysis import store
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project, ProjectError


@pytest.fixture
def project(tmp_path: Path, index_clip: Path) -> Iterator[Project]:
    from soccer_desktop.video.library import add_video

    with Project.create(tmp_path / "p") as project:
        add_video(project, index_clip)
        yield project


def _boxes(index: int) -> list[NewBox]:
    return [NewBox(ClassId.PLAYER, index, 2.5, 10, 20, 0.9, BoxSource.PSEUDO),
            NewBox(ClassId.BALL, index + 0.5, 40, 4, 4, 0.4, BoxSource.PSEUDO)]  # fmt: skip


def test_create_list_rename_delete(project: Project) -> None:
    video_id = project.videos()[0].id
    first = store.create_analysis(project, video_id, "motion run", "motion", {"fingerprint": "a"})
    second = store.create_analysis(project, video_id, "nano", "rfdetr-nano+sahi", {"fingerprint": "b"})
    assert [a.id for a in store.list_analyses(project, video_id)] == [second.id, first.id]
    assert store.find_analysis(project, video_id, "a") == first
    assert store.find_analysis(project, video_id, "zzz") is None
    assert store.rename_analysis(project, first.id, "  kept  ").name == "kept"
    with pytest.raises(ProjectError, match="needs a name"):
        store.rename_analysis(project, first.id, "   ")
    store.write_frames(project, second.id, [(0, _boxes(0))])
    store.delete_analysis(project, second.id)
    assert [a.id for a in store.list_analyses(project)] == [first.id]
    assert project.read("SELECT COUNT(*) FROM detections")[0][0] == 0
    with pytest.raises(ProjectError, match="no analysis with id"):
        store.get_analysis(project, second.id)


def test_writing_a_frame_again_replaces_its_boxes_and_marks_it_done_once(project: Project) -> None:
    analysis = store.create_analysis(project, project.videos()[0].id, "a", "motion")
    assert store.write_frames(project, analysis.id, [(i, _boxes(i)) for i in range(5)]) == 10
    store.write_frames(project, analysis.id, [(3, _boxes(3)), (4, []), (5, _boxes(5))])
    assert store.done_frames(project, analysis.id) == {0, 1, 2, 3, 4, 5}
    assert store.done_frames(project, analysis.id, 2, 3) == {2, 3}
    assert store.detection_count(project, analysis.id) == 10
    got = store.frame_detections(project, analysis.id, 3)
    assert [(d.frame_index, d.seq, d.class_id, d.x, d.y, d.score) for d in got] == [
        (3, 0, 1, 3.0, 2.5, 0.9), (3, 1, 2, 3.5, 40.0, 0.4)]  # fmt: skip
    assert store.frame_detections(project, analysis.id, 4) == []
    balls = store.detections_between(project, analysis.id, 0, 5, ClassId.BALL)
    assert [d.frame_index for d in balls] == [0, 1, 2, 3, 5]
    assert [d.frame_index for d in store.iter_detections(project, analysis.id, chunk_frames=2)] == [
        0, 0, 1, 1, 2, 2, 3, 3, 5, 5]  # fmt: skip


def test_tracking_fields_and_interpolated_rows(project: Project) -> None:
    analysis = store.create_analysis(project, project.videos()[0].id, "a", "motion")
    store.write_frames(project, analysis.id, [(0, _boxes(0))])
    store.update_detections(project, analysis.id, [(0, 0, 7, 1, 0), (0, 1, 9, None, store.FLAG_GHOST)])
    seq = store.next_seq(project, analysis.id, 0)
    store.add_detections(project, analysis.id, [store.Detection(0, seq, 2, 1, 1, 4, 4, None, 9, None,
                                                                store.FLAG_INTERPOLATED)])  # fmt: skip
    got = store.frame_detections(project, analysis.id, 0)
    assert [(d.track_id, d.team, d.flags, d.score) for d in got] == [(7, 1, 0, 0.9), (9, None, 1, 0.4),
                                                                      (9, None, 2, None)]  # fmt: skip
    assert store.delete_detections(project, analysis.id, store.FLAG_INTERPOLATED) == 1


def test_a_failed_chunk_leaves_nothing_behind(project: Project) -> None:
    analysis = store.create_analysis(project, project.videos()[0].id, "a", "motion")
    bad = NewBox(ClassId.PLAYER, 0, 0, 1, 1, 0.5, BoxSource.PSEUDO)
    object.__setattr__(bad, "class_id", 7)  # violates the class check inside the transaction
    with pytest.raises(sqlite3.IntegrityError):
        store.write_frames(project, analysis.id, [(0, _boxes(0)), (1, [bad])])
    assert store.done_frames(project, analysis.id) == set()
    assert store.detection_count(project, analysis.id) == 0
