"""The ``soccer-desktop`` command: the GUI with no arguments, headless subcommands otherwise.

Only light modules are imported here: each subcommand imports what it needs
when it runs, so ``--help`` and the GUI start fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from soccer_desktop import __version__
from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import JobCancelled, TerminalProgress

log = logging.getLogger(__name__)

# Modules that add subcommands: each has ``register(subparsers)`` that sets ``func`` on its parsers.
COMMAND_MODULES: tuple[str, ...] = (
    "soccer_desktop.detect.commands",
    "soccer_desktop.dataset.commands",
    "soccer_desktop.train.commands",
    "soccer_desktop.labels.commands",
    "soccer_desktop.evaluation.commands",
    "soccer_desktop.analysis.commands",
    "soccer_desktop.analysis.track_commands",
    "soccer_desktop.diagnostics.commands",
)


def _cmd_demo(args: argparse.Namespace) -> int:
    from soccer_desktop.video.synthetic import generate_match

    demo = generate_match(Path(args.out_dir), seconds=args.seconds, view=args.view, seed=args.seed,
                          progress=TerminalProgress())
    print(f"Wrote {demo.video} ({demo.width}x{demo.height}, {demo.frame_count} frames at {demo.fps:g} fps)")
    print(f"Wrote {demo.ground_truth}")
    print(f"Wrote {demo.events}")
    return 0


def _cmd_project_create(args: argparse.Namespace) -> int:
    from soccer_desktop.project.store import Project

    with Project.create(args.project_dir) as project:
        print(f"Created project {project.name!r} in {project.root}")
    return 0


def _cmd_video_add(args: argparse.Namespace) -> int:
    from soccer_desktop.project.store import Project
    from soccer_desktop.video.library import add_video

    with Project.open_or_create(args.project_dir) as project:
        video, events = add_video(project, args.video, args.events)
        print(
            f"Added video {video.id}: {Path(video.path).name} {video.width}x{video.height}, "
            f"{video.frame_count} frames at {video.fps:g} fps ({video.duration_s:.1f} s)"
            + (f", {events} events" if args.events else "")
        )
    return 0


def _cmd_video_relink(args: argparse.Namespace) -> int:
    from soccer_desktop.project.store import Project
    from soccer_desktop.video.library import relink_video

    with Project.open(args.project_dir) as project:
        video = relink_video(project, args.video_id, args.new_path)
        print(f"Video {video.id} now points to {video.path}")
    return 0


def _cmd_gui(args: argparse.Namespace) -> int:
    from soccer_desktop.gui.app import run_gui

    return run_gui(project_dir=getattr(args, "project", None), demo=getattr(args, "demo", False))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="soccer-desktop",
        description="Find every player and the ball in match videos, correct the boxes, "
        "and train your own detector. With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the app on the built-in demo project")
    parser.set_defaults(func=_cmd_gui)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the desktop app (the default)")
    gui.add_argument("project", nargs="?", type=Path, help="project folder to open")
    gui.add_argument("--demo", action="store_true", help="open the built-in demo project")
    gui.set_defaults(func=_cmd_gui)

    demo = commands.add_parser("demo", help="write a synthetic match clip with exact ground truth")
    demo.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    demo.add_argument("--seconds", type=float, default=20.0, help="clip length (default 20)")
    demo.add_argument("--view", choices=("panorama", "broadcast"), default="panorama")
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(func=_cmd_demo)

    project = commands.add_parser("project", help="create projects")
    project_commands = project.add_subparsers(metavar="ACTION", required=True)
    create = project_commands.add_parser("create", help="create an empty project folder")
    create.add_argument("project_dir", type=Path, metavar="PROJECT_DIR")
    create.set_defaults(func=_cmd_project_create)

    video = commands.add_parser("video", help="add videos to a project")
    video_commands = video.add_subparsers(metavar="ACTION", required=True)
    add = video_commands.add_parser("add", help="add a video (and its events); creates the project if missing")
    add.add_argument("project_dir", type=Path, metavar="PROJECT_DIR")
    add.add_argument("video", type=Path, metavar="VIDEO")
    add.add_argument("--events", type=Path, metavar="EVENTS_JSON", help="SoccerNet-style event file")
    add.set_defaults(func=_cmd_video_add)
    relink = video_commands.add_parser("relink", help="point a moved video at its new location")
    relink.add_argument("project_dir", type=Path, metavar="PROJECT_DIR")
    relink.add_argument("video_id", type=int, metavar="VIDEO_ID")
    relink.add_argument("new_path", type=Path, metavar="NEW_PATH")
    relink.set_defaults(func=_cmd_video_relink)

    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from soccer_desktop.logs import setup_logging

    args = build_parser().parse_args(argv)
    setup_logging()
    try:
        return int(args.func(args) or 0)
    except UserError as error:
        print(f"error: {error.for_cli()}", file=sys.stderr)
        return 2
    except JobCancelled:
        print("cancelled", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
