"""Which devices can train, how much memory they have free, and settings that fit them.

Detection asks ``nvidia-smi`` (no torch import, so the wizard stays quick) and
psutil for the computer's memory. The advice is a rule of thumb from measured
RF-DETR sizes, meant as a starting point: the training process reports the
real peak memory every epoch, and running out of memory stops a run cleanly
with a suggestion (it can then be resumed with a smaller batch).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field

import psutil

from soccer_desktop.train.config import MODEL_SIZES


@dataclass(frozen=True)
class Gpu:
    index: int
    name: str
    total_mb: int
    free_mb: int


@dataclass
class Hardware:
    gpus: list[Gpu] = field(default_factory=list)
    cpu_cores: int = 1
    ram_total_mb: int = 0
    ram_free_mb: int = 0
    note: str = ""

    def describe(self) -> str:
        lines = [f"{g.index}: {g.name}, {g.free_mb / 1024:.1f} of {g.total_mb / 1024:.1f} GB free" for g in self.gpus]
        if not self.gpus:
            lines.append(f"No NVIDIA GPU found{f' ({self.note})' if self.note else ''}.")
        lines.append(f"CPU: {self.cpu_cores} cores, RAM {self.ram_free_mb / 1024:.1f} of "
                     f"{self.ram_total_mb / 1024:.1f} GB free")
        return "\n".join(lines)


def detect_hardware(timeout: float = 5.0) -> Hardware:
    memory = psutil.virtual_memory()
    hardware = Hardware(cpu_cores=psutil.cpu_count(logical=True) or 1, ram_total_mb=memory.total // 2**20,
                        ram_free_mb=memory.available // 2**20)
    smi = shutil.which("nvidia-smi")
    if smi is None:
        hardware.note = "nvidia-smi is not installed"
        return hardware
    try:
        output = subprocess.run(
            [smi, "--query-gpu=index,name,memory.total,memory.free", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=timeout, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        hardware.note = f"nvidia-smi failed: {error}"
        return hardware
    for line in output.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 4 and parts[0].isdigit():
            hardware.gpus.append(Gpu(int(parts[0]), parts[1], int(float(parts[2])), int(float(parts[3]))))
    return hardware


#: Approximate training memory (GB) per image at the size's default resolution, fp16/bf16, EMA on.
_GB_PER_IMAGE = {"nano": 0.45, "small": 0.8, "medium": 1.2, "large": 2.0}
_GB_BASE = {"nano": 1.0, "small": 1.5, "medium": 2.0, "large": 3.0}


def estimate_memory_gb(size: str, resolution: int, batch_size: int, precision: str = "auto") -> float:
    """A rough training memory estimate (GB) for one GPU."""
    default = MODEL_SIZES[size].default_resolution
    scale = (resolution / default) ** 2
    per_image = _GB_PER_IMAGE[size] * scale * (1.8 if precision == "fp32" else 1.0)
    return _GB_BASE[size] + per_image * batch_size


@dataclass(frozen=True)
class Advice:
    batch_size: int
    grad_accum_steps: int
    precision: str
    text: str


def advise(size: str, resolution: int, free_mb: int | None, target_effective_batch: int = 16) -> Advice:
    """Batch size, gradient accumulation and precision that fit ``free_mb`` of GPU memory (None: no GPU)."""
    if not free_mb:
        return Advice(2, 1, "fp32", "No GPU: training runs on the CPU in full precision. It works for a quick "
                      "check with a tiny configuration, but a real training run would take days; use a computer "
                      "with an NVIDIA GPU (8 GB or more) for real work.")
    budget = free_mb / 1024 * 0.85
    batch = 1
    for candidate in (32, 24, 16, 12, 8, 6, 4, 2, 1):
        if estimate_memory_gb(size, resolution, candidate) <= budget:
            batch = candidate
            break
    accumulate = max(1, round(target_effective_batch / batch))
    fits = estimate_memory_gb(size, resolution, batch) <= budget
    text = (f"About {estimate_memory_gb(size, resolution, batch):.1f} GB at batch {batch}; with gradient "
            f"accumulation {accumulate} the effective batch is {batch * accumulate}. Mixed precision (auto) uses "
            "bf16 on recent GPUs and fp16 on older ones.")
    if not fits:
        text = (f"Even batch 1 may not fit in {free_mb / 1024:.1f} GB free at {resolution} px: choose a smaller "
                "model or resolution, or free GPU memory.")
    return Advice(batch, accumulate, "auto", text)
