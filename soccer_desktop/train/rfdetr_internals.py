"""Every use of rfdetr's private names, in one place, with a check that names the one an upgrade removed.

rfdetr (tested with 1.11.x, the range ``pyproject.toml`` pins) offers no public hook
for what training needs: reading a raw training frame before rfdetr's transforms (for
mosaic, mixup and ball copy-paste), building the train loader with our own sampler
the way rfdetr builds its own, and knowing which process of a distributed launch
writes the run's files. Those places reach into rfdetr's private names, and only
through the functions below. When an rfdetr release renames one, the first call
(and :func:`missing_names`, which a test runs against the installed rfdetr) fails
with :class:`RfdetrChanged`, naming the attribute, rather than an ``AttributeError``
deep inside a training run.

Imported only by the training process and detector loading (it imports rfdetr).
"""

from __future__ import annotations

import importlib
import inspect
import re
from importlib import metadata
from typing import Any

from soccer_desktop.core.errors import UserError

TESTED_RELEASE = "1.11"

#: Private module-level names, by module.
MODULE_NAMES: dict[str, tuple[str, ...]] = {
    "rfdetr.training.module_data": ("_MIN_TRAIN_BATCHES", "_worker_init_fn"),
    "rfdetr.utilities.distributed": ("_is_launcher_main_process",),
}
#: Private methods of rfdetr classes, by class.
CLASS_METHODS: dict[str, tuple[str, ...]] = {
    "rfdetr.datasets.coco.CocoDetection": ("_decode_image", "_load_target"),
    "rfdetr.training.module_data.RFDETRDataModule": (
        "_require_dataset", "_resolve_batch_size", "_effective_grad_accum_steps",
    ),
}
#: Private fields rfdetr objects set on themselves (``self._x = ...``), by class.
CLASS_FIELDS: dict[str, tuple[str, ...]] = {
    "rfdetr.datasets.coco.CocoDetection": ("_transforms",),
    "rfdetr.training.module_data.RFDETRDataModule": (
        "_dataset_train", "_collate_fn_train", "_num_workers", "_pin_memory", "_persistent_workers",
        "_prefetch_factor",
    ),
}


class RfdetrChanged(UserError):
    """The installed rfdetr lacks a private name Soccer Desktop relies on; the message names it."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"rfdetr {installed_version()} no longer has {name}, which Soccer Desktop uses (tested with rfdetr "
            f"{TESTED_RELEASE}.x). Install the tested release: pip install 'rfdetr[train,augment]>={TESTED_RELEASE},"
            f"<{_next_minor(TESTED_RELEASE)}'."
        )


def installed_version() -> str:
    try:
        return metadata.version("rfdetr")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _next_minor(release: str) -> str:
    major, minor = release.split(".")[:2]
    return f"{major}.{int(minor) + 1}"


def _module_name(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise RfdetrChanged(f"{module}.{name}") from None


def _attribute(obj: Any, name: str, owner: str) -> Any:
    try:
        return getattr(obj, name)
    except AttributeError:
        raise RfdetrChanged(f"{owner}.{name}") from None


def missing_names() -> list[str]:
    """The private names this module uses that the installed rfdetr lacks (empty for a tested release)."""
    missing = []
    for module, names in MODULE_NAMES.items():
        for name in names:
            try:
                _module_name(module, name)
            except RfdetrChanged as error:
                missing.append(error.name)
    for qualified in {**CLASS_METHODS, **CLASS_FIELDS}:
        methods, fields = CLASS_METHODS.get(qualified, ()), CLASS_FIELDS.get(qualified, ())
        module, _, class_name = qualified.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module), class_name)
        except (ImportError, AttributeError):
            missing += [f"{qualified}.{name}" for name in (*methods, *fields)]
            continue
        missing += [f"{qualified}.{name}" for name in methods if not callable(getattr(cls, name, None))]
        sources = "\n".join(_source(klass) for klass in cls.__mro__)  # fields exist on instances only
        missing += [f"{qualified}.{name}" for name in fields
                    if not re.search(rf"self\.{name}\s*(:[^=\n]*)?=(?!=)", sources)]
    return missing


def _source(klass: type) -> str:
    try:
        return inspect.getsource(klass)
    except (OSError, TypeError):  # built-in or generated classes have no source
        return ""


# ---------------------------------------------------------------- launch and loader settings
def is_launcher_main_process() -> bool:
    """rfdetr's own test for the process that writes files under DDP/SLURM (rank 0 of node 0)."""
    return bool(_module_name("rfdetr.utilities.distributed", "_is_launcher_main_process")())


def min_train_batches() -> int:
    """How many effective batches rfdetr makes every epoch hold at least."""
    return int(_module_name("rfdetr.training.module_data", "_MIN_TRAIN_BATCHES"))


def worker_init_fn() -> Any:
    return _module_name("rfdetr.training.module_data", "_worker_init_fn")


# ---------------------------------------------------------------- rfdetr's COCO dataset
_DATASET = "rfdetr.datasets.coco.CocoDetection"


def decode_image(dataset: Any, image_id: int) -> tuple[Any, tuple[float, float]]:
    """The raw PIL frame and rfdetr's (x, y) scale for it, exactly as ``CocoDetection.__getitem__`` reads it."""
    return _attribute(dataset, "_decode_image", _DATASET)(image_id)


def load_target(dataset: Any, image_id: int) -> list[dict[str, Any]]:
    return _attribute(dataset, "_load_target", _DATASET)(image_id)


def dataset_transforms(dataset: Any) -> Any:
    """rfdetr's transform pipeline of a dataset (albumentations, resize, normalisation), or None."""
    return _attribute(dataset, "_transforms", _DATASET)


# ---------------------------------------------------------------- rfdetr's data module
_DATA_MODULE = "rfdetr.training.module_data.RFDETRDataModule"


def train_dataset(module: Any) -> Any:
    return _attribute(module, "_dataset_train", _DATA_MODULE)


def set_train_dataset(module: Any, dataset: Any) -> None:
    _attribute(module, "_dataset_train", _DATA_MODULE)
    module._dataset_train = dataset


def require_train_dataset(module: Any) -> Any:
    """The train dataset, or rfdetr's own error when ``setup("fit")`` has not run."""
    return _attribute(module, "_require_dataset", _DATA_MODULE)(train_dataset(module), "fit")


def batch_size(module: Any) -> int:
    return int(_attribute(module, "_resolve_batch_size", _DATA_MODULE)())


def grad_accum_steps(module: Any) -> int:
    return int(_attribute(module, "_effective_grad_accum_steps", _DATA_MODULE)())


def train_loader_options(module: Any) -> dict[str, Any]:
    """The DataLoader arguments rfdetr gives its own train loader (besides batch size and sampling)."""
    return {
        "collate_fn": _attribute(module, "_collate_fn_train", _DATA_MODULE),
        "num_workers": _attribute(module, "_num_workers", _DATA_MODULE),
        "pin_memory": _attribute(module, "_pin_memory", _DATA_MODULE),
        "persistent_workers": _attribute(module, "_persistent_workers", _DATA_MODULE),
        "prefetch_factor": _attribute(module, "_prefetch_factor", _DATA_MODULE),
        "worker_init_fn": worker_init_fn(),
    }
