"""``soccer-desktop extract`` and ``soccer-desktop pseudo-label``: the headless forms scripts rely on.

Handlers import their modules when they run (rfdetr alone takes seconds), print
a summary (frames, boxes per class, time) and return the exit status; user
errors raise and the CLI prints them with status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from soccer_desktop.detect.choice import DetectorChoice


def _frame_range(text: str) -> tuple[int, int]:
    start, colon, stop = text.partition(":")
    try:
        if not colon:
            raise ValueError
        return int(start), int(stop)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not START:STOP frame indices (e.g. 0:1500)") from None


def _labels(text: str) -> tuple[str, ...]:
    return tuple(label.strip() for label in text.split(",") if label.strip())


def _cmd_extract(args: argparse.Namespace) -> int:
    from soccer_desktop.core.jobs import TerminalProgress
    from soccer_desktop.project.store import Project
    from soccer_desktop.video.extract import ExtractionStrategy, extract_frames

    strategy = ExtractionStrategy(
        every_n=args.every, around_events_s=args.around_events, event_labels=args.event_labels,
        event_every=args.event_every, target_count=args.target, frame_range=args.range, min_change=args.min_change,
    )  # fmt: skip
    with Project.open(args.project_dir) as project:
        summary = extract_frames(project, args.video, strategy, args.quality, progress=TerminalProgress())
        print(summary.describe())
        counts = project.counts()
        print(f"Project {project.root}: {counts['frames']} frames ({counts['reviewed']} reviewed)")
    return 0


def _choice(args: argparse.Namespace) -> DetectorChoice:
    from soccer_desktop.detect.choice import DetectorChoice
    from soccer_desktop.detect.sahi_slicing import SahiSettings

    sahi = None if args.no_sahi else SahiSettings(
        slice_size=args.slice, overlap=args.overlap, full_frame_pass=args.full_frame, postprocess=args.merge,
        match_metric=args.match_metric, match_threshold=args.match_threshold,
    )  # fmt: skip
    return DetectorChoice(args.detector, args.model, args.weights, args.conf, args.device,
                          not args.full_precision, sahi)  # fmt: skip


def _cmd_pseudo_label(args: argparse.Namespace) -> int:
    from soccer_desktop.core.jobs import TerminalProgress
    from soccer_desktop.detect.pseudo_label import FrameScope, pseudo_label, select_frames
    from soccer_desktop.project.store import Project

    with Project.open(args.project_dir) as project:
        scope = FrameScope(unlabelled_only=args.frames == "unlabelled", video_id=args.video, frame_range=args.range)
        frames = select_frames(project, scope)
        if not frames:
            print("No frames to pseudo-label (reviewed frames are never changed). Extract frames first: "
                  f"soccer-desktop extract {args.project_dir} --every 25")
            return 0
        from soccer_desktop.detect.choice import build_factory
        from soccer_desktop.video.frame_index import index_dir

        factory = build_factory(_choice(args), warn=lambda note: print(f"Note: {note}", file=sys.stderr),
                                index_cache=index_dir(project.root))
        summary = pseudo_label(project, factory, frames, keep_other_detectors=args.keep_other_detectors,
                               resume=not args.restart, progress=TerminalProgress())  # fmt: skip
        print(f"{factory.name}: {summary.describe()}")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the top-level ``extract`` and ``pseudo-label`` commands."""
    from soccer_desktop.detect.choice import DETECTORS
    from soccer_desktop.detect.rfdetr_backend import DEFAULT_CONFIDENCE, MODEL_SIZES
    from soccer_desktop.detect.sahi_slicing import MATCH_METRICS, POSTPROCESS_TYPES, SahiSettings
    from soccer_desktop.video.extract import DEFAULT_EVENT_EVERY, DEFAULT_MIN_CHANGE, DEFAULT_QUALITY

    extract = commands.add_parser(
        "extract", help="extract video frames into the project as JPEG (a second run adds only what is missing)",
        description="Strategies combine; with --range and another strategy, the range limits that strategy.",
    )  # fmt: skip
    extract.add_argument("project_dir", type=Path, metavar="PROJECT_DIR")
    extract.add_argument("--every", type=int, metavar="N", help="every Nth frame")
    extract.add_argument("--around-events", type=float, metavar="SECONDS",
                         help="frames within SECONDS before and after each imported event")  # fmt: skip
    extract.add_argument("--event-labels", type=_labels, metavar="LABELS",
                         help="only events with these comma-separated labels (e.g. SHOT,PASS)")  # fmt: skip
    extract.add_argument("--event-every", type=int, default=DEFAULT_EVENT_EVERY, metavar="N",
                         help=f"frame step inside event windows (default {DEFAULT_EVENT_EVERY})")  # fmt: skip
    extract.add_argument("--target", type=int, metavar="N", help="N frames spread evenly over each video")
    extract.add_argument("--range", type=_frame_range, metavar="START:STOP", help="frame range [START, STOP)")
    extract.add_argument("--video", type=int, action="append", metavar="ID",
                         help="only this video (repeatable; default: every video of the project)")  # fmt: skip
    extract.add_argument("--quality", type=int, default=DEFAULT_QUALITY,
                         help=f"JPEG quality (default {DEFAULT_QUALITY})")  # fmt: skip
    extract.add_argument("--min-change", type=float, default=DEFAULT_MIN_CHANGE, metavar="FRACTION",
                         help="skip frames whose thumbnail changed less than this share of pixels since the "
                              f"last kept frame (default {DEFAULT_MIN_CHANGE}; 0 keeps all)")  # fmt: skip
    extract.set_defaults(func=_cmd_extract)

    sahi = SahiSettings()
    label = commands.add_parser(
        "pseudo-label", help="run a detector over extracted frames and store its boxes for review",
        description="Manual and reviewed boxes are never changed; a cancelled run resumes when started again.",
    )  # fmt: skip
    label.add_argument("project_dir", type=Path, metavar="PROJECT_DIR")
    label.add_argument("--detector", choices=DETECTORS, required=True,
                       help="motion: background subtraction for fixed cameras, needs no weights; "
                            "rfdetr: the model")  # fmt: skip
    label.add_argument("--model", choices=MODEL_SIZES, default="nano", help="RF-DETR size (default nano)")
    label.add_argument("--weights", type=Path, metavar="PATH", help="RF-DETR weights file (.pth/.ckpt)")
    label.add_argument("--no-sahi", action="store_true", help="one pass per whole frame instead of slices")
    label.add_argument("--slice", type=int, metavar="N", help="slice size in px (default: the model's resolution)")
    label.add_argument("--overlap", type=float, default=sahi.overlap, help=f"slice overlap (default {sahi.overlap})")
    label.add_argument("--full-frame", action="store_true", help="add a whole-frame pass to the slices")
    label.add_argument("--merge", choices=POSTPROCESS_TYPES, default=sahi.postprocess,
                       help=f"how boxes of overlapping slices are merged (default {sahi.postprocess})")  # fmt: skip
    label.add_argument("--match-metric", choices=MATCH_METRICS, default=sahi.match_metric,
                       help=f"overlap measure for merging (default {sahi.match_metric}; IOS: intersection over "
                            "the smaller box)")  # fmt: skip
    label.add_argument("--match-threshold", type=float, default=sahi.match_threshold,
                       help=f"merge above this overlap (default {sahi.match_threshold})")  # fmt: skip
    label.add_argument("--conf", type=float, default=DEFAULT_CONFIDENCE,
                       help=f"confidence threshold (default {DEFAULT_CONFIDENCE})")  # fmt: skip
    label.add_argument("--device", default="auto", help="auto (CUDA when present), cpu or cuda[:N]")
    label.add_argument("--full-precision", action="store_true", help="no half precision on the GPU")
    label.add_argument("--frames", choices=("all", "unlabelled"), default="all",
                       help="all unreviewed frames (default) or only those without any box")  # fmt: skip
    label.add_argument("--video", type=int, metavar="ID", help="only frames of this video")
    label.add_argument("--range", type=_frame_range, metavar="START:STOP", help="only frames in [START, STOP)")
    label.add_argument("--keep-other-detectors", action="store_true",
                       help="replace only this detector's earlier pseudo boxes (to compare detectors)")  # fmt: skip
    label.add_argument("--restart", action="store_true", help="ignore an interrupted run instead of resuming it")
    label.set_defaults(func=_cmd_pseudo_label)
