"""Player tracks, the ball's trajectory and the teams of one analysis, from its boxes alone (no store, no Qt).

The job (:mod:`track_job`) reads the stored detections into columns, calls
:func:`compute_tracks` and writes the result back; the benchmark calls the
same function on generated detections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from soccer_desktop.analysis.ball_trajectory import BallSettings, BallTrajectory, follow_ball
from soccer_desktop.analysis.teams import TeamAssignment, TeamSettings, assign_teams, torso_colours
from soccer_desktop.analysis.tracking import NO_TRACK, BoxColumns, FrameSource, TrackerSettings, track_players
from soccer_desktop.core.jobs import (
    CancelCheck,
    Progress,
    ProgressCallback,
    check_cancel,
    never_cancelled,
    no_progress,
)

NO_TEAM = -1

# ``grab(indices)`` yields ``(index, BGR picture)`` for the wanted frames in order (VideoReader.grab).
FrameGrabber = Callable[[Iterable[int]], Iterator[tuple[int, np.ndarray]]]


@dataclass(frozen=True)
class TrackingSettings:
    """Everything that changes the tracks; stored with the analysis so a re-run can start from it."""

    players: TrackerSettings = field(default_factory=TrackerSettings)
    ball: BallSettings = field(default_factory=BallSettings)
    teams: TeamSettings = field(default_factory=TeamSettings)
    assign_teams: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"players": self.players.as_dict(), "ball": self.ball.as_dict(), "teams": self.teams.as_dict(),
                "assign_teams": self.assign_teams}  # fmt: skip

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrackingSettings:
        return cls(
            players=TrackerSettings.from_dict(values.get("players", {})),
            ball=BallSettings.from_dict(values.get("ball", {})),
            teams=TeamSettings.from_dict(values.get("teams", {})),
            assign_teams=bool(values.get("assign_teams", True)),
        )


@dataclass(frozen=True)
class TrackingResult:
    player_track: np.ndarray  # per player box: track id, or NO_TRACK
    player_team: np.ndarray  # per player box: 0/1, 2 other, NO_TEAM unknown
    ball: BallTrajectory
    teams: TeamAssignment | None


def _stage(progress: ProgressCallback, start: int, width: int, total: int = 100) -> ProgressCallback:
    """Map one stage's own progress onto its share of the whole job."""

    def report(p: Progress) -> None:
        share = (p.fraction or 0.0) * width
        progress(Progress(start + int(share), total, p.message))

    return report


def sample_frames(frames: np.ndarray, tracks: np.ndarray, every: int) -> list[int]:
    """Frames whose kit colours are measured: every ``every``-th, plus one for each track none of them shows."""
    tracked = tracks != NO_TRACK
    chosen = {int(f) for f in np.unique(frames[tracked]) if f % every == 0}
    covered = set(tracks[tracked & np.isin(frames, list(chosen))].tolist())
    for track in set(tracks[tracked].tolist()) - covered:
        rows = np.flatnonzero(tracks == track)
        chosen.add(int(frames[rows[len(rows) // 2]]))
    return sorted(chosen)


def compute_tracks(
    players: BoxColumns,
    balls: BoxColumns,
    fps: float,
    settings: TrackingSettings | None = None,
    grab: FrameGrabber | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> TrackingResult:
    """Track players, follow the ball and (when ``grab`` can give pictures) assign teams by kit colour."""
    settings = settings or TrackingSettings()
    frame_source: FrameSource | None = None
    if settings.players.camera_motion and grab is not None:
        frame_source = _sequential_source(grab, int(players.frame[0]), int(players.frame[-1])) if len(players) else None
    tracks = track_players(players, fps, settings.players, frame_source, _stage(progress, 0, 60), cancel)
    check_cancel(cancel)
    progress(Progress(60, 100, "Following the ball"))
    ball = follow_ball(balls.frame, balls.xywh, balls.score, fps, settings.ball)
    team_of_box = np.full(len(players), NO_TEAM, dtype=np.int64)
    assignment = None
    tracked = tracks != NO_TRACK
    if settings.assign_teams and grab is not None and len(np.unique(tracks[tracked])) >= 2:
        assignment = _teams(players, tracks, settings.teams, grab, _stage(progress, 65, 35), cancel)
        if assignment is not None:
            team_of_box[tracked] = [assignment.team.get(int(t), NO_TEAM) for t in tracks[tracked].tolist()]
    progress(Progress(100, 100, "Tracks ready"))
    return TrackingResult(tracks, team_of_box, ball, assignment)


def _teams(players: BoxColumns, tracks: np.ndarray, settings: TeamSettings, grab: FrameGrabber,
           progress: ProgressCallback, cancel: CancelCheck) -> TeamAssignment | None:  # fmt: skip
    """Teams from kit colours read on sampled frames; None when fewer than two tracks' kits could be read."""
    wanted = sample_frames(players.frame, tracks, settings.sample_every)
    rows_of = dict(players.by_frame())
    sample_tracks: list[np.ndarray] = []
    sample_colours: list[np.ndarray] = []
    for done, (index, image) in enumerate(grab(wanted), start=1):
        if done % 50 == 0:
            check_cancel(cancel)
            progress(Progress(done, len(wanted), "Reading kit colours"))
        rows = rows_of.get(index)
        if rows is None:
            continue
        mine = tracks[rows] != NO_TRACK
        colours, valid = torso_colours(image, players.xywh[rows][mine])
        sample_tracks.append(tracks[rows][mine][valid])
        sample_colours.append(colours[valid])
    read = np.unique(np.concatenate(sample_tracks)) if sample_tracks else np.zeros(0)
    if len(read) < 2:
        return None
    tracked = tracks != NO_TRACK
    xywh = players.xywh[tracked]
    foot = xywh[:, :2] + xywh[:, 2:] * [0.5, 1.0]
    return assign_teams(np.concatenate(sample_tracks), np.concatenate(sample_colours), tracks[tracked],
                        players.frame[tracked], foot, settings)  # fmt: skip


def _sequential_source(grab: FrameGrabber, first: int, last: int) -> FrameSource:
    """Pictures asked for in increasing order, decoded once in one forward pass (BoT-SORT's camera motion)."""
    stream = grab(range(first, last + 1))
    current: list[Any] = [-1, None]

    def picture(index: int) -> np.ndarray:
        while current[0] < index:
            current[0], current[1] = next(stream)
        return current[1]

    return picture
