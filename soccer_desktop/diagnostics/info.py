"""``soccer-desktop info``: one copyable report of versions, GPU, display, paths and weights.

The cheap facts (versions from package metadata, OS, paths) are read here; Qt,
torch/CUDA and PyAV/OpenCV are asked in child processes running in parallel,
each with its own timeout, so a broken driver shows up as a line in the report
rather than a frozen app.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from soccer_desktop import __version__, paths
from soccer_desktop.diagnostics.child import ChildResult, run_json_module

TORCH_TIMEOUT_S = 60.0  # importing torch and initialising CUDA the first time can take a while
PROBE_TIMEOUT_S = 20.0
SMI_TIMEOUT_S = 5.0
PACKAGES = ("PySide6", "numpy", "opencv-python", "opencv-python-headless", "av", "torch", "torchvision", "rfdetr",
            "sahi", "supervision", "trackers", "albumentations", "pycocotools", "faster-coco-eval", "mlflow",
            "pyqtgraph", "scikit-learn", "platformdirs")  # fmt: skip

Rows = list[tuple[str, str]]


@dataclass
class Report:
    sections: list[tuple[str, Rows]] = field(default_factory=list)

    def section(self, title: str) -> Rows:
        rows: Rows = []
        self.sections.append((title, rows))
        return rows

    def value(self, title: str, label: str) -> str:
        """One value, for tests and the welcome page (KeyError when absent)."""
        for section_title, rows in self.sections:
            if section_title == title:
                return dict(rows)[label]
        raise KeyError(title)

    def as_text(self) -> str:
        width = max((len(label) for _, rows in self.sections for label, _ in rows), default=0)
        lines: list[str] = []
        for title, rows in self.sections:
            lines.append(title)
            lines.extend(f"  {label.ljust(width)}  {value}" for label, value in rows)
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


@dataclass
class GpuStatus:
    """What the app can use: found says whether RF-DETR will run on a GPU."""

    found: bool
    summary: str
    driver: str = ""


def installation_kind() -> str:
    if getattr(sys, "frozen", False):
        return f"app bundle in {Path(sys.executable).parent}"
    package = Path(__file__).resolve().parents[1]
    return f"{'source checkout' if (package.parent / 'pyproject.toml').is_file() else 'installed package'} ({package})"


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def nvidia_driver(timeout: float = SMI_TIMEOUT_S) -> str:
    """The NVIDIA driver version from nvidia-smi, or why there is none."""
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return "none (nvidia-smi not found: no NVIDIA driver installed)"
    try:
        output = subprocess.run([smi, "--query-gpu=driver_version", "--format=csv,noheader"], capture_output=True,
                                text=True, timeout=timeout, check=True).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError) as error:
        return f"unknown (nvidia-smi failed: {error})"
    versions = sorted({line.strip() for line in output.splitlines() if line.strip()})
    return ", ".join(versions) or "unknown (nvidia-smi listed no GPU)"


def gpu_status(torch_probe: ChildResult, driver: str) -> GpuStatus:
    """Whether RF-DETR can use a GPU, in one sentence that says why not when it cannot."""
    if not torch_probe.ok:
        return GpuStatus(False, f"Unknown: the torch check failed ({torch_probe.error}).", driver)
    data = torch_probe.data
    if data["gpus"]:
        names = "; ".join(f"{g['name']} ({g['memory_mb'] / 1024:.0f} GB)" for g in data["gpus"])
        return GpuStatus(True, f"{names}, CUDA {data['cuda_build']}", driver)
    if not data["cuda_build"]:
        reason = "this torch is a CPU-only build (install a CUDA build of torch to use an NVIDIA GPU)"
    elif driver.startswith("none"):
        reason = "no NVIDIA driver was found"
    else:
        reason = data["cuda_error"] or f"torch (CUDA {data['cuda_build']}) cannot use the GPU with driver {driver}"
    return GpuStatus(False, f"No usable GPU: {reason}.", driver)


def display_description(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    session = env.get("XDG_SESSION_TYPE", "")
    parts = []
    if env.get("WAYLAND_DISPLAY"):
        parts.append(f"Wayland (WAYLAND_DISPLAY={env['WAYLAND_DISPLAY']})")
    if env.get("DISPLAY"):
        parts.append(f"X11 (DISPLAY={env['DISPLAY']})")
    text = " and ".join(parts) or "none (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    if session:
        text += f", session type {session}"
    if env.get("QT_QPA_PLATFORM"):
        text += f", QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}"
    return text


def os_description() -> str:
    try:
        pretty = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except OSError:
        pretty = ""
    libc, libc_version = platform.libc_ver()
    parts = [p for p in (pretty, platform.platform(), f"{libc} {libc_version}" if libc else "") if p]
    return ", ".join(parts)


def weights_rows() -> Rows:
    from soccer_desktop.detect.rfdetr_backend import MODEL_SIZES, WEIGHT_FILES, resolve_weights

    rows = []
    for size in MODEL_SIZES:
        found = resolve_weights(size)
        rows.append((size, f"present: {found}" if found else f"missing ({WEIGHT_FILES[size]})"))
    return rows


def collect_report(torch_timeout: float = TORCH_TIMEOUT_S, probe_timeout: float = PROBE_TIMEOUT_S) -> Report:
    """Everything ``info`` prints; the slow probes run in parallel child processes."""
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="diagnostics") as pool:
        torch_future = pool.submit(run_json_module, "soccer_desktop.diagnostics.probes", "torch", timeout=torch_timeout)
        media_future = pool.submit(run_json_module, "soccer_desktop.diagnostics.probes", "media", timeout=probe_timeout)
        qt_future = pool.submit(run_json_module, "soccer_desktop.gui.qt_probe", timeout=probe_timeout,
                                extra_env={"QT_QPA_PLATFORM": "offscreen"})
        driver_future = pool.submit(nvidia_driver)
        torch_probe, media, qt = torch_future.result(), media_future.result(), qt_future.result()
        driver = driver_future.result()
    return build_report(torch_probe, media, qt, driver)


def _or_error(probe: ChildResult, render: Any) -> str:
    return render(probe.data) if probe.ok else f"unavailable ({probe.error})"


def build_report(torch_probe: ChildResult, media: ChildResult, qt: ChildResult, driver: str) -> Report:
    from soccer_desktop.logs import LOG_FILE_NAME

    report = Report()
    app = report.section("Soccer Desktop")
    app += [
        ("version", __version__),
        ("installation", installation_kind()),
        ("python", f"{platform.python_version()} ({sys.executable})"),
        ("os", os_description()),
        ("display", display_description()),
        ("qt", _or_error(qt, lambda d: f"Qt {d['qt']}, PySide6 {d['pyside6']}")),
    ]
    gpu = gpu_status(torch_probe, driver)
    compute = report.section("GPU and torch")
    compute += [
        ("gpu", gpu.summary),
        ("torch", _or_error(torch_probe, lambda d: f"{d['torch']} (built for CUDA {d['cuda_build']})"
                            if d["cuda_build"] else f"{d['torch']} (CPU-only build)")),
        ("cuda available", _or_error(torch_probe, lambda d: "yes" if d["cuda_available"] else "no")),
        ("cudnn", _or_error(torch_probe, lambda d: str(d["cudnn"] or "-"))),
        ("nvidia driver", driver),
        ("torchvision", _or_error(torch_probe, lambda d: d["torchvision"])),
    ]
    if torch_probe.ok:
        compute += [(f"gpu {g['index']}", f"{g['name']}, {g['memory_mb']} MB, compute {g['capability']}")
                    for g in torch_probe.data["gpus"]]
    media_rows = report.section("Video")
    media_rows += [
        ("pyav", _or_error(media, lambda d: f"{d['av']} (FFmpeg {d['ffmpeg'] or '?'}, libavcodec {d['libavcodec']})")),
        ("opencv", _or_error(media, lambda d: f"{d['opencv']} (GUI backend: {d['opencv_gui']})")),
    ]
    if "not installed" not in (package_version("opencv-python"), package_version("opencv-python-headless")):
        media_rows.append(("note", "opencv-python and opencv-python-headless are both installed; they share the cv2 "
                                   "folder, so whichever was installed last is the one in use"))
    packages = report.section("Packages")
    packages += [(name, package_version(name)) for name in PACKAGES]
    where = report.section("Paths")
    where += [
        ("data", str(paths.data_dir())),
        ("projects", str(paths.projects_dir())),
        ("models", str(paths.models_dir())),
        ("settings", str(paths.settings_file())),
        ("log", str(paths.log_dir() / LOG_FILE_NAME)),
        ("SOCCER_DESKTOP_HOME", os.environ.get("SOCCER_DESKTOP_HOME") or "(not set)"),
    ]
    report.sections.append(("RF-DETR weights (models folder, then RF-DETR's download cache)", weights_rows()))
    return report
