"""``soccer-desktop info``: every item a bug report needs, probes in child processes with timeouts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from soccer_desktop import __version__
from soccer_desktop.diagnostics.child import ChildResult, run_json_module
from soccer_desktop.diagnostics.info import display_description, gpu_status
from tests.diagnostics.isolation import REPO, run_isolated


def test_info_prints_every_item_and_writes_only_in_platformdirs_locations(tmp_path: Path) -> None:
    models = tmp_path / "home" / ".local" / "share" / "soccer-desktop" / "models"
    models.mkdir(parents=True)
    (models / "rf-detr-nano.pth").write_bytes(b"weights")
    result, stray = run_isolated(["-m", "soccer_desktop", "info", "--timeout", "120"], tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in result.stdout.splitlines()
                if line.startswith("  "))
    for item in ("version", "installation", "python", "os", "display", "qt", "gpu", "torch", "cuda available",
                 "cudnn", "nvidia driver", "torchvision", "pyav", "opencv", "rfdetr", "sahi", "PySide6", "data",
                 "projects", "models", "settings", "log"):
        assert rows.get(item), f"{item} missing from:\n{result.stdout}"
    assert rows["version"] == __version__
    assert rows["qt"].startswith("Qt 6.") and "FFmpeg" in rows["pyav"]
    assert not any(value.startswith("unavailable") for value in rows.values()), result.stdout
    assert rows["nano"] == f"present: {models / 'rf-detr-nano.pth'}"
    assert rows["small"] == "missing (rf-detr-small.pth)"
    assert rows["log"] == str(tmp_path / "home" / ".local" / "state" / "soccer-desktop" / "log" / "soccer-desktop.log")
    assert stray == [], f"written outside the platformdirs locations: {stray}"


def test_version_flag() -> None:
    result = subprocess.run([sys.executable, "-m", "soccer_desktop", "--version"], cwd=REPO, capture_output=True,
                            text=True, timeout=60, check=True)  # fmt: skip
    assert result.stdout.strip() == f"soccer-desktop {__version__}"


def test_a_probe_that_does_not_answer_in_time_is_reported_not_waited_for() -> None:
    result = run_json_module("soccer_desktop.diagnostics.probes", "torch", timeout=0.05)
    assert not result.ok and result.error == "no answer within 0.05 s"
    unknown = run_json_module("soccer_desktop.diagnostics.probes", "nonsense", timeout=30)
    assert not unknown.ok and "usage" in unknown.error


def test_media_probe_answers_in_json() -> None:
    result = run_json_module("soccer_desktop.diagnostics.probes", "media", timeout=60)
    assert result.ok, result.error
    assert result.data["av"] and result.data["opencv"].startswith(("4.", "5."))


def _torch(**data: object) -> ChildResult:
    return ChildResult(True, {"torch": "2.14.1", "cuda_build": "13.0", "cuda_available": False, "gpus": [],
                              "cuda_error": "", "cudnn": None, "torchvision": "0.29.1", **data})


def test_gpu_status_says_why_there_is_no_gpu() -> None:
    found = gpu_status(_torch(cuda_available=True, gpus=[{"index": 0, "name": "NVIDIA RTX 4070", "memory_mb": 12282,
                                                          "capability": "8.9"}]), "550.54")
    assert found.found and found.summary == "NVIDIA RTX 4070 (12 GB), CUDA 13.0"
    cpu_build = gpu_status(_torch(cuda_build=None), "550.54")
    assert not cpu_build.found and "CPU-only build" in cpu_build.summary
    no_driver = gpu_status(_torch(), "none (nvidia-smi not found: no NVIDIA driver installed)")
    assert no_driver.summary == "No usable GPU: no NVIDIA driver was found."
    old_driver = gpu_status(_torch(), "470.1")
    assert "cannot use the GPU with driver 470.1" in old_driver.summary
    failed = gpu_status(ChildResult(False, {}, "no answer within 60 s"), "550.54")
    assert not failed.found and "no answer within 60 s" in failed.summary


def test_display_names_x11_and_wayland() -> None:
    assert display_description({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}) == "X11 (DISPLAY=:0), session type x11"
    assert display_description({"WAYLAND_DISPLAY": "wayland-0"}).startswith("Wayland (WAYLAND_DISPLAY=wayland-0)")
    assert display_description({}).startswith("none")


def test_the_launcher_runs_modules_like_python_dash_m() -> None:
    """The bundle starts its child processes as ``soccer-desktop -m MODULE``; the launcher must obey."""
    result = subprocess.run([sys.executable, "-m", "soccer_desktop.launcher", "-m",
                             "soccer_desktop.diagnostics.probes", "media"], cwd=REPO, capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "opencv" in json.loads(result.stdout.strip().splitlines()[-1])
    bad = subprocess.run([sys.executable, "-m", "soccer_desktop.launcher", "-m", "soccer_desktop.diagnostics.probes"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert bad.returncode == 2
    version = subprocess.run([sys.executable, "-m", "soccer_desktop.launcher", "--version"], cwd=REPO,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert version.stdout.strip() == f"soccer-desktop {__version__}"
