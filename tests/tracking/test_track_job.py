"""The tracking job over a stored analysis: ids, teams and flags written back, re-runs, hand-picked teams, CLI."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from soccer_desktop.analysis import store
from soccer_desktop.analysis.match_tracks import TrackingSettings
from soccer_desktop.analysis.track_job import run_tracking
from soccer_desktop.analysis.track_store import (
    move_track,
    other_team,
    set_team_style,
    team_overrides,
    team_styles,
    tracking_record,
)
from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import JobCancelled
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project
from soccer_desktop.video.synthetic import BALL_CATEGORY, PLAYER_CATEGORY, DemoMatch
from tests.tracking.mot import load_truth

GHOST_SPOT = (3000.0, 500.0, 8.0, 8.0)


def _frames(match: DemoMatch) -> list[tuple[int, list[NewBox]]]:
    """Ground-truth boxes as an analysis would store them, the ball missing in frames 40-44, a ghost spot throughout."""
    players, ball = load_truth(match.ground_truth, PLAYER_CATEGORY), load_truth(match.ground_truth, BALL_CATEGORY)
    frames = []
    for index in range(players.frame_count):
        boxes = [NewBox(ClassId.PLAYER, *map(float, players.xywh[row]), 0.8, BoxSource.PSEUDO)
                 for row in np.flatnonzero(players.frames == index)]  # fmt: skip
        if not 40 <= index < 45:
            boxes += [NewBox(ClassId.BALL, *map(float, ball.xywh[row]), 0.6, BoxSource.PSEUDO)
                      for row in np.flatnonzero(ball.frames == index)]  # fmt: skip
        boxes.append(NewBox(ClassId.BALL, *GHOST_SPOT, 0.5, BoxSource.PSEUDO))
        frames.append((index, boxes))
    return frames


@pytest.fixture
def analysed(tmp_path: Path, match: DemoMatch) -> Iterator[tuple[Project, int]]:
    from soccer_desktop.video.library import add_video

    with Project.create(tmp_path / "project") as project:
        video, _ = add_video(project, match.video)
        analysis = store.create_analysis(project, video.id, "truth", "ground-truth")
        store.write_frames(project, analysis.id, _frames(match))
        store.set_status(project, analysis.id, "done")
        yield project, analysis.id


def _all(project: Project, analysis_id: int) -> list[store.Detection]:
    return list(store.iter_detections(project, analysis_id))


def test_tracking_writes_ids_teams_and_ball_flags(analysed: tuple[Project, int]) -> None:
    project, analysis_id = analysed
    summary = run_tracking(project, analysis_id)
    print(summary.describe())
    rows = _all(project, analysis_id)
    players = [d for d in rows if d.class_id == ClassId.PLAYER]
    assert summary.player_tracks == 23 == len({d.track_id for d in players if d.track_id is not None})
    assert sum(d.track_id is not None for d in players) >= 0.95 * len(players)
    assert summary.teams == {0: 11, 1: 11, 2: 1} and len(summary.keepers) == 2
    assert {d.team for d in players if d.track_id is not None} == {0, 1, 2}
    ghosts = [d for d in rows if d.flags & store.FLAG_GHOST]
    assert ghosts and all((d.x, d.y) == GHOST_SPOT[:2] and d.track_id is None for d in ghosts)
    filled = [d for d in rows if d.flags & store.FLAG_INTERPOLATED]
    assert [d.frame_index for d in filled] == [40, 41, 42, 43, 44]
    assert all(d.score is None and d.track_id == 0 and d.class_id == ClassId.BALL for d in filled)
    kept = [d for d in rows if d.class_id == ClassId.BALL and d.track_id == 0]
    assert len({d.frame_index for d in kept}) == len(kept)  # one ball per frame
    record = tracking_record(project, analysis_id)
    assert record is not None and record.settings == TrackingSettings().as_dict()
    styles = team_styles(project, analysis_id)
    assert styles[0].rgb[0] > styles[0].rgb[2] and styles[1].rgb[2] > styles[1].rgb[0]  # red left, blue right


def test_rerun_replaces_and_forgets_hand_picked_teams(analysed: tuple[Project, int]) -> None:
    project, analysis_id = analysed
    run_tracking(project, analysis_id)
    before = _all(project, analysis_id)
    track = next(d.track_id for d in before if d.class_id == ClassId.PLAYER and d.team == 0)
    assert other_team(0) == 1 and other_team(1) == 0 and other_team(2) == 0 and other_team(None) == 0
    moved = move_track(project, analysis_id, track, 1)
    assert moved == sum(d.track_id == track and d.class_id == ClassId.PLAYER for d in before)
    assert {d.team for d in _all(project, analysis_id) if d.track_id == track and d.class_id == ClassId.PLAYER} == {1}
    assert team_overrides(project, analysis_id) == {track: 1}
    set_team_style(project, analysis_id, 0, name="Reds", colour="#CC0000")

    with pytest.raises(JobCancelled):
        run_tracking(project, analysis_id, cancel=lambda: True)
    assert team_overrides(project, analysis_id) == {track: 1}  # a cancelled run changes nothing

    run_tracking(project, analysis_id, TrackingSettings(assign_teams=False))
    after = _all(project, analysis_id)
    assert len(after) == len(before)  # interpolated balls replaced, not doubled
    assert team_overrides(project, analysis_id) == {}
    assert all(d.team is None for d in after)
    reds = team_styles(project, analysis_id)[0]
    assert reds.name == "Reds" and reds.colour == "#cc0000"


def test_unhappy_paths(analysed: tuple[Project, int], tmp_path: Path) -> None:
    project, analysis_id = analysed
    with pytest.raises(UserError, match="no player track 999"):
        move_track(project, analysis_id, 999, 1)
    with pytest.raises(UserError, match="no team 5"):
        move_track(project, analysis_id, 1, 5)
    with pytest.raises(UserError, match="#rrggbb"):
        set_team_style(project, analysis_id, 1, colour="red")
    with pytest.raises(UserError, match="needs a name"):
        set_team_style(project, analysis_id, 1, name="  ")
    empty = store.create_analysis(project, project.videos()[0].id, "empty", "motion")
    with pytest.raises(UserError, match="no detections"):
        run_tracking(project, empty.id)
    with pytest.raises(UserError, match="no analysis"):
        run_tracking(project, 12345)


def test_command_line_tracks_names_and_exports(analysed: tuple[Project, int], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    from soccer_desktop.cli import main

    project, analysis_id = analysed
    root = str(project.root)
    assert main(["track", root, str(analysis_id), "--max-gap", "3", "--no-teams"]) == 0
    assert "23 player tracks" in capsys.readouterr().out
    assert not [d for d in _all(project, analysis_id) if d.flags & store.FLAG_INTERPOLATED]  # the gap is 5 > 3
    assert main(["track", root, str(analysis_id)]) == 0
    assert main(["teams", root, str(analysis_id), "--name", "1", "Blues", "--colour", "1", "#0000ff",
                 "--move", "5", "1"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "team 1: Blues #0000ff" in out and "Track 5:" in out
    with pytest.raises(SystemExit):
        main(["track", root, str(analysis_id), "--tracker", "sort"])
    out_csv = tmp_path / "boxes.csv"
    assert main(["export-analysis", root, str(analysis_id), str(out_csv), "--csv"]) == 0
    with out_csv.open() as file:
        records = list(csv.DictReader(file))
    assert {r["track_id"] for r in records if r["class"] == "player"} >= {"1", "23"}
    assert {r["team"] for r in records if r["track_id"] == "5" and r["class"] == "player"} == {"1"}
    assert {r["flags"] for r in records} == {"0", "1", "2"}


def test_json_export_names_the_teams_and_flags(analysed: tuple[Project, int], tmp_path: Path) -> None:
    import json

    from soccer_desktop.analysis.export import export_json

    project, analysis_id = analysed
    untracked = json.loads(export_json(project, analysis_id, tmp_path / "before.json").read_text())
    assert "tracking" not in untracked
    run_tracking(project, analysis_id, TrackingSettings(assign_teams=False))
    set_team_style(project, analysis_id, 1, name="Blues")
    data = json.loads(export_json(project, analysis_id, tmp_path / "after.json").read_text())
    assert data["tracking"]["teams"]["1"]["name"] == "Blues"
    assert data["tracking"]["flags"] == {"1": "ghost ball", "2": "interpolated ball"}
    flagged = [d for d in data["detections"] if d["flags"]]
    assert {d["flags"] for d in flagged} == {1, 2} and all(d["track_id"] is None for d in flagged if d["flags"] == 1)


def test_deleting_an_analysis_removes_its_tracking(analysed: tuple[Project, int]) -> None:
    project, analysis_id = analysed
    run_tracking(project, analysis_id, TrackingSettings(assign_teams=False))
    set_team_style(project, analysis_id, 0, name="Reds")
    move_track(project, analysis_id, 1, 1)
    store.delete_analysis(project, analysis_id)
    for table in ("analysis_tracking", "analysis_teams", "track_team_overrides"):
        assert project.read(f"SELECT COUNT(*) FROM {table}")[0][0] == 0
