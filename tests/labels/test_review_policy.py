"""The review rule in the core and on the command line, and the export invariant it protects."""

from __future__ import annotations

from pathlib import Path

import pytest

from soccer_desktop import cli
from soccer_desktop.core.jobs import JobCancelled
from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.dataset.common import DatasetError
from soccer_desktop.editing.commands import IdMap
from soccer_desktop.labels.review_policy import Shown, accept_frames, mark_reviewed, parse_frame_range
from soccer_desktop.project.store import BoxSource, ClassId, Project, ProjectError
from tests.dataset.builders import add_video_frames, ball, load_split, player


def _pseudo(score: float, cls=player, **kw):  # noqa: ANN001, ANN003
    return cls(source=BoxSource.PSEUDO, score=score, detector="rfdetr", **kw)


@pytest.fixture
def project(tmp_path: Path):  # noqa: ANN201
    with Project.create(tmp_path / "project") as opened:
        yield opened


def _state(project: Project, frame_id: int) -> tuple:
    return (project.frame(frame_id).reviewed,
            [(b.id, b.class_id, b.x, b.score, b.source) for b in project.boxes(frame_id)])


def test_mark_reviewed_respects_threshold_and_class_filter_and_undoes_exactly(project: Project) -> None:
    add_video_frames(project, "m.mp4", [0], reviewed=False,
                     boxes_for=lambda i: [player(source=BoxSource.MANUAL), _pseudo(0.8), _pseudo(0.5, ball),
                                          _pseudo(0.1, x=40.0), player(source=BoxSource.PSEUDO, score=None, x=1.0)])
    before = _state(project, 1)
    result = mark_reviewed(project, 1, Shown(0.3, frozenset({ClassId.PLAYER})))
    assert (result.confirmed, result.removed) == (2, 2)  # 0.8 and the scoreless player; the ball is filtered out
    reviewed, boxes = _state(project, 1)
    assert reviewed and all(b[4] == BoxSource.MANUAL for b in boxes) and len(boxes) == 3
    result.edit.undo(project, IdMap())
    assert _state(project, 1) == before
    result.edit.redo(project, IdMap())
    assert _state(project, 1) == (reviewed, boxes)


def _old_style_project(project: Project) -> None:
    """Frames marked reviewed the old way: pseudo boxes left in place, low scores included."""
    add_video_frames(project, "old.mp4", range(0, 100, 10), reviewed=True,
                     boxes_for=lambda i: [player(source=BoxSource.MANUAL)] + ([_pseudo(0.9), _pseudo(0.1, ball)]
                                                                             if i < 30 else []))
    add_video_frames(project, "old2.mp4", [0], reviewed=True, boxes_for=lambda i: [_pseudo(0.1)])


def test_export_leaves_out_reviewed_frames_with_unconfirmed_pseudo_boxes(project: Project, tmp_path: Path) -> None:
    _old_style_project(project)
    result = export_dataset(project, tmp_path / "out", valid=0.0)
    document = load_split(tmp_path / "out", "train")
    assert len(document["images"]) == 7  # frames 30..90 of old.mp4; frames 0-20 and old2's frame left out
    pseudo_ids = {b.id for f in project.frames() for b in project.boxes(f.id) if b.source == BoxSource.PSEUDO}
    assert not pseudo_ids & {a["id"] for a in document["annotations"]}
    assert result.counts["train"]["negatives"] == 0  # never exported as negatives
    warning = next(w for w in result.warnings if "nobody confirmed" in w)
    assert warning.startswith("4 reviewed frames") and "soccer-desktop review accept" in warning

    # Asked for explicitly, pseudo labels at or above the score come in.
    export_dataset(project, tmp_path / "with", valid=0.0, include_pseudo=0.5)
    document = load_split(tmp_path / "with", "train")
    assert len(document["images"]) == 10  # old2's frame has no box at 0.5 or more: still left out
    assert {a["id"] for a in document["annotations"]} & pseudo_ids


def test_export_of_only_unresolved_frames_says_how_to_fix(project: Project, tmp_path: Path) -> None:
    add_video_frames(project, "old.mp4", [0], reviewed=True, boxes_for=lambda i: [_pseudo(0.9)])
    with pytest.raises(DatasetError, match="1 reviewed frame still hold"):
        export_dataset(project, tmp_path / "out")


def test_review_accept_cli_resolves_range_and_export_then_takes_the_frames(project: Project, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture) -> None:
    _old_style_project(project)
    add_video_frames(project, "new.mp4", range(0, 50, 10), reviewed=False,
                     boxes_for=lambda i: [_pseudo(0.9), _pseudo(0.2, ball)] if i else [])
    root = str(project.root)
    assert cli.main(["review", "accept", root, "--min-score", "0.5", "--video", "3", "--frames", "10-30"]) == 0
    out = capsys.readouterr().out
    assert "Marked 3 frames reviewed: 3 pseudo boxes scoring 0.5 or more confirmed, 3 below it removed." in out
    frames = {f.frame_index: f for f in project.frames(video_id=3)}
    assert [i for i, f in sorted(frames.items()) if f.reviewed] == [10, 20, 30]
    assert not frames[40].reviewed and not frames[0].reviewed
    for index in (10, 20, 30):
        assert [(b.class_id, b.source) for b in project.boxes(frames[index].id)] == [
            (ClassId.PLAYER, BoxSource.MANUAL)]

    assert cli.main(["review", "accept", root]) == 0  # default 0.3 everywhere: also fixes the old frames
    out = capsys.readouterr().out
    assert "1 of them hold no box now" in out  # old2's frame: its only pseudo box scored 0.1
    assert "1 unreviewed frames have no pseudo boxes" in out  # new.mp4 frame 0
    assert not any(b.source == BoxSource.PSEUDO for f in project.frames(reviewed=True) for b in project.boxes(f.id))
    result = export_dataset(project, tmp_path / "out", valid=0.0)
    assert not any("nobody confirmed" in w for w in result.warnings)
    assert result.counts["train"]["images"] == 11 + 4


def test_review_accept_refusals_and_cancel(project: Project, capsys: pytest.CaptureFixture) -> None:
    add_video_frames(project, "new.mp4", [0, 10], reviewed=False, boxes_for=lambda i: [_pseudo(0.9)])
    root = str(project.root)
    assert cli.main(["review", "accept", root, "--frames", "9-3"]) == 2
    assert "not a frame range" in capsys.readouterr().err
    assert cli.main(["review", "accept", root, "--min-score", "1.5"]) == 2
    assert cli.main(["review", "accept", root, "--video", "7"]) == 2
    assert "no video with id 7" in capsys.readouterr().err
    assert cli.main(["review", "accept", root, "--frames", "500-600"]) == 0
    assert "nothing was changed" in capsys.readouterr().out
    with pytest.raises(JobCancelled):
        accept_frames(project, 0.3, [1, 2], cancel=lambda: True)
    assert not project.frames(reviewed=True)  # one transaction: nothing changed
    assert parse_frame_range("7") == (7, 7)
    with pytest.raises(ProjectError):
        parse_frame_range("a-b")
