"""The training-time estimate: rfdetr's batch count, and the arithmetic over a probe's events."""

from __future__ import annotations

from pathlib import Path

import pytest

from soccer_desktop.train.config import cpu_smoke_config, soccertrack_config
from soccer_desktop.train.estimate import (
    PROBE_STEPS,
    EstimateFailed,
    estimate_from_events,
    probe_config,
    train_batches_per_epoch,
    val_batches_per_epoch,
)


def test_batches_per_epoch_follow_rfdetrs_loader() -> None:
    assert train_batches_per_epoch(8, 2) == 5  # a small set is drawn up to five effective batches
    assert train_batches_per_epoch(100, 4, 4) == 28  # 100 rounded up to whole windows of 16, in batches of 4
    assert train_batches_per_epoch(1000, 8, 2, world_size=4) == 32
    assert train_batches_per_epoch(1000, 8, limit=2) == 2
    assert val_batches_per_epoch(9, 4) == 3 and val_batches_per_epoch(0, 4) == 0
    assert val_batches_per_epoch(9, 4, limit=1) == 1


def test_probe_is_the_run_cut_short() -> None:
    config = soccertrack_config()
    probe = probe_config(config)
    assert probe.phases == config.phases and probe.model.size == config.model.size
    assert probe.hardware == config.hardware and probe.augment == config.augment
    assert [probe.phase(p).epochs for p in probe.phases] == [1, 1]
    assert probe.limits.train_batches_per_epoch == PROBE_STEPS and probe.limits.val_batches == 1
    assert probe.model.start_weights == "random" and not probe.tracking.mlflow
    assert config.phase1.epochs == 10  # the configuration itself is untouched


def probe_events(phase: int, start: float, step_s: float, val_s: float) -> list[dict]:
    events = [{"type": "phase_started", "phase": phase, "time": start}]
    now = start + 3.0 + 5.0  # start-up, then a slow first step
    for batch in range(1, PROBE_STEPS + 1):
        events.append({"type": "step", "phase": phase, "batch": batch, "time": now})
        now += step_s
    events.append({"type": "epoch", "phase": phase, "time": now - step_s + val_s})
    return events


def test_estimate_scales_measured_steps_to_the_configured_run() -> None:
    config = soccertrack_config()
    config.hardware.batch_size, config.hardware.grad_accum_steps = 4, 1
    events = probe_events(1, 100.0, 0.5, 2.0) + probe_events(2, 200.0, 1.0, 2.0)
    estimate = estimate_from_events(config, train_images=400, valid_images=40, events=events)
    phase1, phase2 = estimate.phases
    assert (phase1.train_batches, phase1.val_batches) == (100, 10)
    assert phase1.step_s == pytest.approx(0.5) and phase2.step_s == pytest.approx(1.0)
    assert phase1.val_batch_s == pytest.approx(2.0)
    assert phase1.startup_s == pytest.approx(7.5)  # up to the first step, less one step
    expected = (7.5 + 10 * (100 * 0.5 + 10 * 2.0)) + (7.0 + 40 * (100 * 1.0 + 10 * 2.0))
    assert estimate.seconds == pytest.approx(expected)
    assert "Phase 2: 40 epochs × 100 steps" in estimate.describe()


def test_an_unfinished_probe_is_an_error() -> None:
    with pytest.raises(EstimateFailed, match="phase 2"):
        estimate_from_events(cpu_smoke_config(), 8, 2, probe_events(1, 0.0, 0.5, 1.0))


@pytest.mark.slow
def test_a_real_probe_on_this_computer(tmp_path: Path) -> None:
    from soccer_desktop.train.estimate import estimate_training_time
    from tests.train.synthetic import write_dataset

    dataset = write_dataset(tmp_path / "ds", {"train": 8, "valid": 2})
    reports = []
    estimate = estimate_training_time(cpu_smoke_config(), dataset, progress=reports.append)
    assert [p.phase for p in estimate.phases] == [1, 2]
    assert all(p.step_s > 0 and p.train_batches == 2 for p in estimate.phases)
    assert reports[-1].done == reports[-1].total == 2 * PROBE_STEPS
