"""The two-phase RF-DETR fine-tuning engine, built on rfdetr's Lightning pieces.

Phase 1 trains with the DINOv2 encoder frozen (``freeze_encoder=True``);
phase 2 is a *new* model built from phase 1's best weights
(``pretrain_weights=<phase1 best>``) with the encoder unfrozen. ``resume`` is
not used across the phases: the optimizer's parameter groups differ.

Each phase is ``RFDETRModelModule`` + :class:`~soccer_desktop.train.data.SoccerDataModule`
+ ``build_trainer(...)`` with :class:`RunCallback` appended. The callback
writes the event stream, stops at a safe point when the cancel file appears
(``trainer.should_stop`` after the current step), keeps one lightweight weights
file per epoch (the last ``keep_last_weights``), keeps the run manifest
current and feeds MLflow. rfdetr's own callbacks write ``last.ckpt`` (full
state, every epoch, for Resume), ``checkpoint_<epoch>.ckpt`` every
``full_state_every`` epochs and the best weights by val mAP
(``checkpoint_best_total.pth``).

Learning rates are exactly the configured ones: rfdetr multiplies the decoder
rate by ``lr_component_decay`` and the encoder's by per-layer decay factors
unless they are 1, so they are set to 1 and ``lr_encoder`` is passed
explicitly.

This module imports torch, rfdetr and mlflow inside functions only; the
training process calls :func:`prepare_environment` before any of them.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import socket
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from soccer_desktop import paths
from soccer_desktop.core.disk import disk_error
from soccer_desktop.core.errors import UserError
from soccer_desktop.dataset.manifest import RUN_HASH_KEY, check_dataset_unchanged, dataset_hash, recorded_hash
from soccer_desktop.train.config import MODEL_SIZES, TrainingConfig, save_config
from soccer_desktop.train.events import EVENTS_FILE, EventWriter
from soccer_desktop.train.rfdetr_configs import build_model_config, build_train_config
from soccer_desktop.train.run_callback import make_callback_class
from soccer_desktop.train.runs import CANCEL_FILE, CONFIG_FILE, process_start_time, read_manifest, write_manifest

log = logging.getLogger(__name__)

#: Set before rfdetr (or mlflow, albumentations, transformers) is first imported: no update checks, no hub calls.
ENVIRONMENT = {
    "NO_ALBUMENTATIONS_UPDATE": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "TOKENIZERS_PARALLELISM": "false",
}
DONE = ("completed", "stopped_early")
BEST_FILE = "checkpoint_best_total.pth"
LAST_FULL_STATE = "last.ckpt"


def prepare_environment() -> None:
    for key, value in ENVIRONMENT.items():
        os.environ.setdefault(key, value)


class TrainingFailed(UserError):
    """Training stopped on a problem the user can act on (out of memory, missing weights); the run is resumable."""


@dataclass
class RunOutcome:
    status: str  # completed | cancelled | failed
    run_dir: Path
    best_checkpoint: Path | None = None
    best_metrics: dict[str, Any] = field(default_factory=dict)
    phases: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------------- helpers
def is_main_launch_process() -> bool:
    """Whether this process writes the run's files (rank 0 of node 0 under DDP/SLURM; always, otherwise)."""
    from soccer_desktop.train.rfdetr_internals import RfdetrChanged, is_launcher_main_process

    try:
        return is_launcher_main_process()
    except RfdetrChanged:  # pragma: no cover - rfdetr without that helper
        return all(os.environ.get(v, "0") == "0" for v in ("RANK", "LOCAL_RANK", "NODE_RANK", "SLURM_PROCID"))


