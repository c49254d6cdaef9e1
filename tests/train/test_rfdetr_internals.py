"""rfdetr's private names are used in one module; an upgrade that drops one is named, not a crash mid-run."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from soccer_desktop.train import rfdetr_internals as internals

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_rfdetr_has_every_private_name_used() -> None:
    assert internals.missing_names() == []


def test_a_vanished_module_name_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import rfdetr.training.module_data as module_data

    monkeypatch.delattr(module_data, "_MIN_TRAIN_BATCHES")
    assert internals.missing_names() == ["rfdetr.training.module_data._MIN_TRAIN_BATCHES"]
    with pytest.raises(internals.RfdetrChanged) as caught:
        internals.min_train_batches()
    assert str(caught.value).startswith(
        f"rfdetr {metadata.version('rfdetr')} no longer has rfdetr.training.module_data._MIN_TRAIN_BATCHES, "
        "which Soccer Desktop uses (tested with rfdetr 1.11.x). Install the tested release: "
        "pip install 'rfdetr[train,augment]>=1.11,<1.12'."
    )


def test_a_vanished_method_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from rfdetr.datasets.coco import CocoDetection

    owner = next(klass for klass in CocoDetection.__mro__ if "_load_target" in vars(klass))
    monkeypatch.delattr(owner, "_load_target")
    assert internals.missing_names() == ["rfdetr.datasets.coco.CocoDetection._load_target"]


def test_a_vanished_field_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(internals.CLASS_FIELDS, "rfdetr.datasets.coco.CocoDetection", ("_transforms", "_renamed"))
    assert internals.missing_names() == ["rfdetr.datasets.coco.CocoDetection._renamed"]

    class Upgraded:  # an rfdetr dataset whose private field got a new name
        transforms = None

    with pytest.raises(internals.RfdetrChanged, match=r"no longer has rfdetr\.datasets\.coco\.CocoDetection\._transforms"):
        internals.dataset_transforms(Upgraded())


def test_no_other_module_touches_rfdetr_private_names() -> None:
    private = {name for names in internals.MODULE_NAMES.values() for name in names}
    private |= {name for table in (internals.CLASS_METHODS, internals.CLASS_FIELDS)
                for names in table.values() for name in names}
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "soccer_desktop").rglob("*.py")) if path.name != "rfdetr_internals.py"
        for name in sorted(private) if re.search(rf"(?<!\w){name}\b", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_pyproject_pins_the_tested_releases() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    requirements = {Requirement(text).name: Requirement(text) for text in dependencies}
    rfdetr, albumentations = requirements["rfdetr"], requirements["albumentations"]
    assert rfdetr.specifier.contains(metadata.version("rfdetr"))
    assert not rfdetr.specifier.contains("1.12.0") and not rfdetr.specifier.contains("1.10.9")
    assert rfdetr.specifier.contains(f"{internals.TESTED_RELEASE}.0")
    assert albumentations.specifier.contains(metadata.version("albumentations"))
    assert not albumentations.specifier.contains("1.4.24") and not albumentations.specifier.contains("3.0.0")
