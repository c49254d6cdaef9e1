"""The ``soccer-desktop train`` command: the training engine, headless.

    soccer-desktop train --config CONFIG.yaml --dataset DATASET_DIR --out RUN_DIR [--phase 1|2|both]
                         [--resume] [--devices N] [--tracking-uri URI]

It runs the same engine the desktop app starts in its training process and
writes the same files: ``RUN_DIR/events.jsonl``, ``RUN_DIR/manifest.json``,
``RUN_DIR/phase1/``, ``RUN_DIR/phase2/``. When RUN_DIR is inside a project's
``runs/`` folder the run is also listed in that project. Several GPUs train
through Lightning's DDP (``--devices N``); on a SLURM cluster the same command
runs under ``srun`` (Lightning's SLURM support), see the README.

Only argparse is imported here; the engine is imported when the command runs.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    from soccer_desktop.train.worker import add_arguments

    parser = subparsers.add_parser(
        "train",
        help="fine-tune RF-DETR on an exported dataset (phase 1 encoder frozen, phase 2 everything)",
        description="Two-phase RF-DETR fine-tuning, headless. Progress events go to RUN_DIR/events.jsonl, "
        "checkpoints to RUN_DIR/phase1/ and RUN_DIR/phase2/, the run's summary to RUN_DIR/manifest.json. "
        "Ctrl-C cancels at the next safe point (press it twice to stop at once); --resume continues.",
    )
    add_arguments(parser)
    parser.set_defaults(func=handle)


def _register_in_project(run_dir: Path, config_file: Path | None) -> tuple[object, int] | None:
    """List the run in its project when RUN_DIR is ``<project>/runs/<run>``; returns (project root, run id)."""
    from soccer_desktop.core.errors import UserError
    from soccer_desktop.project.store import Project
    from soccer_desktop.train import runs
    from soccer_desktop.train.config import load_config

    root = runs.project_of_run_dir(run_dir)
    if root is None:
        return None
    try:
        config = load_config(config_file).as_dict() if config_file else {}
        with Project.open(root) as project:
            record = runs.register_run(project, run_dir.name, run_dir, config, status="running")
            runs.update_run(project, record.id, status="running")
            return root, record.id
    except UserError as error:  # the run itself does not depend on the listing
        log.warning("Could not list the run in its project: %s", error)
        return None


def _launched_as_rank_zero() -> bool:
    """False in the extra processes Lightning's DDP (or srun) starts: only rank 0 lists the run."""
    import os

    return all(os.environ.get(name, "0") in ("", "0") for name in ("RANK", "LOCAL_RANK", "NODE_RANK", "SLURM_PROCID"))


def handle(args: argparse.Namespace) -> int:
    from soccer_desktop.project.store import Project
    from soccer_desktop.train import runs
    from soccer_desktop.train.worker import run_headless

    run_dir = Path(args.out).expanduser().resolve()
    config_file = args.config or (run_dir / runs.CONFIG_FILE if args.resume else None)
    listed = _register_in_project(run_dir, config_file) if _launched_as_rank_zero() else None
    try:
        return run_headless(args)
    finally:
        if listed is not None:
            root, run_id = listed
            try:
                with Project.open(root) as project:
                    if runs.read_manifest(run_dir) is None:  # stopped before training began (a bad argument)
                        runs.update_run(project, run_id, status="failed")
                    else:
                        runs.sync_run(project, runs.get_run(project, run_id))
            except Exception:  # noqa: BLE001 - the listing is refreshed again when the project is opened
                log.warning("Could not update the run's status in its project", exc_info=True)
