"""A run whose process is gone is never shown as running, even when its PID now names another process."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from soccer_desktop.core import atomic
from soccer_desktop.core.disk import DiskError
from soccer_desktop.train.checkpoint_io import save_checkpoint
from soccer_desktop.train.runs import effective_status, process_start_time, read_manifest, write_manifest


def test_the_start_time_tells_a_reused_pid_apart() -> None:
    started = process_start_time(os.getpid())
    assert started is not None and float(started) > 0
    running = {"status": "running", "pid": os.getpid(), "pid_started": started}
    assert effective_status(running) == "running"
    # The same PID with another start time: the training process died and this one got its number.
    assert effective_status({**running, "pid_started": f"{float(started) + 1:.2f}"}) == "interrupted"
    assert effective_status({"status": "running", "pid": os.getpid()}) == "running"  # older manifests: PID only


def test_a_finished_process_is_interrupted() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    started = process_start_time(child.pid)
    child.wait()
    assert effective_status({"status": "running", "pid": child.pid, "pid_started": started}) == "interrupted"


def test_the_manifest_is_written_atomically_and_a_full_disk_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_manifest(tmp_path, {"status": "running", "pid": 1})
    before = (tmp_path / "manifest.json").read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(DiskError, match=r"^The disk is full: the run manifest could not be written"):
        write_manifest(tmp_path, {"status": "completed"})
    assert (tmp_path / "manifest.json").read_bytes() == before
    assert read_manifest(tmp_path)["status"] == "running"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_a_full_disk_during_a_checkpoint_write_keeps_the_previous_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    path = tmp_path / "epoch_001.pth"
    save_checkpoint({"model": {"w": torch.zeros(3)}}, path)
    before = path.read_bytes()
    real_write = atomic.os.fdopen

    def filling_disk(fd: int, mode: str = "r") -> object:
        handle = real_write(fd, mode)
        original = handle.write

        def write(data: bytes) -> int:  # half of the first chunk lands, then the disk is full
            original(bytes(data)[: max(1, len(data) // 2)])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        handle.write = write  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(atomic.os, "fdopen", filling_disk)
    with pytest.raises(DiskError) as caught:
        save_checkpoint({"model": {"w": torch.ones(1000)}}, path)
    assert str(caught.value) == (f"The disk is full: the checkpoint epoch_001.pth could not be written to {tmp_path}. "
                                 "Free some space on that disk, then try again.")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["epoch_001.pth"]  # no temporary file left


def test_a_full_disk_in_rfdetrs_own_checkpoint_write_fails_the_run_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from soccer_desktop.train import engine
    from soccer_desktop.train.config import cpu_smoke_config
    from tests.train.synthetic import write_dataset

    def full_disk(session, number, *args):  # noqa: ANN001, ANN202 - Lightning's checkpoint callback failing
        session.phase_state(number)["status"] = "running"
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(session.run_dir / "phase1" / "last.ckpt"))

    monkeypatch.setattr(engine, "_run_phase", full_disk)
    dataset = write_dataset(tmp_path / "ds", {"train": 2, "valid": 2}, size=64)
    config = cpu_smoke_config()
    config.tracking.mlflow = False
    with pytest.raises(DiskError) as caught:
        engine.run_training(config, dataset, tmp_path / "run")
    message = (f"The disk is full: a checkpoint or log of the run could not be written to {tmp_path / 'run'}. "
               "Free some space on that disk, then try again.")
    assert str(caught.value) == message
    manifest = read_manifest(tmp_path / "run")
    assert manifest["status"] == "failed"
    assert manifest["error"]["kind"] == "user" and manifest["error"]["message"] == message
