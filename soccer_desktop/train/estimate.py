"""How long a training run will take, from a few real steps measured on this machine.

The probe is the training engine itself, in its own child process (so GPU
memory is freed when it ends): the configured run with one epoch per phase,
``PROBE_STEPS`` training batches and one validation batch, random weights
(step time does not depend on them) and no MLflow, in a temporary folder.
Its event stream gives the time of every step; the first step of a phase
(data loader start, lazy initialisation) is not counted. The estimate is then

    per phase: epochs x (batches per epoch x step time + validation batches x validation time per batch)
    plus the measured start-up of each phase (building the model, loading the data).

The batches per epoch follow rfdetr's train loader (at least five effective
batches, whole accumulation windows), capped by ``limits``. Validation time
per batch is the measured validation of one batch, evaluation included, so
it errs on the long side for large validation splits. CPU and GPU alike:
the probe runs on the configured accelerator.

No Qt; the GUI runs :func:`estimate_training_time` as a job.
"""

from __future__ import annotations

import math
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import (
    CancelCheck,
    JobCancelled,
    Progress,
    ProgressCallback,
    format_eta,
    never_cancelled,
    no_progress,
)
from soccer_desktop.train.config import TrainingConfig

#: Training batches the probe runs per phase; the first is warm-up and not timed.
PROBE_STEPS = 4
POLL_S = 0.2


class EstimateFailed(UserError):
    """The probe run could not measure steps (its message says why)."""


def train_batches_per_epoch(train_images: int, batch_size: int, grad_accum: int = 1, world_size: int = 1,
                            limit: int | None = None) -> int:
    """Training batches one process runs per epoch, as rfdetr's loader counts them (capped by ``limit``)."""
    from soccer_desktop.train.rfdetr_internals import min_train_batches  # rfdetr's own floor, read from rfdetr

    effective = batch_size * grad_accum
    unit = effective * world_size
    samples = max(train_images, effective * min_train_batches() * world_size)
    samples = math.ceil(samples / unit) * unit
    batches = samples // (world_size * batch_size)
    return min(batches, limit) if limit else batches


def val_batches_per_epoch(valid_images: int, batch_size: int, world_size: int = 1, limit: int | None = None) -> int:
    batches = math.ceil(valid_images / (batch_size * world_size)) if valid_images else 0
    return min(batches, limit) if limit else batches


@dataclass(frozen=True)
class PhaseEstimate:
    phase: int
    epochs: int
    train_batches: int
    val_batches: int
    step_s: float
    val_batch_s: float
    startup_s: float

    @property
    def seconds(self) -> float:
        return self.startup_s + self.epochs * (self.train_batches * self.step_s + self.val_batches * self.val_batch_s)


@dataclass(frozen=True)
class RunEstimate:
    accelerator: str
    phases: tuple[PhaseEstimate, ...]

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.phases)

    def describe(self) -> str:
        where = "on the CPU" if self.accelerator == "cpu" else "on the GPU"
        lines = [f"About {format_eta(self.seconds)} {where} (measured from a few steps here)."]
        for p in self.phases:
            lines.append(f"Phase {p.phase}: {p.epochs} epochs × {p.train_batches} steps at {p.step_s:.2f} s "
                         f"+ {p.val_batches} validation batches ≈ {format_eta(p.seconds)}")
        return "\n".join(lines)


def probe_config(config: TrainingConfig) -> TrainingConfig:
    """The configured run cut down to a measurement: one short epoch per phase, nothing kept."""
    probe = config.copy()
    probe.name = f"{config.name}-time-probe"
    probe.model.start_weights = "random"
    probe.model.weights_path = None
    for number in probe.phases:
        phase = probe.phase(number)
        phase.epochs = 1
        phase.warmup_epochs = 0.0
        phase.early_stopping.enabled = False
    probe.limits.train_batches_per_epoch = PROBE_STEPS
    probe.limits.val_batches = 1
    probe.tracking.mlflow = False
    probe.checkpoints.full_state_every = 1000
    return probe


def estimate_from_events(config: TrainingConfig, train_images: int, valid_images: int,
                         events: Sequence[dict[str, Any]]) -> RunEstimate:
    """The run's estimate from the probe's events (``phase_started``, ``step`` and ``epoch``, with times)."""
    h = config.hardware
    world = h.devices * h.num_nodes if h.accelerator != "cpu" else 1
    phases = []
    for number in config.phases:
        mine = [e for e in events if e.get("phase") == number]
        started = next((e for e in mine if e["type"] == "phase_started"), None)
        steps = [e for e in mine if e["type"] == "step"]
        epoch = next((e for e in mine if e["type"] == "epoch"), None)
        if started is None or len(steps) < 2 or epoch is None:
            raise EstimateFailed(f"The time probe did not finish phase {number}, so its time cannot be estimated.")
        gaps = [later["time"] - earlier["time"] for earlier, later in zip(steps, steps[1:])]
        step_s = statistics.median(gaps)
        val_batch_s = max(0.0, epoch["time"] - steps[-1]["time"])
        # Start-up: from the phase's start to its first step, less the one step that costs.
        startup_s = max(0.0, steps[0]["time"] - started["time"] - step_s)
        phases.append(PhaseEstimate(
            phase=number,
            epochs=config.phase(number).epochs,
            train_batches=train_batches_per_epoch(train_images, h.batch_size, h.grad_accum_steps, world,
                                                  config.limits.train_batches_per_epoch),
            val_batches=val_batches_per_epoch(valid_images, h.batch_size, world, config.limits.val_batches),
            step_s=step_s,
            val_batch_s=val_batch_s,
            startup_s=startup_s,
        ))
    return RunEstimate(h.accelerator, tuple(phases))


def estimate_training_time(
    config: TrainingConfig,
    dataset_dir: Path | str,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
    timeout_s: float = 1800.0,
) -> RunEstimate:
    """Run the probe (a child process) and estimate the configured run; cancel stops the probe at once."""
    from soccer_desktop.train.dataset_info import inspect_dataset
    from soccer_desktop.train.subprocess_runner import TrainingProcess

    if cancel():  # cancelled before it began (the wizard closed at once): start no process
        raise JobCancelled()
    config.validate()
    summary = inspect_dataset(dataset_dir)  # a wrong folder fails before any process starts
    train = summary.counts.get("train")
    valid = summary.counts.get("valid")
    probe = probe_config(config)
    total = PROBE_STEPS * len(probe.phases)
    with tempfile.TemporaryDirectory(prefix="soccer-desktop-probe-") as folder:
        process = TrainingProcess.start(probe, summary.root, Path(folder) / "probe")
        deadline = time.monotonic() + timeout_s
        done = 0
        progress(Progress(0, total, "Starting the training process to time a few steps…"))
        try:
            while True:
                for event in process.poll():
                    if event.get("type") == "step":
                        done += 1
                        progress(Progress(min(done, total), total,
                                          f"Timing phase {event['phase']}: step {event['batch']} of {PROBE_STEPS}"))
                if not process.is_running():
                    process.poll()
                    break
                if cancel():
                    raise JobCancelled()
                if time.monotonic() > deadline:
                    raise EstimateFailed(f"Timing a few training steps took more than {timeout_s / 60:.0f} "
                                         "minutes; the run would be very slow with these settings.")
                time.sleep(POLL_S)
        finally:
            process.kill()
            process.wait(10)
        result = process.result()
        if result.status != "completed":
            raise EstimateFailed(f"Timing a few training steps failed: {result.message}")
        return estimate_from_events(config, train.images if train else 0, valid.images if valid else 0,
                                    process.events)
