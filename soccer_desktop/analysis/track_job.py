"""The tracking job: players' tracks, the ball's trajectory and the teams of a stored analysis.

It reads the analysis's boxes (no detector, no GPU), runs :func:`compute_tracks`
and writes ids, teams and flags back in one transaction, so it can be re-run
with other settings at any time. Kit colours are read from the video (one frame
in ``sample_every``); when the video file is missing, tracks are still made and
teams are left unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soccer_desktop.analysis import store
from soccer_desktop.analysis.match_tracks import NO_TEAM, TrackingResult, TrackingSettings, compute_tracks
from soccer_desktop.analysis.store import BALL_TRACK_ID
from soccer_desktop.analysis.track_store import StoredBoxes, TrackingWrite, read_boxes, save_tracking
from soccer_desktop.analysis.tracking import NO_TRACK, BoxColumns
from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import (
    CancelCheck,
    Progress,
    ProgressCallback,
    check_cancel,
    never_cancelled,
    no_progress,
)
from soccer_desktop.project.store import ClassId, Project


@dataclass(frozen=True)
class TrackingSummary:
    analysis_id: int
    player_tracks: int
    tracked_boxes: int
    ball_kept: int
    ghosts: int
    interpolated: int
    teams: dict[int, int]  # team -> number of tracks
    keepers: list[int]
    notes: list[str]

    def describe(self) -> str:
        teams = ", ".join(f"{self.teams.get(t, 0)} in {name}" for t, name in ((0, "team A"), (1, "team B"),
                                                                                 (2, "other")))  # fmt: skip
        lines = [
            f"Analysis {self.analysis_id}: {self.player_tracks} player tracks over {self.tracked_boxes} boxes; "
            f"ball kept in {self.ball_kept} frames, {self.ghosts} ghost candidates flagged, "
            f"{self.interpolated} frames interpolated.",
            f"Teams: {teams}" + (f"; goalkeepers: tracks {', '.join(map(str, self.keepers))}." if self.keepers
                                 else "."),  # fmt: skip
        ]
        return "\n".join(lines + [f"Note: {note}" for note in self.notes])

    def as_dict(self) -> dict[str, object]:
        return {"player_tracks": self.player_tracks, "tracked_boxes": self.tracked_boxes, "ball_kept": self.ball_kept,
                "ghosts": self.ghosts, "interpolated": self.interpolated,
                "teams": {str(k): v for k, v in self.teams.items()}, "keepers": self.keepers}  # fmt: skip


def _hex(bgr: tuple[int, int, int]) -> str:
    return f"#{bgr[2]:02x}{bgr[1]:02x}{bgr[0]:02x}"


def run_tracking(
    project: Project,
    analysis_id: int,
    settings: TrackingSettings | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> TrackingSummary:
    """Track an analysis and store the result; a cancelled run leaves the previous tracking untouched."""
    settings = settings or TrackingSettings()
    analysis = store.get_analysis(project, analysis_id)
    video = project.video(analysis.video_id)
    progress(Progress(0, 100, "Reading the detections"))
    boxes = read_boxes(project, analysis_id)
    if len(boxes) == 0:
        raise UserError(f"Analysis {analysis_id} has no detections to track. Run the analysis first "
                        f"(soccer-desktop analyze PROJECT --video {analysis.video_id} ...).")  # fmt: skip
    is_player = boxes.class_id == int(ClassId.PLAYER)
    is_ball = boxes.class_id == int(ClassId.BALL)
    players = BoxColumns(boxes.frame[is_player], boxes.xywh[is_player], boxes.score[is_player])
    balls = BoxColumns(boxes.frame[is_ball], boxes.xywh[is_ball], boxes.score[is_ball])
    notes: list[str] = []
    readable = Path(video.path).is_file()
    if not readable:
        if settings.players.camera_motion:
            raise UserError(f"Camera-motion compensation reads the video, but {video.path} is missing. "
                            "Relink the video (File > Relink video) or turn camera motion off.")  # fmt: skip
        if settings.assign_teams:
            notes.append(f"{video.path} is missing, so kit colours could not be read and teams are unknown.")
    check_cancel(cancel)
    result = _compute(players, balls, video.path if readable else None, video.fps, settings, progress, cancel)
    if settings.assign_teams and readable and result.teams is None:
        notes.append("Fewer than two players' kit colours could be read, so teams are unknown.")
    check_cancel(cancel)
    progress(Progress(99, 100, "Saving the tracks"))
    write, summary = _to_store(boxes, is_player, is_ball, result, analysis_id, settings, notes)
    save_tracking(project, analysis_id, write)
    progress(Progress(100, 100, "Tracks saved"))
    return summary


def _compute(players: BoxColumns, balls: BoxColumns, video_path: str | None, fps: float, settings: TrackingSettings,
             progress: ProgressCallback, cancel: CancelCheck) -> TrackingResult:  # fmt: skip
    def scaled(p: Progress) -> None:
        progress(Progress(1 + int(0.97 * p.done), 100, p.message))

    if video_path is None:
        return compute_tracks(players, balls, fps, settings, None, scaled, cancel)
    from soccer_desktop.video.reader import VideoReader

    with VideoReader(video_path) as reader:
        return compute_tracks(players, balls, fps, settings, reader.grab, scaled, cancel)


def _to_store(boxes: StoredBoxes, is_player: np.ndarray, is_ball: np.ndarray, result: TrackingResult, analysis_id: int,
              settings: TrackingSettings, notes: list[str]) -> tuple[TrackingWrite, TrackingSummary]:  # fmt: skip
    track = np.full(len(boxes), NO_TRACK, dtype=np.int64)
    team = np.full(len(boxes), NO_TEAM, dtype=np.int64)
    flags = np.zeros(len(boxes), dtype=np.int64)
    track[is_player] = result.player_track
    team[is_player] = result.player_team
    ball_rows = np.flatnonzero(is_ball)
    track[ball_rows[result.ball.kept]] = BALL_TRACK_ID
    flags[ball_rows[result.ball.ghost]] = store.FLAG_GHOST
    next_seq: dict[int, int] = {}
    for frame, seq in zip(boxes.frame.tolist(), boxes.seq.tolist(), strict=True):
        next_seq[frame] = max(next_seq.get(frame, 0), seq + 1)
    filled = []
    for frame, (x, y, w, h) in zip(result.ball.filled_frames.tolist(), result.ball.filled_xywh.tolist(), strict=True):
        seq = next_seq.get(frame, 0)
        next_seq[frame] = seq + 1
        filled.append(store.Detection(frame, seq, int(ClassId.BALL), x, y, w, h, None, BALL_TRACK_ID, None,
                                      store.FLAG_INTERPOLATED))  # fmt: skip
    teams = result.teams
    team_sizes = {t: sum(1 for v in teams.team.values() if v == t) for t in (0, 1, 2)} if teams else {}
    kit = {0: _hex(teams.colours_bgr[0]), 1: _hex(teams.colours_bgr[1])} if teams else {}
    tracked = result.player_track[result.player_track != NO_TRACK]
    summary = TrackingSummary(analysis_id, len(np.unique(tracked)), len(tracked), int(result.ball.kept.sum()),
                              int(result.ball.ghost.sum()), len(filled), team_sizes,
                              sorted(teams.keepers) if teams else [], notes)  # fmt: skip
    write = TrackingWrite(boxes.frame, boxes.seq, track, team, flags, filled, settings.as_dict(), summary.as_dict(),
                          kit)  # fmt: skip
    return write, summary
