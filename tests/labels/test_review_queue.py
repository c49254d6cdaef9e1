"""The review queue: ranking, filters, next frame and counts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from soccer_desktop.labels.review_queue import (
    ReviewFilter,
    next_to_review,
    rank_frames,
    review_counts,
)
from soccer_desktop.project.store import BoxSource, ClassId, Frame, NewBox, Project


def _pseudo(class_id: ClassId, x: float, score: float, detector: str = "motion", y: float = 10) -> NewBox:
    return NewBox(class_id, x, y, 10, 20, score=score, source=BoxSource.PSEUDO, detector=detector)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "p") as project:
        yield project


def _frame(project: Project, name: str, video_id: int | None = None, index: int | None = None) -> Frame:
    return project.add_frame(project.frames_dir / f"{name}.jpg", width=640, height=360, video_id=video_id,
                             frame_index=index)  # fmt: skip


def test_ball_candidates_first_then_uncertainty_and_detector_disagreement(project: Project) -> None:
    plain = _frame(project, "plain")
    project.add_boxes(plain.id, [_pseudo(ClassId.PLAYER, 10, 0.9)])
    uncertain = _frame(project, "uncertain")
    project.add_boxes(uncertain.id, [_pseudo(ClassId.PLAYER, 10 + 20 * k, 0.2) for k in range(4)])
    disagree = _frame(project, "disagree")
    project.add_boxes(disagree.id, [_pseudo(ClassId.PLAYER, 10, 0.9), _pseudo(ClassId.PLAYER, 100, 0.9),
                                    _pseudo(ClassId.PLAYER, 11, 0.8, detector="rfdetr-nano+sahi")])  # fmt: skip
    ball = _frame(project, "ball")
    project.add_boxes(ball.id, [_pseudo(ClassId.BALL, 50, 0.5)])

    ranked = rank_frames(project)
    assert [item.frame.id for item in ranked] == [ball.id, uncertain.id, disagree.id, plain.id]
    top, second, third, last = ranked
    assert top.has_ball_candidate and top.reasons == ("ball candidate",)
    assert second.uncertain_boxes == 4 and second.reasons == ("4 uncertain boxes",)
    assert third.detector_disagreement == pytest.approx(1 / 3) and "detectors disagree" in third.reasons[0]
    assert last.score == 0 and last.reasons == ()
    top_frame = next_to_review(project)
    assert top_frame is not None and top_frame.frame.id == ball.id


def test_filters(project: Project, tmp_path: Path) -> None:
    clip = tmp_path / "v.mp4"
    clip.write_bytes(b"x")
    video = project.add_video(clip, width=640, height=360, fps=25.0, frame_count=1000)
    with_ball = _frame(project, "a", video.id, 0)
    project.add_boxes(with_ball.id, [NewBox(ClassId.BALL, 1, 1, 5, 5)])  # a confirmed ball is still "has ball"
    reviewed = _frame(project, "b", video.id, 500)
    project.set_reviewed(reviewed.id)
    loose = _frame(project, "c")
    ids = lambda items: sorted(i.frame.id for i in items)  # noqa: E731
    assert ids(rank_frames(project)) == sorted([with_ball.id, loose.id])
    assert ids(rank_frames(project, ReviewFilter(reviewed=True))) == [reviewed.id]
    assert ids(rank_frames(project, ReviewFilter(reviewed=None))) == sorted([with_ball.id, reviewed.id, loose.id])
    assert ids(rank_frames(project, ReviewFilter(has_ball=True))) == [with_ball.id]
    assert ids(rank_frames(project, ReviewFilter(has_ball=False))) == [loose.id]
    in_video = rank_frames(project, ReviewFilter(reviewed=None, video_id=video.id))
    assert ids(in_video) == sorted([with_ball.id, reviewed.id])
    assert not rank_frames(project)[0].has_ball_candidate  # confirmed, not a candidate
    project.set_reviewed(with_ball.id)
    project.set_reviewed(loose.id)
    assert next_to_review(project) is None


def test_a_frame_that_loses_the_ball_its_neighbours_have_is_worth_a_look(project: Project, tmp_path: Path) -> None:
    clip = tmp_path / "v.mp4"
    clip.write_bytes(b"x")
    video = project.add_video(clip, width=640, height=360, fps=25.0, frame_count=1000)
    frames = [_frame(project, f"f{i}", video.id, i * 10) for i in range(3)]
    for frame in frames:
        project.add_boxes(frame.id, [_pseudo(ClassId.PLAYER, 20 * k, 0.9) for k in range(10)])
    for frame in (frames[0], frames[2]):
        project.add_boxes(frame.id, [NewBox(ClassId.BALL, 300, 200, 6, 6)])
    far = _frame(project, "far", video.id, 900)  # 36 s away: no neighbour to disagree with
    ranked = {item.frame.id: item for item in rank_frames(project)}
    assert ranked[frames[1].id].neighbour_disagreement == pytest.approx(0.5)
    assert "differs from neighbouring frames" in ranked[frames[1].id].reasons
    assert ranked[far.id].neighbour_disagreement == 0


def test_counts_at_a_glance(project: Project) -> None:
    first, second, _ = (_frame(project, name) for name in "abc")
    project.add_boxes(first.id, [_pseudo(ClassId.PLAYER, 1, 0.5), _pseudo(ClassId.BALL, 40, 0.3)])
    project.add_boxes(second.id, [NewBox(ClassId.PLAYER, 1, 1, 5, 9)])
    project.set_reviewed(second.id)
    counts = review_counts(project)
    assert (counts.frames, counts.pseudo_labelled, counts.reviewed) == (3, 1, 1)
    assert counts.boxes == {ClassId.PLAYER: 2, ClassId.BALL: 1}


def test_frames_sent_to_review_head_the_queue_with_their_reason_until_reviewed(project: Project) -> None:
    from soccer_desktop.labels.review_queue import request_review, review_requests

    ball = _frame(project, "ball")
    project.add_boxes(ball.id, [_pseudo(ClassId.BALL, 50, 0.5)])
    checked = _frame(project, "checked")
    project.add_boxes(checked.id, [NewBox(ClassId.PLAYER, 10, 10, 20, 40)])
    project.set_reviewed(checked.id)
    assert [item.frame.id for item in rank_frames(project)] == [ball.id]

    assert request_review(project, {checked.id: "ghost ball (score 0.81)"}) == 1
    ranked = rank_frames(project)
    assert [item.frame.id for item in ranked] == [checked.id, ball.id]
    assert ranked[0].requested and ranked[0].reasons[0] == "sent to review: ghost ball (score 0.81)"
    assert not project.frame(checked.id).reviewed
    assert next_to_review(project).frame.id == checked.id

    project.set_reviewed(checked.id)  # a person looked again: the request no longer ranks it
    assert [item.frame.id for item in rank_frames(project)] == [ball.id]
    assert review_requests(project) == {checked.id: "ghost ball (score 0.81)"}
