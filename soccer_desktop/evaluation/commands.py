"""``soccer-desktop evaluate``: score a checkpoint, a COCO results file or a project detector on a dataset."""

from __future__ import annotations

import argparse
from pathlib import Path

from soccer_desktop.core.jobs import TerminalProgress
from soccer_desktop.evaluation.defaults import DEFAULT_BALL_DISTANCE, DEFAULT_CONFIDENCE


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from soccer_desktop.core.atomic import atomic_write_json
    from soccer_desktop.evaluation.dataset import EvaluationError
    from soccer_desktop.evaluation.metrics import error_as_json, format_table
    from soccer_desktop.evaluation.runner import EvaluationRequest, evaluate

    if args.detector is not None and args.project is None:
        raise EvaluationError("--detector needs --project PROJECT (the project the dataset was exported from).")
    if args.project is not None and args.detector is None and args.checkpoint is None and args.detections is None:
        raise EvaluationError("Choose what to evaluate: --checkpoint CKPT, --detections RESULTS.json or --detector motion.")
    request = EvaluationRequest(
        dataset=args.dataset, split=args.split, checkpoint=args.checkpoint, detections=args.detections,
        detector=args.detector, project=args.project, sahi=not args.no_sahi, confidence=args.conf,
        ball_distance=args.ball_distance,
    )  # fmt: skip
    outcome = evaluate(request, progress=TerminalProgress())
    summary = outcome.summary(args.conf)
    print(format_table(summary))
    where = f"stored as evaluation {outcome.record.id}" if outcome.record is not None else "not stored (no project)"
    print(f"{'From the cache' if outcome.cached else 'Evaluated'} in {outcome.seconds:.1f} s, {where}.")
    if args.json is not None:
        document = {"summary": summary, "evaluation_id": outcome.record.id if outcome.record else None,
                    "cached": outcome.cached, "dataset": str(args.dataset), "split": args.split,
                    "errors": [error_as_json(item) for item in outcome.metrics.errors(args.conf)]}  # fmt: skip
        atomic_write_json(Path(args.json), document)
        print(f"Wrote {args.json}")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="score detections on a dataset split: COCO AP, size bins, ball distance metrics",
    )
    parser.add_argument("--dataset", type=Path, required=True, metavar="DS", help="exported dataset folder")
    parser.add_argument("--split", default="valid", help="split to evaluate on (default valid)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", type=Path, metavar="CKPT", help="RF-DETR checkpoint (.pth)")
    source.add_argument("--detections", type=Path, metavar="RESULTS.json", help="COCO results file")
    source.add_argument("--detector", choices=("motion",), help="a project detector (with --project)")
    parser.add_argument("--project", type=Path, metavar="PROJECT", help="project (needed with --detector)")
    parser.add_argument("--no-sahi", action="store_true", help="whole frames instead of SAHI slices")
    parser.add_argument("--conf", type=float, default=DEFAULT_CONFIDENCE,
                        help=f"confidence for precision/recall/F1 (default {DEFAULT_CONFIDENCE})")
    parser.add_argument("--ball-distance", type=float, default=DEFAULT_BALL_DISTANCE,
                        help=f"a ball is found when its centre is this close, px (default {DEFAULT_BALL_DISTANCE:g})")
    parser.add_argument("--json", type=Path, metavar="OUT.json", help="write every number as JSON")
    parser.set_defaults(func=_cmd_evaluate)
