"""``soccer-desktop analyze``, ``export-analysis`` and ``merge-analyses``: match analysis without the GUI.

Handlers import their modules when they run (rfdetr alone takes seconds).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _choice(args: argparse.Namespace) -> object:
    from soccer_desktop.detect.choice import DetectorChoice
    from soccer_desktop.detect.sahi_slicing import SahiSettings

    if args.detector == "motion":
        return DetectorChoice("motion")
    weights = None if args.weights == "pretrained" else args.weights
    sahi = None if args.no_sahi else SahiSettings(slice_size=args.slice)
    return DetectorChoice("rfdetr", args.model, weights, args.conf, "auto", True, sahi)


def _cmd_analyze(args: argparse.Namespace) -> int:
    from soccer_desktop.analysis.job import parse_range, run_analysis
    from soccer_desktop.core.jobs import TerminalProgress
    from soccer_desktop.project.store import Project

    frame_range = parse_range(args.range) if args.range else None
    with Project.open(args.project_dir) as project:
        summary = run_analysis(project, args.video, _choice(args), frame_range, batch=args.batch,  # type: ignore[arg-type]
                               warn=lambda note: print(f"Note: {note}", file=sys.stderr),
                               progress=TerminalProgress())  # fmt: skip
        print(summary.describe())
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from soccer_desktop.analysis.export import export_analysis
    from soccer_desktop.core.jobs import TerminalProgress
    from soccer_desktop.project.store import Project

    with Project.open(args.project_dir) as project:
        written = export_analysis(project, args.analysis_id, args.out, args.format, progress=TerminalProgress())
        print(f"Wrote {written}")
    return 0


def _cmd_merge(args: argparse.Namespace) -> int:
    from soccer_desktop.analysis.shards import merge_shards
    from soccer_desktop.project.store import Project

    with Project.open(args.project_dir) as project:
        for line in merge_shards(project, args.shards):
            print(line)
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``analyze``, ``export-analysis`` and ``merge-analyses``."""
    from soccer_desktop.detect.rfdetr_backend import DEFAULT_CONFIDENCE, MODEL_SIZES

    analyze = commands.add_parser(
        "analyze", help="run a detector over a whole video (or a frame range) and store every detection",
        description="A run with the same settings continues the earlier one (after a cancel or crash) and "
                    "--range shards with the same settings fill one analysis.",
    )  # fmt: skip
    analyze.add_argument("project_dir", type=Path, metavar="PROJECT")
    analyze.add_argument("--video", type=int, required=True, metavar="ID", help="the project's video id")
    source = analyze.add_mutually_exclusive_group(required=True)
    source.add_argument("--weights", metavar="CKPT",
                        help="RF-DETR checkpoint (.pth/.ckpt), or 'pretrained' for the COCO weights of --model")  # fmt: skip
    source.add_argument("--detector", choices=("motion",), help="motion proposals (fixed cameras, no weights)")
    analyze.add_argument("--model", choices=MODEL_SIZES, default="nano", help="RF-DETR size (default nano)")
    analyze.add_argument("--range", metavar="A-B", help="only frames A to B (both included), e.g. a shard")
    analyze.add_argument("--no-sahi", action="store_true", help="whole frames instead of slices")
    analyze.add_argument("--slice", type=int, metavar="N", help="slice size in px (default: the model's resolution)")
    analyze.add_argument("--conf", type=float, default=DEFAULT_CONFIDENCE,
                         help=f"confidence threshold (default {DEFAULT_CONFIDENCE})")  # fmt: skip
    analyze.add_argument("--batch", type=int, metavar="N",
                         help="images per model call (default: from free GPU memory; 16 on the CPU)")  # fmt: skip
    analyze.set_defaults(func=_cmd_analyze)

    export = commands.add_parser("export-analysis", help="export an analysis as CSV, JSON, MOT files or an MP4")
    export.add_argument("project_dir", type=Path, metavar="PROJECT")
    export.add_argument("analysis_id", type=int, metavar="ANALYSIS_ID")
    export.add_argument("out", type=Path, metavar="OUT", help="file to write (a folder for --mot)")
    kind = export.add_mutually_exclusive_group(required=True)
    for name, text in (("csv", "one row per box"), ("json", "analysis, video and boxes"),
                       ("mot", "MOTChallenge det/det.txt and gt/gt.txt"), ("video", "MP4 with the overlays")):  # fmt: skip
        kind.add_argument(f"--{name}", dest="format", action="store_const", const=name, help=text)
    export.set_defaults(func=_cmd_export)

    merge = commands.add_parser(
        "merge-analyses", help="add the analyses of shard projects (other machines) to this project",
        description="Each shard project holds the same video (same file name and frame count); analyses with "
                    "the same settings join one analysis here, frame by frame, without doubles.",
    )  # fmt: skip
    merge.add_argument("project_dir", type=Path, metavar="PROJECT")
    merge.add_argument("shards", type=Path, nargs="+", metavar="SHARD_PROJECT")
    merge.set_defaults(func=_cmd_merge)