def find_start_weights(config: TrainingConfig) -> Path | None:
    """The phase-1 start weights file (None for random); raises with the fix when it is missing."""
    model = config.model
    if model.start_weights == "random":
        return None
    if model.weights_path:
        path = Path(model.weights_path).expanduser()
        if not path.is_file():
            raise TrainingFailed(f"The start weights file {path} does not exist.",
                                 gui_hint="Choose the file again, or pick “Random weights” for a quick test.",
                                 cli_hint="Choose the file again, or set model.start_weights to random for a "
                                          "quick test.")
        return path.resolve()
    name = MODEL_SIZES[model.size].weights_file
    candidates = [paths.models_dir() / name]
    if os.environ.get("RF_HOME"):
        candidates.append(Path(os.environ["RF_HOME"]) / name)
    candidates.append(Path.home() / ".roboflow" / "models" / name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    raise TrainingFailed(
        f"The COCO-pretrained weights {name} for the {MODEL_SIZES[model.size].label} model were not found "
        f"(looked in {', '.join(str(c.parent) for c in candidates)}). Download {name} from the RF-DETR "
        f"release page and put it in {paths.models_dir()}.",
        gui_hint="Or choose a weights file with “A previous run's checkpoint”, or pick “Random weights” for a "
                 "quick test (the CPU smoke configuration on the Hardware page uses them).",
        cli_hint="Or name the file in model.weights_path, or set model.start_weights to random for a quick test.",
    )


def find_full_state(phase_dir: Path) -> Path | None:
    """The newest readable full-state checkpoint of a phase (``last.ckpt``, else the newest interval one)."""
    import zipfile

    candidates = [phase_dir / LAST_FULL_STATE]
    candidates += sorted(phase_dir.glob("checkpoint_*.ckpt"), key=lambda p: p.stat().st_mtime, reverse=True)
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:  # torch.save writes a zip; a file cut short by a kill has no central directory
            with zipfile.ZipFile(candidate):
                return candidate
        except (zipfile.BadZipFile, OSError):
            log.warning("Skipping the damaged checkpoint %s", candidate)
    return None


def is_out_of_memory(error: BaseException) -> bool:
    import torch

    if isinstance(error, torch.cuda.OutOfMemoryError):
        return True
    text = str(error).lower()
    return isinstance(error, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)


# --------------------------------------------------------------------------- session
class _NullWriter:
    def emit(self, type: str, **fields: Any) -> dict[str, Any]:  # noqa: A002
        return {"type": type, **fields}

    def close(self) -> None:
        pass


class _Session:
    """State shared by the phases of one run: files, events, manifest, tracking, cancel."""

    def __init__(self, config: TrainingConfig, dataset_dir: Path, run_dir: Path, phases: list[int],
                 main: bool, echo: Callable[[dict[str, Any]], None] | None) -> None:
        self.config = config
        self.dataset_dir = dataset_dir
        self.run_dir = run_dir
        self.phases = phases
        self.main = main
        self.events: EventWriter | _NullWriter = EventWriter(run_dir / EVENTS_FILE, echo) if main else _NullWriter()
        self.cancel_path = run_dir / CANCEL_FILE
        self.manifest: dict[str, Any] = {}
        self.tracker: Any = None
        self.init_weights: dict[int, str | None] = {}
        self.resumed_from: dict[int, str | None] = {}
        self._cancel_flag = False

    # events / tracking
    def emit(self, type: str, **fields: Any) -> dict[str, Any]:  # noqa: A002
        return self.events.emit(type, **fields)

    def warn(self, message: str) -> None:
        log.warning(message)
        self.emit("log", level="warning", message=message)

    def metric(self, key: str, value: float | None, step: int) -> None:
        if self.tracker is not None:
            self.tracker.metric(key, value, step)

    def flush_metrics(self) -> None:
        if self.tracker is not None:
            self.tracker.flush()

    # cancel
    def request_cancel(self) -> None:
        self._cancel_flag = True

    def cancel_requested(self) -> bool:
        return self._cancel_flag or self.cancel_path.exists()

    # layout
    def phase_dir(self, number: int) -> Path:
        return self.run_dir / f"phase{number}"

    def phase_state(self, number: int) -> dict[str, Any]:
        return self.manifest.setdefault("phases", {}).setdefault(str(number), {"status": "pending"})

    def future_epochs(self, number: int) -> int:
        later = [p for p in self.phases if p > number
                 and self.phase_state(p).get("status") not in DONE]
        return sum(self.config.phase(p).epochs for p in later)

    def epoch_offset(self, number: int) -> int:
        return int(self.phase_state(1).get("epochs_done", 0)) if number == 2 else 0

    def step_offset(self, number: int) -> int:
        return int(self.phase_state(1).get("steps", 0)) if number == 2 else 0

    # manifest
    def save_manifest(self) -> None:
        if self.main:
            write_manifest(self.run_dir, self.manifest)

    def phase_progress(self, number: int, **fields: Any) -> None:
        state = self.phase_state(number)
        state.update({k: v for k, v in fields.items() if v is not None})
        self.save_manifest()

    def relative(self, path: Path | None) -> str | None:
        if path is None:
            return None
        try:
            return str(Path(path).resolve().relative_to(self.run_dir))
        except ValueError:
            return str(path)


# ----------------------------------------------------------------------------- run
def run_training(
    config: TrainingConfig,
    dataset_dir: Path | str,
    run_dir: Path | str,
    *,
    phases: list[int] | None = None,
    resume: bool = False,
    devices: int | None = None,
    tracking_uri: str | None = None,
    echo: Callable[[dict[str, Any]], None] | None = None,
    session_hook: Callable[[Any], None] | None = None,
) -> RunOutcome:
    """Train the requested phases into ``run_dir``; returns how the run ended.

    Raises :class:`UserError` subclasses for problems the user can fix (the
    run stays resumable); any other exception is a crash, recorded in the
    manifest and the event stream before it propagates.
    """
    from soccer_desktop.train.dataset_info import inspect_dataset

    prepare_environment()
    config.validate()
    phases = list(phases or config.phases)
    dataset_dir = Path(dataset_dir).expanduser().resolve()
    dataset = inspect_dataset(dataset_dir)  # before torch is imported: a wrong folder fails at once
    run_dir = Path(run_dir).expanduser().resolve()
    if resume and (previous := read_manifest(run_dir)) is not None:  # never continue on data the run did not see
        check_dataset_unchanged(dataset_dir, recorded_hash(previous), f"resume the run in {run_dir}")
    run_dir.mkdir(parents=True, exist_ok=True)
    main = is_main_launch_process()
    session = _Session(config, dataset_dir, run_dir, phases, main, echo)
    if session_hook is not None:
        session_hook(session)
    try:
        return _run(session, dataset, resume, devices, tracking_uri)
    finally:
        session.events.close()


def _prepare_manifest(session: _Session, resume: bool, dataset: Any) -> None:
    run_dir = session.run_dir
    previous = read_manifest(run_dir)
    if not session.main:
        # Another DDP rank, started by Lightning while rank 0 trains: rank 0 checked and owns the manifest;
        # this rank only reads it to take the same decisions (which phase, which checkpoint).
        session.manifest = previous or {"phases": {}}
        return
    if resume and previous is None:
        raise TrainingFailed(f"There is no run to resume in {run_dir} (its manifest.json is missing). Start a new "
                             "run instead.")
    if previous is not None and not resume:
        for number in session.phases:
            status = previous.get("phases", {}).get(str(number), {}).get("status", "pending")
            if status in DONE:
                raise TrainingFailed(f"Phase {number} already finished in {run_dir}. Choose a new output folder, "
                                     "or train only the phases still to do (e.g. --phase 2).")
            if status not in ("pending",):
                raise TrainingFailed(f"Phase {number} of {run_dir} was {status}. Continue it with Resume "
                                     "(--resume), or choose a new output folder.")
    manifest = previous or {
        "schema": 1,
        "name": session.config.name,
        "created_at": datetime.now().isoformat(timespec="seconds"),
        "phases": {},
    }
    requested = sorted(set(manifest.get("phases_requested", [])) | set(session.phases))
    manifest.update({
        "status": "running",
        "pid": os.getpid(),
        "pid_started": process_start_time(os.getpid()),
        "host": socket.gethostname(),
        "config_file": CONFIG_FILE,
        "config": session.config.as_dict(),
        "dataset": {**dataset.as_json(), RUN_HASH_KEY: dataset_hash(session.dataset_dir)},
        "phases_requested": requested,
        "error": None,
    })
    session.manifest = manifest
    for number in session.phases:
        session.phase_state(number).setdefault("epochs", session.config.phase(number).epochs)
    session.save_manifest()


def _run(session: _Session, dataset: Any, resume: bool, devices: int | None, tracking_uri: str | None) -> RunOutcome:
    from soccer_desktop.train.augment import check_albumentations

    config, run_dir = session.config, session.run_dir
    if session.cancel_path.exists():
        session.cancel_path.unlink()
    # Names and arguments are checked before anything is built; rfdetr alone would log and skip a typo.
    from rfdetr.datasets.transforms import GEOMETRIC_TRANSFORMS

    aug_list = check_albumentations(config.augment.albumentations, GEOMETRIC_TRANSFORMS)
    names = [next(iter(entry)) for entry in aug_list]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise TrainingFailed(f"The augmentation list has {', '.join(duplicates)} more than once; keep one of each.")
    aug_config = {name: params for entry in aug_list for name, params in entry.items()}
    previous = read_manifest(run_dir) if resume else None
    phase1_done = bool(previous) and previous.get("phases", {}).get("1", {}).get("status") in DONE
    start_weights = find_start_weights(config) if 1 in session.phases and not phase1_done else None

    _prepare_manifest(session, resume, dataset)
    if session.main:
        save_config(config, run_dir / CONFIG_FILE)
        if dataset.manifest_file is not None:
            shutil.copy2(dataset.manifest_file, run_dir / "dataset_manifest.json")
    session.emit("run_started", run_dir=str(run_dir), name=config.name, phases=session.phases, resume=resume,
                 pid=os.getpid(), dataset={"root": str(dataset.root),
                                           "counts": {s: vars(c) for s, c in dataset.counts.items()},
                                           "annotations_sha256": dataset.annotations_sha256},
                 config=config.as_dict())
    for warning in dataset.warnings:
        session.warn(warning)
    if config.hardware.accelerator == "cpu" or not _cuda_available():
        session.warn("Training on the CPU: fine for a smoke test, far too slow for a real model (hours per epoch).")

    if session.main and config.tracking.mlflow:
        from soccer_desktop.train.tracking import MlflowTracker, flatten, resolve_tracking_uri

        uri = resolve_tracking_uri(run_dir, tracking_uri or config.tracking.tracking_uri)
        previous = session.manifest.get("mlflow") or {}
        tracker = MlflowTracker(uri, config.tracking.experiment, run_dir.name,
                                previous.get("run_id") if previous.get("tracking_uri") == uri else None,
                                warn=session.warn)
        tracker.start()
        if tracker.enabled:
            session.tracker = tracker
            session.manifest["mlflow"] = {"tracking_uri": uri, "experiment_id": tracker.experiment_id,
                                          "run_id": tracker.run_id}
            session.save_manifest()
            tracker.params({**flatten(config.as_dict()), "dataset.root": str(dataset.root),
                            "dataset.annotations_sha256": dataset.annotations_sha256,
                            **{f"dataset.{s}.{k}": str(v) for s, c in dataset.counts.items()
                               for k, v in vars(c).items()}})
            tracker.artifact(run_dir / CONFIG_FILE)
            tracker.artifact(run_dir / "dataset_manifest.json", "dataset")

    outcome = RunOutcome("completed", run_dir)
    status = "completed"
    try:
        for number in session.phases:
            state = session.phase_state(number)
            if state.get("status") in DONE:
                session.emit("log", level="info", message=f"Phase {number} already finished; skipping it.")
                outcome.phases[str(number)] = state["status"]
                continue
            phase_status = _run_phase(session, number, start_weights, resume, devices, aug_config)
            outcome.phases[str(number)] = phase_status
            if phase_status == "cancelled":
                status = "cancelled"
                break
    except UserError as error:
        status = "failed"
        _record_failure(session, "user", str(error), resumable=True)
        raise
    except OSError as error:  # rfdetr's and Lightning's own checkpoint writes: a full or read-only disk
        status = "failed"
        problem = disk_error(error, "a checkpoint or log of the run", run_dir)
        _record_failure(session, "user", str(problem), resumable=True)
        raise problem from error
    except BaseException as error:
        status = "failed"
        if is_out_of_memory(error):
            message = _oom_message(session)
            _record_failure(session, "oom", message, resumable=True)
            raise TrainingFailed(message) from error
        if isinstance(error, KeyboardInterrupt):
            status = "cancelled"
            _record_failure(session, "cancelled", "Interrupted.", resumable=True, status="cancelled")
        else:
            lines = traceback.format_exception_only(type(error), error)
            _record_failure(session, "crash", "".join(lines).strip(), resumable=True)
        raise
    finally:
        if session.tracker is not None:
            session.tracker.finish(status)
        _release_memory()

    best_phase = max((p for p in session.phases if session.phase_state(p).get("best_checkpoint")), default=None)
    if best_phase is not None:
        best = session.phase_state(best_phase)
        outcome.best_checkpoint = run_dir / best["best_checkpoint"]
        outcome.best_metrics = best.get("best_metrics") or {}
    outcome.status = status
    session.manifest.update({
        "status": status,
        "best_checkpoint": session.relative(outcome.best_checkpoint),
        "best_metrics": outcome.best_metrics,
    })
    session.save_manifest()
    if session.tracker is not None and outcome.best_checkpoint is not None:
        session.tracker.tag("best_checkpoint", str(outcome.best_checkpoint))
    session.emit("run_finished", status=status, best_checkpoint=str(outcome.best_checkpoint or "") or None,
                 best_metrics=outcome.best_metrics)
    return outcome


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def _release_memory() -> None:
    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _oom_message(session: _Session) -> str:
    h, m = session.config.hardware, session.config.model
    return (f"Training ran out of memory (batch size {h.batch_size} at {m.effective_resolution} px, "
            f"{MODEL_SIZES[m.size].label} model). Lower the batch size (raise gradient accumulation to keep the "
            "effective batch), lower the resolution or pick a smaller model, then Resume: the run continues from "
            "its last full checkpoint.")


def _record_failure(session: _Session, kind: str, message: str, resumable: bool, status: str = "failed") -> None:
    session.manifest["status"] = status
    session.manifest["error"] = {"kind": kind, "message": message, "resumable": resumable}
    for number in session.phases:
        state = session.phase_state(number)
        if state.get("status") == "running":
            state["status"] = status
    session.save_manifest()
    session.emit("error", kind=kind, message=message, resumable=resumable)


def _run_phase(session: _Session, number: int, start_weights: Path | None, resume: bool, devices: int | None,
               aug_config: dict[str, dict]) -> str:
    from rfdetr.training import RFDETRModelModule, build_trainer

    from soccer_desktop.train.data import SoccerDataModule

    config = session.config
    phase = config.phase(number)
    phase_dir = session.phase_dir(number)
    phase_dir.mkdir(parents=True, exist_ok=True)
    state = session.phase_state(number)

    if number == 1:
        init = start_weights
    elif phase.init_from == "previous":
        init = session.phase_dir(1) / BEST_FILE
        if not init.is_file():
            raise TrainingFailed(f"Phase 2 starts from phase 1's best weights, but {init} does not exist. Train "
                                 "phase 1 first (--phase 1 or both), or set phase2.init_from to a weights file.")
    else:
        init = Path(phase.init_from).expanduser()
        if not init.is_file():
            raise TrainingFailed(f"phase2.init_from names {init}, which does not exist. Choose an existing "
                                 "weights file, or use 'previous' for phase 1's best.")
    session.init_weights[number] = str(init) if init else None

    ckpt_path = None
    if resume and state.get("status") not in ("pending", *DONE):
        ckpt_path = find_full_state(phase_dir)
        if ckpt_path is None:
            session.warn(f"Phase {number} has no full checkpoint yet; it restarts from its first epoch.")
    session.resumed_from[number] = str(ckpt_path) if ckpt_path else None

    accelerator = config.hardware.accelerator
    model_config = build_model_config(config, init, freeze_encoder=(number == 1), accelerator=accelerator)
    train_config = build_train_config(config, number, session.dataset_dir, phase_dir, aug_config, devices)
    if session.main:
        save_config(config, phase_dir / CONFIG_FILE)
    state.update({"status": "running", "epochs": phase.epochs, "init_weights": session.relative(init),
                  "started_at": datetime.now().isoformat(timespec="seconds")})
    session.save_manifest()

    module = RFDETRModelModule(model_config, train_config)
    datamodule = SoccerDataModule(model_config, train_config, config.augment)
    trainer_kwargs: dict[str, Any] = {}
    if config.limits.train_batches_per_epoch:
        trainer_kwargs["limit_train_batches"] = config.limits.train_batches_per_epoch
    if config.limits.val_batches:
        trainer_kwargs["limit_val_batches"] = config.limits.val_batches
    trainer = build_trainer(train_config, model_config, accelerator=accelerator, **trainer_kwargs)
    callback = make_callback_class()(session, number)
    if ckpt_path is not None and state.get("best_metrics"):
        callback.best = dict(state["best_metrics"])
    trainer.callbacks.append(callback)

    trainer.fit(module, datamodule, ckpt_path=str(ckpt_path) if ckpt_path else None)

    if not callback.best and callback.last_val:  # no improvement: rfdetr keeps the final (EMA) weights
        callback.best = dict(callback.last_val)
    if callback.cancelled:
        status = "cancelled"
    elif callback.epochs_done < phase.epochs:
        status = "stopped_early"
    else:
        status = "completed"
    best_file = phase_dir / BEST_FILE
    state.update({
        "status": status,
        "epochs_done": callback.epochs_done,
        "steps": callback.step_in_phase,
        "best_checkpoint": session.relative(best_file) if best_file.is_file() else None,
        "best_metrics": callback.best or state.get("best_metrics"),
        "last_full_state": session.relative(find_full_state(phase_dir)),
        "encoder_fingerprint": {"start": callback.start_fingerprint, "end": callback.end_fingerprint},
        "finished_at": datetime.now().isoformat(timespec="seconds"),
    })
    session.save_manifest()
    if best_file.is_file():
        session.emit("checkpoint", phase=number, kind="best", path=str(best_file))
    full = find_full_state(phase_dir)
    if full is not None:
        session.emit("checkpoint", phase=number, kind="full", path=str(full))
    session.emit("phase_finished", phase=number, status=status, epochs_done=callback.epochs_done,
                 best_checkpoint=str(best_file) if best_file.is_file() else None,
                 best_metrics=callback.best or None,
                 encoder_fingerprint_start=callback.start_fingerprint,
                 encoder_fingerprint_end=callback.end_fingerprint)
    if session.tracker is not None and best_file.is_file():
        session.tracker.tag(f"phase{number}.best_checkpoint", str(best_file))
        if callback.best:
            session.tracker.tag(f"phase{number}.best_map", f"{callback.best.get('map', 0):.4f}")
    del trainer, module, datamodule
    _release_memory()
    return status
