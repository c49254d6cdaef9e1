"""The training process: ``python -m soccer_desktop.train.worker --config … --dataset … --out …``.

The GUI starts this module as a child process (so Cancel really stops it and
its GPU memory is freed when it exits); ``soccer-desktop train`` runs the same
:func:`run_headless` in its own process. Environment variables that keep
rfdetr, transformers, albumentations and MLflow off the network are set before
any of them is imported.

Exit status: 0 finished, 130 cancelled, 2 a problem the user can fix (bad
configuration or dataset, out of memory; the message says what to do), 1 a
crash (the traceback is in ``RUN_DIR/train.log``).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path
from typing import Any

from soccer_desktop.train.engine import ENVIRONMENT, prepare_environment

EXIT_OK, EXIT_CRASH, EXIT_USER, EXIT_CANCELLED = 0, 1, 2, 130


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="CONFIG.yaml",
                        help="training configuration file, or a shipped one by name (training_soccertrack_phase1.yaml, "
                        "training_soccertrack_phase2.yaml, training_cpu_smoke.yaml); with --resume, defaults to "
                        "RUN_DIR/config.yaml")
    parser.add_argument("--dataset", type=Path, metavar="DATASET_DIR",
                        help="exported dataset (train/valid/test with _annotations.coco.json)")
    parser.add_argument("--out", type=Path, required=True, metavar="RUN_DIR", help="run folder (created if missing)")
    parser.add_argument("--phase", choices=("1", "2", "both"), default=None,
                        help="which phases to train (default: the configuration's 'phases')")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run in RUN_DIR from its last full checkpoint")
    parser.add_argument("--devices", type=int, default=None, metavar="N",
                        help="GPUs to train on (N > 1 trains with Lightning's DDP)")
    parser.add_argument("--tracking-uri", default=None, metavar="URI",
                        help="MLflow tracking URI (default: sqlite:///<project>/mlflow.db, or <RUN_DIR>/mlflow.db)")


def format_event(event: dict[str, Any]) -> str | None:
    """A one-line, human-readable form of an event for a terminal or a log (None: not worth a line)."""
    kind = event.get("type")
    if kind == "step":
        if event.get("batch", 0) % 10 and event.get("batch") != 1:
            return None
        loss = event.get("loss")
        return (f"phase {event['phase']} epoch {event['epoch']} step {event['step']}: loss "
                f"{loss:.4f}" if isinstance(loss, float) else f"phase {event['phase']} step {event['step']}")
    if kind == "epoch":
        val = event.get("val") or {}
        train = event.get("train") or {}
        parts = [f"phase {event['phase']} epoch {event['epoch']}/{event['epochs']}"]
        if train.get("loss") is not None:
            parts.append(f"train loss {train['loss']:.4f}")
        for key, label in (("map", "mAP"), ("map50", "mAP50"), ("ap_ball", "AP ball")):
            if val.get(key) is not None:
                parts.append(f"{label} {val[key]:.4f}")
        parts.append(f"{event.get('epoch_time_s', 0):.1f} s")
        return ", ".join(parts)
    if kind == "log":
        return f"{event.get('level', 'info')}: {event.get('message')}"
    if kind == "phase_started":
        epochs, steps = event["epochs"], event["steps_per_epoch"]
        return (f"phase {event['phase']}: {epochs} epoch{'s' * (epochs != 1)} of {steps} step{'s' * (steps != 1)}, encoder "
                f"{'frozen' if event.get('freeze_encoder') else 'trained'}, learning rates {event.get('lr_groups')}")
    if kind == "phase_finished":
        done = event["epochs_done"]
        return f"phase {event['phase']} {event['status']} after {done} epoch{'s' * (done != 1)}"
    if kind == "error":
        return f"error ({event.get('kind')}): {event.get('message')}"
    if kind == "run_finished":
        best = event.get("best_checkpoint")
        return f"run {event['status']}" + (f"; best weights: {best}" if best else "")
    return None


def _printer(event: dict[str, Any]) -> None:
    line = format_event(event)
    if line:
        print(line, flush=True)


def run_headless(args: argparse.Namespace, log_to_file: bool = True) -> int:
    """Run the engine for parsed ``train`` arguments; returns the exit status."""
    prepare_environment()
    from soccer_desktop.core.errors import UserError
    from soccer_desktop.train.config import ConfigError, load_config, parse_phases
    from soccer_desktop.train.runs import CONFIG_FILE

    run_dir = Path(args.out).expanduser().resolve()
    config_path = args.config or (run_dir / CONFIG_FILE if args.resume else None)
    if config_path is None:
        raise ConfigError("Name the training configuration with --config (a file, or a shipped name such as "
                          "training_soccertrack_phase1.yaml).")
    config = load_config(config_path)
    dataset = args.dataset
    if dataset is None:
        from soccer_desktop.train.runs import read_manifest

        manifest = read_manifest(run_dir) if args.resume else None
        root = ((manifest or {}).get("dataset") or {}).get("root")
        if not root:
            raise ConfigError("Name the dataset folder with --dataset DATASET_DIR.")
        dataset = Path(root)
    phases = parse_phases(args.phase, config.phases)
    if args.resume and args.phase is None:  # resume what the run was asked to do
        from soccer_desktop.train.runs import read_manifest

        requested = (read_manifest(run_dir) or {}).get("phases_requested")
        if requested:
            phases = sorted(int(p) for p in requested)

    run_dir.mkdir(parents=True, exist_ok=True)
    handler = None
    if log_to_file:
        handler = logging.FileHandler(run_dir / "train.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(logging.INFO)
    session_box: dict[str, Any] = {}
    previous_handler = None

    def on_interrupt(signum: int, frame: Any) -> None:
        session = session_box.get("session")
        if session is None or session_box.get("interrupted"):
            raise KeyboardInterrupt
        session_box["interrupted"] = True
        print("\nCancelling at the next safe point (press Ctrl-C again to stop at once)…", file=sys.stderr, flush=True)
        session.request_cancel()

    try:
        previous_handler = signal.signal(signal.SIGINT, on_interrupt)
    except ValueError:  # not the main thread (tests): no handler
        previous_handler = None
    from soccer_desktop.train.engine import run_training

    try:
        outcome = run_training(config, dataset, run_dir, phases=phases, resume=args.resume, devices=args.devices,
                               tracking_uri=args.tracking_uri, echo=_printer,
                               session_hook=lambda s: session_box.__setitem__("session", s))
    except UserError as error:
        logging.getLogger(__name__).warning("Training stopped: %s", error)
        raise
    except Exception:
        logging.getLogger(__name__).exception("Training crashed")
        raise
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGINT, previous_handler)
        if handler is not None:
            logging.getLogger().removeHandler(handler)
            handler.close()
    return EXIT_CANCELLED if outcome.status == "cancelled" else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of the training child process (logs to stderr; the parent sends it to train.log)."""
    for key, value in ENVIRONMENT.items():
        import os

        os.environ.setdefault(key, value)
    parser = argparse.ArgumentParser(prog="python -m soccer_desktop.train.worker", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    started = time.monotonic()
    from soccer_desktop.core.errors import UserError

    try:
        status = run_headless(args, log_to_file=False)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        return EXIT_USER
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr, flush=True)
        return EXIT_CANCELLED
    except Exception:
        import traceback

        traceback.print_exc()
        return EXIT_CRASH
    logging.getLogger(__name__).info("Training process finished in %.0f s", time.monotonic() - started)
    return status


if __name__ == "__main__":
    sys.exit(main())
