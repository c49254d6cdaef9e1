"""The training child process: crash reports with the log's last lines, user errors, kill, and OOM handling."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from soccer_desktop.train import subprocess_runner
from soccer_desktop.train.config import cpu_smoke_config
from soccer_desktop.train.runs import read_manifest, resumable
from soccer_desktop.train.subprocess_runner import TrainingProcess
from tests.train.synthetic import write_dataset

CRASH = ("import sys; print('loading the model'); "
         "print('Traceback (most recent call last):\\nValueError: boom in step 3', file=sys.stderr); sys.exit(1)")


def test_a_crash_is_reported_with_the_last_log_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subprocess_runner, "worker_command", lambda *a, **k: [sys.executable, "-c", CRASH])
    process = TrainingProcess.start(cpu_smoke_config(), tmp_path / "ds", tmp_path / "run")
    assert process.wait(60) == 1
    result = process.result()
    assert result.status == "crashed"
    assert "crashed" in result.message and "Resume" in result.message
    assert "ValueError: boom in step 3" in result.log_tail and "loading the model" in result.log_tail
    assert (tmp_path / "run" / "config.yaml").is_file()


def test_kill_stops_the_child_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subprocess_runner, "worker_command",
                        lambda *a, **k: [sys.executable, "-c", "import time; time.sleep(60)"])
    process = TrainingProcess.start(cpu_smoke_config(), tmp_path / "ds", tmp_path / "run")
    assert process.is_running()
    process.cancel()
    assert (tmp_path / "run" / "cancel").exists()
    process.kill()
    assert not process.is_running()
    assert process.result().status == "killed"


def test_a_user_error_exits_2_with_the_fix(tmp_path: Path) -> None:
    process = TrainingProcess.start(cpu_smoke_config(), tmp_path / "no-such-dataset", tmp_path / "run")
    assert process.wait(120) == 2
    result = process.result()
    assert result.status == "failed"
    assert "no-such-dataset" in result.message and "does not exist" in result.message


def test_out_of_memory_stops_cleanly_and_stays_resumable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from soccer_desktop.train import engine
    from soccer_desktop.train.events import read_events

    def out_of_memory(session, number, *args):  # noqa: ANN001, ANN202
        session.phase_state(number)["status"] = "running"
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(engine, "_run_phase", out_of_memory)
    dataset = write_dataset(tmp_path / "ds", {"train": 2, "valid": 2}, size=64)
    config = cpu_smoke_config()
    config.tracking.mlflow = False
    with pytest.raises(engine.TrainingFailed) as caught:
        engine.run_training(config, dataset, tmp_path / "run")
    assert "ran out of memory" in str(caught.value) and "batch size 2" in str(caught.value)
    manifest = read_manifest(tmp_path / "run")
    assert manifest["status"] == "failed" and manifest["error"]["kind"] == "oom"
    assert manifest["phases"]["1"]["status"] == "failed" and resumable(manifest)
    errors = [e for e in read_events(tmp_path / "run" / "events.jsonl") if e["type"] == "error"]
    assert errors and errors[0]["kind"] == "oom" and errors[0]["resumable"]
