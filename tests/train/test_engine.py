"""Both phases end to end on the CPU, through the same child process the GUI starts; cancel and resume.

Uses ``soccer_desktop/configs/training_cpu_smoke.yaml`` (Nano at 320 px, random weights, a
few steps per epoch) on a generated dataset.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from soccer_desktop.train.config import load_config
from soccer_desktop.train.runs import read_manifest, resumable
from soccer_desktop.train.subprocess_runner import TrainingProcess
from tests.train.synthetic import write_dataset

CONFIGS = Path(__file__).resolve().parents[2] / "soccer_desktop" / "configs"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("data") / "ds", {"train": 8, "valid": 2})


def of(events: list[dict], event_type: str, **match) -> list[dict]:  # noqa: ANN003
    return [e for e in events if e["type"] == event_type and all(e.get(k) == v for k, v in match.items())]


def test_two_phases_end_to_end(dataset: Path, tmp_path: Path) -> None:
    import torch

    from soccer_desktop.train.run_callback import ENCODER_PREFIX, weights_fingerprint

    config = load_config(CONFIGS / "training_cpu_smoke.yaml")
    run_dir = tmp_path / "run"
    process = TrainingProcess.start(config, dataset, run_dir)
    events = list(process.wait_events(timeout=900))
    result = process.result()
    assert process.returncode == 0, result.log_tail
    assert [e["type"] for e in events][0] == "run_started"
    assert of(events, "run_finished")[0]["status"] == "completed"

    # Phase 1: encoder frozen, weights unchanged; learning rate exactly as configured.
    started1, started2 = of(events, "phase_started", phase=1)[0], of(events, "phase_started", phase=2)[0]
    finished1, finished2 = of(events, "phase_finished", phase=1)[0], of(events, "phase_finished", phase=2)[0]
    assert started1["freeze_encoder"] and started1["init_weights"] is None
    assert started1["lr_groups"] == [config.phase1.lr]
    assert finished1["encoder_fingerprint_start"] == finished1["encoder_fingerprint_end"]
    assert finished1["status"] == "completed" and finished1["epochs_done"] == config.phase1.epochs

    # Phase 2: a new model from phase 1's best weights, everything trained, encoder changed.
    best1 = run_dir / "phase1" / "checkpoint_best_total.pth"
    assert Path(started2["init_weights"]) == best1
    best1_state = torch.load(best1, map_location="cpu", weights_only=False)["model"]
    assert started2["weights_fingerprint"] == weights_fingerprint(best1_state)
    assert started2["encoder_fingerprint"] == weights_fingerprint(best1_state, ENCODER_PREFIX)
    assert not started2["freeze_encoder"] and started2["frozen_params"] == 0
    assert started2["lr_groups"] == [config.phase2.lr]
    assert finished2["encoder_fingerprint_start"] != finished2["encoder_fingerprint_end"]
    best2_state = torch.load(run_dir / "phase2" / "checkpoint_best_total.pth", map_location="cpu",
                             weights_only=False)["model"]
    encoder_keys = [k for k in best1_state if k.startswith(ENCODER_PREFIX)]
    assert encoder_keys and any(not torch.equal(best1_state[k], best2_state[k]) for k in encoder_keys)

    # Events: per-step loss and lr, per-epoch train loss parts, val mAP, memory, time, ETA.
    steps = of(events, "step")
    assert len(steps) == config.limits.train_batches_per_epoch * (config.phase1.epochs + config.phase2.epochs)
    assert all(isinstance(s["loss"], float) and s["lr"] > 0 and s["eta_s"] is not None for s in steps)
    epochs = of(events, "epoch")
    assert [(e["phase"], e["epoch"]) for e in epochs] == [(1, 1), (1, 2), (2, 1)]
    for e in epochs:
        assert {"loss", "loss_ce", "loss_bbox", "loss_giou"} <= set(e["train"])
        assert set(e["val"]) == {"map", "map50", "map75", "ap_player", "ap_ball"} and e["val"]["map"] is not None
        assert e["memory"]["ram_mb"] > 0 and e["epoch_time_s"] > 0 and e["eta_s"] >= 0

    # Checkpoints: weights every epoch, full state, best; manifest; MLflow run.
    for phase, count in ((1, config.phase1.epochs), (2, config.phase2.epochs)):
        folder = run_dir / f"phase{phase}"
        assert len(list((folder / "weights").glob("epoch_*.pth"))) == count
        assert (folder / "last.ckpt").is_file() and (folder / "checkpoint_best_total.pth").is_file()
    assert len(of(events, "checkpoint", kind="weights")) == 3
    manifest = read_manifest(run_dir)
    assert manifest["status"] == "completed" and not resumable(manifest)
    assert manifest["best_checkpoint"] == "phase2/checkpoint_best_total.pth"
    assert manifest["dataset"]["counts"]["train"]["images"] == 8
    assert (run_dir / "config.yaml").is_file() and (run_dir / "dataset_manifest.json").is_file()
    assert (run_dir / "mlflow.db").is_file()

    from mlflow.tracking import MlflowClient

    client = MlflowClient(manifest["mlflow"]["tracking_uri"])
    run = client.get_run(manifest["mlflow"]["run_id"])
    assert run.info.status == "FINISHED"
    assert run.data.params["phase1.lr"] == str(config.phase1.lr)
    assert len(client.get_metric_history(run.info.run_id, "step/loss")) == len(steps)
    assert "val/map" in run.data.metrics
    assert run.data.tags["best_checkpoint"].endswith("phase2/checkpoint_best_total.pth")
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"config.yaml", "dataset"} <= artifacts


def test_cancel_stops_within_one_step_and_resume_finishes(dataset: Path, tmp_path: Path) -> None:
    config = load_config(CONFIGS / "training_cpu_smoke.yaml")
    config.phases = [1]
    config.limits.train_batches_per_epoch = 4
    config.tracking.mlflow = False
    run_dir = tmp_path / "run"
    process = TrainingProcess.start(config, dataset, run_dir)
    cancelled_at = None
    events = []
    for event in process.wait_events(timeout=900):
        events.append(event)
        if event["type"] == "step" and cancelled_at is None:
            process.cancel()
            cancelled_at = event["step"]
    assert process.returncode == 130, process.result().log_tail
    assert process.result().status == "cancelled"
    steps = [e["step"] for e in of(events, "step")]
    assert cancelled_at == 1 and max(steps) <= cancelled_at + 1
    assert of(events, "phase_finished")[0]["status"] == "cancelled"
    assert of(events, "run_finished")[0]["status"] == "cancelled"
    manifest = read_manifest(run_dir)
    assert manifest["phases"]["1"]["status"] == "cancelled" and resumable(manifest)
    assert (run_dir / "phase1" / "last.ckpt").is_file()  # the safe point kept a full checkpoint

    process = TrainingProcess.start(config, dataset, run_dir, resume=True)
    resumed = list(process.wait_events(timeout=900))
    assert process.returncode == 0, process.result().log_tail
    started = of(resumed, "phase_started")[0]
    assert started["resumed_from"].endswith("last.ckpt") and started["start_epoch"] == 1
    assert [e["epoch"] for e in of(resumed, "epoch")] == [2]
    manifest = read_manifest(run_dir)
    assert manifest["status"] == "completed" and manifest["phases"]["1"]["epochs_done"] == 2
