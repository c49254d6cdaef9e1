"""What the welcome page tells a new user: is there a GPU, and where do RF-DETR weights go.

Asking torch whether CUDA works costs seconds, so it is only asked when
nvidia-smi lists a GPU; without an NVIDIA driver the answer is immediate.
Runs off the GUI thread; torch is only ever imported in a child process.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from soccer_desktop import paths
from soccer_desktop.diagnostics.child import ChildResult, run_json_module
from soccer_desktop.diagnostics.info import GpuStatus, gpu_status, nvidia_driver

GPU_CHECK_TIMEOUT_S = 45.0
NO_GPU_MEANING = (
    "Everything works on the CPU: motion proposals find players and the ball without any model, and labelling, "
    "datasets and evaluation do not need a GPU. RF-DETR pseudo-labelling takes seconds per frame, and training "
    "is slow: fine for a quick check, days for a real run. Train on a computer with an NVIDIA GPU (8 GB or more)."
)


@dataclass
class FirstRunFacts:
    gpu: GpuStatus
    models_dir: Path
    weight_files: dict[str, str]
    """Model size → the file name RF-DETR weights of that size are looked for under."""
    weights_found: dict[str, Path]


def check_gpu(timeout: float = GPU_CHECK_TIMEOUT_S) -> GpuStatus:
    driver = nvidia_driver()
    if driver.startswith("none"):
        return GpuStatus(False, "No GPU found: this computer has no NVIDIA driver (nvidia-smi is missing).", driver)
    probe: ChildResult = run_json_module("soccer_desktop.diagnostics.probes", "torch", timeout=timeout)
    return gpu_status(probe, driver)


def gather_first_run_facts(timeout: float = GPU_CHECK_TIMEOUT_S) -> FirstRunFacts:
    from soccer_desktop.detect.rfdetr_backend import MODEL_SIZES, WEIGHT_FILES, resolve_weights

    found = {size: path for size in MODEL_SIZES if (path := resolve_weights(size)) is not None}
    return FirstRunFacts(check_gpu(timeout), paths.models_dir(), dict(WEIGHT_FILES), found)
