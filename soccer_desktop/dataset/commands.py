"""``soccer-desktop dataset import|export|validate``: the headless forms scripts rely on.

Heavy modules (pycocotools, PIL, PyAV) are imported inside the handlers so
``--help`` stays fast. Long imports and exports show a live progress line on a
terminal. Handlers print a summary and return the exit status:
0 when all is well, 1 when a dataset has problems (listed one per line);
user errors raise and the CLI prints them with status 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from soccer_desktop.core.jobs import TerminalProgress

if TYPE_CHECKING:
    from soccer_desktop.project.store import ClassId

EXPORT_FORMATS = ("coco", "coco-plan", "yolo", "mot")
MAP_TARGETS = ("player", "ball", "drop")


def _class_map(pairs: list[str]) -> dict[str, ClassId | None]:
    from soccer_desktop.dataset.common import DatasetError
    from soccer_desktop.project.store import ClassId

    mapping: dict[str, ClassId | None] = {}
    for pair in pairs:
        name, _, target = pair.rpartition("=")
        if not name or target.strip().lower() not in MAP_TARGETS:
            raise DatasetError(
                f"--map {pair!r} is not NAME=player, NAME=ball or NAME=drop (e.g. --map referee=player)."
            )
        target = target.strip().lower()
        mapping[name] = None if target == "drop" else ClassId.PLAYER if target == "player" else ClassId.BALL
    return mapping


def _cmd_import(args: argparse.Namespace) -> int:
    from soccer_desktop.dataset.label_import import import_labels
    from soccer_desktop.project.store import Project

    with Project.open_or_create(args.project_dir) as project:
        result = import_labels(project, args.source, args.format, video=args.video, every=args.every,
                               reviewed=not args.unreviewed, class_map=_class_map(args.map),
                               progress=TerminalProgress())  # fmt: skip
        print(result.summary())
        counts = project.counts()
        print(f"Project {project.root}: {counts['frames']} frames ({counts['reviewed']} reviewed), "
              f"{counts['player_boxes']} player and {counts['ball_boxes']} ball boxes")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from soccer_desktop.dataset.export import export_dataset
    from soccer_desktop.project.store import Project

    with Project.open(args.project_dir) as project:
        result = export_dataset(
            project, args.out_dir, args.format, valid=args.valid, test=args.test, seed=args.seed,
            include_pseudo=args.include_pseudo, block_seconds=args.block_seconds, replace=args.replace,
            progress=TerminalProgress(),
        )
    print(result.summary())
    if result.validation is None:
        return 0
    print(result.validation.format())
    return 0 if result.validation.ok else 1


def _cmd_validate(args: argparse.Namespace) -> int:
    from soccer_desktop.dataset.validate import validate_dataset

    report = validate_dataset(args.dataset_dir)
    print(report.format())
    print(f"Checked in {report.seconds:.1f} s")
    return 0 if report.ok else 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``dataset`` command with its ``import``, ``export`` and ``validate`` actions."""
    from soccer_desktop.dataset.label_import import IMPORT_FORMATS

    dataset = subparsers.add_parser("dataset", help="import labels, export training datasets, validate datasets")
    actions = dataset.add_subparsers(metavar="ACTION", required=True)

    imp = actions.add_parser(
        "import", help="import COCO, YOLO, SoccerTrack CSV or MOT labels (creates the project if missing)"
    )
    imp.add_argument("project_dir", type=Path, metavar="PROJECT_DIR")
    imp.add_argument("source", type=Path, metavar="SOURCE", help="label file or dataset folder")
    imp.add_argument("--format", required=True, choices=IMPORT_FORMATS)
    imp.add_argument("--video", type=Path, metavar="VIDEO",
                     help="the video the labels are for (soccertrack-csv, mot, coco with frame_index)")
    imp.add_argument("--every", type=int, default=1, metavar="N",
                     help="with --video: keep frames whose index is a multiple of N (default 1: all)")
    imp.add_argument("--unreviewed", action="store_true",
                     help="leave the imported frames unreviewed (default: marked reviewed)")
    imp.add_argument("--map", action="append", default=[], metavar="NAME=CLASS",
                     help="map a class name to player, ball or drop, e.g. --map referee=player (repeatable)")
    imp.set_defaults(func=_cmd_import)

    exp = actions.add_parser("export", help="write a training dataset from the project's reviewed frames")
    exp.add_argument("project_dir", type=Path, metavar="PROJECT_DIR")
    exp.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    exp.add_argument("--format", choices=EXPORT_FORMATS, default="coco",
                     help="coco: RF-DETR layout (default); coco-plan: train/images + train/annotations; yolo; mot")
    exp.add_argument("--valid", type=float, default=0.2, help="share of frames for validation (default 0.2)")
    exp.add_argument("--test", type=float, default=0.0, help="share of frames for a test split (default 0)")
    exp.add_argument("--seed", type=int, default=0, help="seed of the block split (default 0)")
    exp.add_argument("--include-pseudo", type=float, metavar="SCORE",
                     help="also take pseudo boxes scoring at least SCORE as ground truth: from unreviewed frames, "
                          "and from reviewed frames that still hold unconfirmed pseudo boxes (older projects)")
    exp.add_argument("--block-seconds", type=float, default=10.0,
                     help="length of the time blocks that are kept on one side of the split (default 10)")
    exp.add_argument("--replace", action="store_true",
                     help="replace an earlier export in OUT_DIR (refused when a training run used it)")
    exp.set_defaults(func=_cmd_export)

    val = actions.add_parser("validate", help="check a COCO dataset folder; exits 1 when it has problems")
    val.add_argument("dataset_dir", type=Path, metavar="DATASET_DIR")
    val.set_defaults(func=_cmd_validate)
