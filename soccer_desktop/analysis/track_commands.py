"""``soccer-desktop track`` and ``soccer-desktop teams``: tracking and team naming without the GUI.

Handlers import their modules when they run, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def tracking_settings(args: argparse.Namespace) -> Any:
    """The tracking settings the command line asked for (defaults where an option was not given)."""
    from soccer_desktop.analysis.ball_trajectory import BallSettings
    from soccer_desktop.analysis.match_tracks import TrackingSettings
    from soccer_desktop.analysis.teams import TeamSettings
    from soccer_desktop.analysis.tracking import TrackerSettings

    players = TrackerSettings(tracker=args.tracker, lost_seconds=args.lost_seconds, start_score=args.start_score,
                              min_iou=args.min_iou, confirm_frames=args.confirm_frames,
                              camera_motion=args.camera_motion)  # fmt: skip
    ball = BallSettings(max_gap=args.max_gap, static_seconds=args.static_seconds, gravity=args.gravity)
    return TrackingSettings(players, ball, TeamSettings(sample_every=args.sample_every), not args.no_teams)


def _cmd_track(args: argparse.Namespace) -> int:
    from soccer_desktop.analysis.track_job import run_tracking
    from soccer_desktop.core.jobs import TerminalProgress
    from soccer_desktop.project.store import Project

    settings = tracking_settings(args)
    with Project.open(args.project_dir) as project:
        summary = run_tracking(project, args.analysis_id, settings, progress=TerminalProgress())
        print(summary.describe())
    return 0


def _cmd_teams(args: argparse.Namespace) -> int:
    from soccer_desktop.analysis.track_store import move_track, set_team_style, team_styles
    from soccer_desktop.project.store import Project

    with Project.open(args.project_dir) as project:
        for team, name in args.name or []:
            set_team_style(project, args.analysis_id, int(team), name=name)
        for team, colour in args.colour or []:
            set_team_style(project, args.analysis_id, int(team), colour=colour)
        for track, team in args.move or []:
            moved = move_track(project, args.analysis_id, int(track), int(team))
            print(f"Track {track}: {moved} boxes moved to team {team}")
        for style in team_styles(project, args.analysis_id).values():
            print(f"team {style.team}: {style.name} {style.colour}")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``track`` and ``teams``."""
    from soccer_desktop.analysis.ball_trajectory import BallSettings
    from soccer_desktop.analysis.teams import TeamSettings
    from soccer_desktop.analysis.tracking import TRACKER_NAMES, TrackerSettings

    players, ball, teams = TrackerSettings(), BallSettings(), TeamSettings()
    track = commands.add_parser(
        "track", help="track players, follow the ball and assign teams in a stored analysis",
        description="Runs on the stored detections (no detector, no GPU); run it again with other settings at "
                    "any time. Kit colours are read from the video for the teams.",
    )  # fmt: skip
    track.add_argument("project_dir", type=Path, metavar="PROJECT")
    track.add_argument("analysis_id", type=int, metavar="ANALYSIS_ID")
    track.add_argument("--tracker", choices=TRACKER_NAMES, default=players.tracker,
                       help="bytetrack (fixed cameras) or botsort (can compensate a moving camera)")  # fmt: skip
    track.add_argument("--lost-seconds", type=float, default=players.lost_seconds, metavar="S",
                       help=f"how long a hidden player keeps the id (default {players.lost_seconds})")  # fmt: skip
    track.add_argument("--start-score", type=float, default=players.start_score, metavar="C",
                       help=f"confidence that starts a track (default {players.start_score})")  # fmt: skip
    track.add_argument("--min-iou", type=float, default=players.min_iou, metavar="IOU",
                       help=f"overlap a box needs with a track's prediction (default {players.min_iou})")  # fmt: skip
    track.add_argument("--confirm-frames", type=int, default=players.confirm_frames, metavar="N",
                       help=f"frames in a row that confirm a track (default {players.confirm_frames})")  # fmt: skip
    track.add_argument("--camera-motion", action="store_true",
                       help="compensate pans and zooms (botsort only; decodes the whole video)")  # fmt: skip
    track.add_argument("--max-gap", type=int, default=ball.max_gap, metavar="N",
                       help=f"fill ball gaps up to N frames by interpolation (default {ball.max_gap})")  # fmt: skip
    track.add_argument("--static-seconds", type=float, default=ball.static_seconds, metavar="S",
                       help=f"a 'ball' still this long is a ghost (default {ball.static_seconds})")  # fmt: skip
    track.add_argument("--gravity", type=float, default=ball.gravity, metavar="PX",
                       help="downward pull in px/frame² for lofted balls seen from the side (default 0)")  # fmt: skip
    track.add_argument("--sample-every", type=int, default=teams.sample_every, metavar="N",
                       help=f"read kit colours on every N-th frame (default {teams.sample_every})")  # fmt: skip
    track.add_argument("--no-teams", action="store_true", help="track only; leave teams unknown")
    track.set_defaults(func=_cmd_track)

    team = commands.add_parser("teams", help="name and colour an analysis's teams, or move a track to a team",
                               description="Teams: 0 and 1, and 2 for other (referees).")  # fmt: skip
    team.add_argument("project_dir", type=Path, metavar="PROJECT")
    team.add_argument("analysis_id", type=int, metavar="ANALYSIS_ID")
    team.add_argument("--name", nargs=2, action="append", metavar=("TEAM", "NAME"), help="rename a team")
    team.add_argument("--colour", nargs=2, action="append", metavar=("TEAM", "#RRGGBB"), help="recolour a team")
    team.add_argument("--move", nargs=2, action="append", metavar=("TRACK", "TEAM"),
                      help="put a player track in a team (remembered)")  # fmt: skip
    team.set_defaults(func=_cmd_teams)
