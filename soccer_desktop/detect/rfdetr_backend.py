"""RF-DETR as a detector: finding weights, loading them safely, mapping classes, choosing the device.

Weights come from, in order: the file the user picked, the app's models
folder, RF-DETR's own download cache, and finally the library's download when
the machine is online. Offline with none of them, the user is told within a
second which file to put where; nothing here imports torch or rfdetr before
that decision (importing them takes seconds, and offline they retry for
minutes unless told not to).

Checkpoints are read with ``torch.load(weights_only=True)`` and handed to
rfdetr, which reads them the same way: a file from the internet cannot run
code. COCO checkpoints predict COCO classes (``person`` → player, ``sports
ball`` → ball, the rest dropped); the project's own checkpoints name player and
ball. Frames reach the model as RGB.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from soccer_desktop import paths
from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import CancelCheck, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.detect.base import DetectorUnavailableError, pseudo_box
from soccer_desktop.project.store import ClassId, NewBox, Video

log = logging.getLogger(__name__)

MODEL_SIZES = ("nano", "small", "medium", "large")
DEFAULT_CONFIDENCE = 0.15  # low on purpose: pseudo-labels are reviewed, a missed ball is worse than a false one
WEIGHT_FILES = {
    "nano": "rf-detr-nano.pth",
    "small": "rf-detr-small.pth",
    "medium": "rf-detr-medium.pth",
    "large": "rf-detr-large-2026.pth",
}
WEIGHT_URLS = {
    "nano": "https://storage.googleapis.com/rfdetr/nano_coco/checkpoint_best_regular.pth",
    "small": "https://storage.googleapis.com/rfdetr/small_coco/checkpoint_best_regular.pth",
    "medium": "https://storage.googleapis.com/rfdetr/medium_coco/checkpoint_best_regular.pth",
    "large": "https://storage.googleapis.com/rfdetr/rf-detr-large-2026.pth",
}
_VARIANT_CLASSES = {"nano": "RFDETRNano", "small": "RFDETRSmall", "medium": "RFDETRMedium", "large": "RFDETRLarge"}
_CLASS_BY_NAME = {"player": ClassId.PLAYER, "person": ClassId.PLAYER, "ball": ClassId.BALL,
                  "sports ball": ClassId.BALL}  # fmt: skip
_DOWNLOAD_HOST = ("storage.googleapis.com", 443)
_OFFLINE_VARIABLES = ("SOCCER_DESKTOP_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
CPU_WARNING = (
    "No CUDA GPU found: RF-DETR runs on the CPU, which is slow (seconds per frame, more with SAHI "
    "slices). Pseudo-label fewer frames, use a smaller model, or run on a machine with an NVIDIA GPU."
)


class MissingWeightsError(DetectorUnavailableError):
    """No weights on this machine and no way to download them; the message names the file and folder."""


class WeightsFileError(UserError):
    """A weights file that cannot be used (missing, unsafe, damaged, wrong model)."""


# --------------------------------------------------------------------------- weights


def resolve_weights(size: str, chosen: Path | str | None = None) -> Path | None:
    """The weights file to load for ``size``, or None when only a download can provide it."""
    if size not in MODEL_SIZES:
        raise WeightsFileError(f"Unknown RF-DETR model {size!r}; choose one of: {', '.join(MODEL_SIZES)}.")
    if chosen is not None:
        path = Path(chosen).expanduser().resolve()
        if not path.is_file():
            raise WeightsFileError(f"The weights file {path} does not exist. Choose an existing .pth or .ckpt file.")
        return path
    for folder in (paths.models_dir(), _rfdetr_cache_dir()):
        candidate = folder / WEIGHT_FILES[size]
        if candidate.is_file():
            return candidate.resolve()
    return None


def _rfdetr_cache_dir() -> Path:
    """Where rfdetr keeps what it downloaded (its ``get_model_cache_dir``, without importing it)."""
    cache = os.environ.get("RF_HOME") or os.environ.get("ROBOFLOW_HOME") or "~/.roboflow/models"
    return Path(cache).expanduser()


def is_offline(timeout_s: float = 1.0) -> bool:
    """True when an offline variable is set or the download host cannot be reached within ``timeout_s``."""
    if any(os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on") for name in _OFFLINE_VARIABLES):
        return True
    reached = threading.Event()

    def probe() -> None:
        try:
            with socket.create_connection(_DOWNLOAD_HOST, timeout=timeout_s):
                reached.set()
        except OSError:
            pass

    # A daemon thread, because name resolution ignores the socket timeout and can hang.
    threading.Thread(target=probe, name="network-probe", daemon=True).start()
    return not reached.wait(timeout_s)


def missing_weights_message(size: str) -> str:
    return (
        f"No RF-DETR {size.title()} weights were found and this computer is offline, so they cannot be "
        f"downloaded. {_where_to_put(size)}"
    )


def _where_to_put(size: str) -> str:
    return (
        f"Put the file {WEIGHT_FILES[size]} into the folder {paths.models_dir()} (download it on a computer "
        f"with internet from {WEIGHT_URLS[size]} and rename it)."
    )


def _gui_choice() -> str:
    return ("Or choose a weights file in the Pseudo-label dialog (Weights file › Browse…) — or pick "
            "“Motion proposals”, which need no weights.")


def _cli_choice() -> str:
    return "Or choose a weights file (--weights PATH) — or use --detector motion, which needs no weights."


def _prepare_environment(offline: bool) -> None:
    """Environment rfdetr must see before it is imported, so its import-time checks cannot hang."""
    os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    if offline:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def read_checkpoint(path: Path) -> dict[str, Any]:
    """Load a checkpoint without executing code from it (tensors and plain values only)."""
    import argparse
    import pickle
    import types

    import torch

    # Older rfdetr checkpoints keep their training arguments in a Namespace: plain values, safe to allow.
    with torch.serialization.safe_globals([argparse.Namespace, types.SimpleNamespace]):
        try:
            try:
                checkpoint = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
            except RuntimeError as error:
                if "mmap" not in str(error):
                    raise
                checkpoint = torch.load(path, map_location="cpu", weights_only=True)  # legacy format
        except pickle.UnpicklingError as error:
            raise WeightsFileError(
                f"{path.name} holds Python objects besides weights, and loading them could run code on "
                "this computer, so it was refused. Use a checkpoint written by RF-DETR or Soccer Desktop "
                "training, from a source you trust."
            ) from error
        except (RuntimeError, OSError, EOFError, ValueError) as error:
            raise WeightsFileError(
                f"{path.name} cannot be read as a PyTorch checkpoint ({error}). The file is damaged or "
                "not a weights file; download or copy it again."
            ) from error
    if not isinstance(checkpoint, dict) or not ({"model", "state_dict"} & set(checkpoint)):
        raise WeightsFileError(
            f"{path.name} is not an RF-DETR checkpoint (it has no 'model' weights). Choose an RF-DETR "
            ".pth file, or a checkpoint written by Soccer Desktop training."
        )
    return checkpoint


# --------------------------------------------------------------------------- device


@dataclass(frozen=True)
class DeviceChoice:
    device: str
    half: bool
    warning: str | None = None


def choose_device(preference: str = "auto", half: bool = True) -> DeviceChoice:
    """CUDA when present (half precision there unless disabled), else the CPU with a warning."""
    import torch

    cuda = torch.cuda.is_available()
    if preference == "auto":
        device = "cuda" if cuda else "cpu"
    elif preference.startswith("cuda") and not cuda:
        raise DetectorUnavailableError(
            "CUDA was chosen but no usable NVIDIA GPU was found (check the driver, or that torch is a "
            "CUDA build). Choose 'auto' or 'cpu'."
        )
    else:
        device = preference
    on_gpu = device.startswith("cuda")
    return DeviceChoice(device, half=half and on_gpu, warning=None if on_gpu else CPU_WARNING)


# --------------------------------------------------------------------------- the detector


def class_mapping(model: Any) -> dict[int, ClassId]:
    """Model class id → project class, from the checkpoint's class names (other classes are dropped).

    Mirrors how ``RFDETR.predict`` names ids: COCO-pretrained heads use sparse COCO category
    ids (person 1, sports ball 37); fine-tuned heads index their class names from 0.
    """
    from rfdetr.assets.coco_classes import COCO_CLASS_NAMES, COCO_CLASSES

    names = list(model.class_names)
    slots = getattr(getattr(model.model, "args", None), "num_classes", len(names))
    if slots > len(names) and names == list(COCO_CLASS_NAMES):
        by_id = {coco_id: names[i] for i, coco_id in enumerate(COCO_CLASSES) if i < len(names)}
    else:
        by_id = dict(enumerate(names))
    mapping = {i: _CLASS_BY_NAME[n.strip().lower()] for i, n in by_id.items() if n.strip().lower() in _CLASS_BY_NAME}
    if not mapping:
        raise WeightsFileError(
            f"The checkpoint's classes ({', '.join(names[:8])}…) include neither player/ball nor COCO's "
            "person/sports ball. Choose COCO weights or a checkpoint trained on this project."
        )
    return mapping


class RfdetrDetector:
    """An RF-DETR model run on whole frames; also its own factory (it needs no video)."""

    needs_video = False

    def __init__(self, model: Any, size: str, confidence: float = DEFAULT_CONFIDENCE,
                 device: DeviceChoice | None = None, source: str = "") -> None:  # fmt: skip
        self.model = model
        self.size = size
        self.confidence = confidence
        self.device = device or DeviceChoice("cpu", half=False)
        self.source = source
        self.mapping = class_mapping(model)
        self.resolution = int(model.model_config.resolution)

    @property
    def name(self) -> str:
        return f"rfdetr-{self.size}"

    @property
    def fingerprint(self) -> str:
        return f"{self.name}|{self.source}|conf={self.confidence}"

    def for_frames(self, video: Video | None, frame_indices: Sequence[int], progress: ProgressCallback = no_progress,
                   cancel: CancelCheck = never_cancelled) -> RfdetrDetector:  # fmt: skip
        return self

    def detect(self, image_bgr: np.ndarray, cancel: CancelCheck = never_cancelled) -> list[NewBox]:
        """One pass over the whole frame (resized to the model's resolution: small balls shrink)."""
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        detections = self.model.predict(rgb, threshold=self.confidence)
        found = zip(detections.xyxy, detections.class_id, detections.confidence, strict=True)
        height, width = image_bgr.shape[:2]
        return self.boxes([(xyxy, int(c), float(s)) for xyxy, c, s in found], width, height)

    def boxes(self, predictions: Sequence[tuple[Sequence[float], int, float]], width: int, height: int,
              name: str | None = None) -> list[NewBox]:  # fmt: skip
        """Project boxes from ``(x0, y0, x1, y1), model class id, score`` in frame pixels."""
        result = []
        for (x0, y0, x1, y1), class_id, score in predictions:
            mapped = self.mapping.get(class_id)
            box = None if mapped is None else pseudo_box(mapped, x0, y0, x1, y1, score, name or self.name,
                                                          width, height)  # fmt: skip
            if box is not None:
                result.append(box)
        return result


def load_rfdetr(
    size: str = "nano",
    weights: Path | str | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
    device: str = "auto",
    half: bool = True,
) -> RfdetrDetector:
    """Find, check and load RF-DETR weights; raises :class:`MissingWeightsError` fast when offline without them."""
    if not 0 < confidence < 1:
        raise DetectorUnavailableError(f"Confidence {confidence} is out of range; use a value between 0 and 1.")
    path = resolve_weights(size, weights)
    offline = is_offline()
    if path is None and offline:
        raise MissingWeightsError(missing_weights_message(size), gui_hint=_gui_choice(), cli_hint=_cli_choice())
    checkpoint = read_checkpoint(path) if path else None  # before rfdetr: refuse unsafe files first
    _prepare_environment(offline)
    choice = choose_device(device, half)
    if choice.warning:
        log.warning(choice.warning)
    model = _build_model(size, path, checkpoint, choice)
    if choice.half:
        import torch

        model.inference(compile=False, dtype=torch.float16)
    source = str(path) if path else f"download:{WEIGHT_FILES[size]}"
    # A checkpoint that names its architecture wins over the size asked for: name the real one.
    actual = {cls: name for name, cls in _VARIANT_CLASSES.items()}.get(type(model).__name__, size)
    return RfdetrDetector(model, actual, confidence, choice, source)


def _build_model(size: str, path: Path | None, checkpoint: dict[str, Any] | None, choice: DeviceChoice) -> Any:
    import rfdetr
    from rfdetr.detr import RFDETR

    variant = getattr(rfdetr, _VARIANT_CLASSES[size])
    if path is None or checkpoint is None:
        try:
            return variant(device=choice.device)  # rfdetr downloads into its cache folder
        except Exception as error:  # any network or file error of the download: say what to do instead
            raise MissingWeightsError(
                f"Downloading the RF-DETR {size.title()} weights failed ({error}). {_where_to_put(size)}",
                gui_hint=_gui_choice(), cli_hint=_cli_choice(),
            ) from error
    try:
        with warnings.catch_warnings():
            # Resolving a checkpoint lists rfdetr's own deprecated classes: noise the user cannot act on.
            warnings.filterwarnings("ignore", category=FutureWarning, module=r"rfdetr\.")
            if "model_name" in checkpoint:  # written by rfdetr >= 1.7: it knows its own architecture
                return RFDETR.from_checkpoint(str(path), device=choice.device)
            return variant(pretrain_weights=str(path), device=choice.device)
    except (RuntimeError, ValueError, KeyError) as error:
        raise WeightsFileError(
            f"{path.name} does not fit RF-DETR {size.title()} ({error}). Choose the model size the "
            "checkpoint was trained with, or another weights file."
        ) from error
