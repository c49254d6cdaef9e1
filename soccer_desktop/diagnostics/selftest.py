"""``soccer-desktop self-test``: does this installation work? One line per check, stop at the first failure.

Checks what a broken install or bundle gets wrong: a dependency that does not
import, torch or torchvision's compiled ops, exact video decoding, the project
database, the main window (offscreen, in a child process), and a
random-weights RF-DETR Nano on one tile. Everything it writes goes to a
temporary folder that is removed afterwards. Under a minute on a CPU.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from soccer_desktop.diagnostics.child import QUIET_ENVIRONMENT, run_json_module

# Import names of every runtime dependency (pyproject's list).
DEPENDENCIES = ("numpy", "cv2", "av", "PIL", "yaml", "psutil", "platformdirs", "PySide6.QtWidgets", "pyqtgraph",
                "torch", "torchvision", "pycocotools", "faster_coco_eval", "albumentations", "supervision",
                "trackers", "sklearn", "sahi", "mlflow", "rfdetr")  # fmt: skip
WINDOW_TIMEOUT_S = 60.0
CLIP_FRAMES = 40
_BITS, _CELL, _HEIGHT = 8, 16, 32


class CheckFailed(Exception):
    """A check found the installation broken; the message says what."""


@dataclass
class Check:
    name: str
    run: Callable[[Path], str]


def check_imports(_: Path) -> str:
    slowest = ("", 0.0)
    for name in DEPENDENCIES:
        started = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # libraries' deprecation notes are not the user's problem
                importlib.import_module(name)
        except Exception as error:  # any failure to import is what this check reports
            raise CheckFailed(f"{name} cannot be imported: {error!r}") from error
        elapsed = time.perf_counter() - started
        slowest = max(slowest, (name, elapsed), key=lambda item: item[1])
    return f"{len(DEPENDENCIES)} packages (slowest: {slowest[0]} {slowest[1]:.1f} s)"


def check_torch(_: Path) -> str:
    import torch

    product = torch.ones(2, 3) @ torch.ones(3, 2)
    if not torch.equal(product, torch.full((2, 2), 3.0)):
        raise CheckFailed(f"a 2x3 by 3x2 matrix product of ones gave {product.tolist()}")
    devices = ["cpu"]
    if torch.cuda.is_available():
        on_gpu = (torch.ones(2, 3, device="cuda") @ torch.ones(3, 2, device="cuda")).cpu()
        if not torch.equal(on_gpu, product):
            raise CheckFailed("the same product on the GPU gave a different result")
        devices.append(torch.cuda.get_device_name(0))
    return f"torch {torch.__version__} on {', '.join(devices)}"


def check_nms(_: Path) -> str:
    import torch
    import torchvision
    from torchvision.ops import nms

    boxes = torch.tensor([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], dtype=torch.float32)
    keep = nms(boxes, torch.tensor([0.9, 0.8, 0.7]), iou_threshold=0.5).tolist()
    if keep != [0, 2]:
        raise CheckFailed(f"torchvision.ops.nms kept {keep} instead of [0, 2]")
    return f"torchvision {torchvision.__version__}"


def _index_image(index: int):  # noqa: ANN202 - numpy is imported lazily
    import numpy as np

    image = np.zeros((_HEIGHT, _BITS * _CELL, 3), np.uint8)
    for bit in range(_BITS):
        if index >> bit & 1:
            image[:, bit * _CELL : (bit + 1) * _CELL] = 255
    return image


def _read_index(image) -> int:  # noqa: ANN001
    row = image[_HEIGHT // 2]
    return sum(1 << bit for bit in range(_BITS) if row[bit * _CELL + _CELL // 2].mean() > 127)


def write_index_clip(path: Path, frames: int = CLIP_FRAMES) -> Path:
    """H.264 (MPEG-4 when no H.264 encoder is built in) with B-frames; each frame shows its index in binary."""
    import av

    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=25)
        stream.width, stream.height, stream.pix_fmt = _BITS * _CELL, _HEIGHT, "yuv420p"
        stream.options = {"g": "25", "bf": "2"}
        for index in range(frames):
            for packet in stream.encode(av.VideoFrame.from_ndarray(_index_image(index), format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def check_video(workdir: Path) -> str:
    from soccer_desktop.video.reader import VideoReader

    clip = write_index_clip(workdir / "index.mp4")
    wanted = [0, 31, 7, CLIP_FRAMES - 1, 26]  # forward, back across a keyframe, the last, back again
    with VideoReader(clip) as reader:
        if reader.frame_count != CLIP_FRAMES:
            raise CheckFailed(f"the generated clip has {reader.frame_count} frames, not {CLIP_FRAMES}")
        got = [_read_index(reader.read(index)) for index in wanted]
    if got != wanted:
        raise CheckFailed(f"reading frames {wanted} gave frames {got}: decoding is not frame-exact")
    return f"{CLIP_FRAMES} frames, exact reads at {wanted}"


def check_project(workdir: Path) -> str:
    from soccer_desktop.project.store import Project
    from soccer_desktop.video.library import add_video

    folder = workdir / "project"
    with Project.create(folder) as project:
        add_video(project, workdir / "index.mp4")
    with Project.open(folder) as project:
        videos = project.videos()
        if len(videos) != 1 or videos[0].frame_count != CLIP_FRAMES:
            raise CheckFailed(f"the reopened project lists {videos} instead of the one clip added")
    return "created, video added, reopened"


def check_window(workdir: Path) -> str:
    env = {"QT_QPA_PLATFORM": "offscreen", "SOCCER_DESKTOP_HOME": str(workdir / "home")}
    result = run_json_module("soccer_desktop.gui.selftest_window", timeout=WINDOW_TIMEOUT_S, extra_env=env)
    if not result.ok:
        raise CheckFailed(f"the main window could not be built offscreen: {result.error}")
    return f"Qt {result.data['qt']}, menus {', '.join(result.data['menus'])}"


def check_rfdetr(_: Path) -> str:
    import numpy as np
    from rfdetr import RFDETRNano

    rfdetr_log = logging.getLogger("rf-detr")
    level = rfdetr_log.level
    rfdetr_log.setLevel(logging.ERROR)  # its notes about random weights are expected here, not news
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = RFDETRNano(pretrain_weights=None, num_classes=2, device="cpu")
            size = int(model.model_config.resolution)
            tile = np.random.default_rng(0).integers(0, 255, (size, size, 3), dtype=np.uint8)
            started = time.perf_counter()
            detections = model.predict(tile, threshold=0.0)
            elapsed = time.perf_counter() - started
    finally:
        rfdetr_log.setLevel(level)
    boxes = np.asarray(detections.xyxy)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or len(boxes) == 0:
        raise CheckFailed(f"RF-DETR Nano returned boxes of shape {boxes.shape} for one tile")
    if not np.isfinite(boxes).all():
        raise CheckFailed("RF-DETR Nano returned boxes that are not finite numbers")
    return f"{len(boxes)} boxes from a {size} px tile in {elapsed:.1f} s"


CHECKS = (
    Check("imports", check_imports),
    Check("torch", check_torch),
    Check("nms", check_nms),
    Check("video", check_video),
    Check("project", check_project),
    Check("window", check_window),
    Check("rfdetr", check_rfdetr),
)


def run_self_test(write: Callable[[str], None] = print, checks: tuple[Check, ...] = CHECKS) -> int:
    """Run the checks in order; 0 when all pass, 1 at the first failure (and nothing after it runs)."""
    for name, value in {**QUIET_ENVIRONMENT, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}.items():
        os.environ.setdefault(name, value)  # nothing here downloads; offline, update checks would hang
    started = time.perf_counter()
    width = max(len(check.name) for check in checks)
    with tempfile.TemporaryDirectory(prefix="soccer-desktop-self-test-") as folder:
        for check in checks:
            check_started = time.perf_counter()
            try:
                detail = check.run(Path(folder))
            except Exception as error:  # a self-test reports any failure as a line, never a traceback
                message = str(error) if isinstance(error, CheckFailed) else f"{type(error).__name__}: {error}"
                write(f"FAIL {check.name.ljust(width)}  {message}")
                return 1
            write(f"ok   {check.name.ljust(width)}  {detail} ({time.perf_counter() - check_started:.1f} s)")
    write(f"All {len(checks)} checks passed in {time.perf_counter() - started:.1f} s ({sys.platform}).")
    return 0
