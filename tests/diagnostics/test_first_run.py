"""The welcome page's GPU check: immediate without an NVIDIA driver, asks torch (in a child) when there is one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from soccer_desktop import paths
from soccer_desktop.diagnostics.first_run import check_gpu, gather_first_run_facts


def fake_nvidia_smi(folder: Path, driver: str) -> Path:
    """A stand-in for the driver's tool at the PATH seam: the GPU itself cannot be faked."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "nvidia-smi"
    script.write_text(f"#!/bin/sh\necho {driver}\n")
    script.chmod(0o755)
    return folder


def test_without_nvidia_smi_the_answer_is_immediate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no nvidia-smi anywhere
    status = check_gpu()
    assert not status.found and "no NVIDIA driver" in status.summary


def test_with_a_driver_torch_is_asked_in_a_child_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import torch  # this process may already have it; the check itself must not need it

    monkeypatch.setenv("PATH", f"{fake_nvidia_smi(tmp_path / 'bin', '999.99')}:{Path(sys.executable).parent}:/usr/bin:/bin")
    status = check_gpu()
    assert status.driver == "999.99"
    if torch.cuda.is_available():
        assert status.found
    elif torch.version.cuda is None:
        assert not status.found and "CPU-only build" in status.summary
    else:
        assert not status.found and status.summary.startswith("No usable GPU") and "999.99" in status.summary


def test_facts_name_the_models_folder_and_the_weights_found() -> None:
    paths.models_dir().mkdir(parents=True)
    (paths.models_dir() / "rf-detr-medium.pth").write_bytes(b"weights")
    facts = gather_first_run_facts()
    assert facts.models_dir == paths.models_dir()
    assert facts.weights_found == {"medium": (paths.models_dir() / "rf-detr-medium.pth").resolve()}
    assert facts.weight_files["nano"] == "rf-detr-nano.pth"
