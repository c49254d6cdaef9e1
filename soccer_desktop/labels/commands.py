"""``soccer-desktop review accept``: bulk acceptance of easy frames, with the same rule as Space in the canvas.

    soccer-desktop review accept PROJECT [--min-score S] [--video ID] [--frames A-B]

Pseudo boxes scoring at least S become confirmed, the others are removed, and
those frames are marked reviewed (all in one transaction). Frames without
pseudo boxes are left alone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from soccer_desktop.core.jobs import TerminalProgress

DEFAULT_MIN_SCORE = 0.3  # the canvas's default threshold


def _cmd_accept(args: argparse.Namespace) -> int:
    from soccer_desktop.labels.review_policy import accept_frames, frames_to_accept, parse_frame_range
    from soccer_desktop.project.store import Project, ProjectError

    if not 0.0 <= args.min_score <= 1.0:
        raise ProjectError(f"--min-score {args.min_score:g} is not a score: choose a value from 0 to 1.")
    frames = parse_frame_range(args.frames) if args.frames is not None else None
    with Project.open(args.project_dir) as project:
        frame_ids, skipped = frames_to_accept(project, args.video, frames)
        if not frame_ids:
            print("No frame in that range holds pseudo boxes: nothing was changed.")
            return 0
        result = accept_frames(project, args.min_score, frame_ids, skipped_without_pseudo=skipped,
                               progress=TerminalProgress())
    print(result.summary())
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``review`` command with its ``accept`` action."""
    review = subparsers.add_parser("review", help="accept pseudo labels in bulk (what Space does, for many frames)")
    actions = review.add_subparsers(metavar="ACTION", required=True)
    accept = actions.add_parser(
        "accept",
        help="confirm pseudo boxes scoring at least S, remove the rest, and mark those frames reviewed",
    )
    accept.add_argument("project_dir", type=Path, metavar="PROJECT")
    accept.add_argument("--min-score", type=float, default=DEFAULT_MIN_SCORE, metavar="S",
                        help=f"pseudo boxes scoring at least S are confirmed, the others removed "
                             f"(default {DEFAULT_MIN_SCORE:g}, the canvas's threshold)")
    accept.add_argument("--video", type=int, metavar="ID", help="only frames of this video (default: all)")
    accept.add_argument("--frames", metavar="A-B", help="only frames whose index is from A to B (inclusive)")
    accept.set_defaults(func=_cmd_accept)
