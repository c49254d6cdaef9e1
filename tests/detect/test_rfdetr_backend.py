"""RF-DETR weights: where they are looked for, the offline message, safe loading, class mapping, device."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from soccer_desktop import paths
from soccer_desktop.detect.base import DetectorUnavailableError
from soccer_desktop.detect.rfdetr_backend import (
    CPU_WARNING,
    MissingWeightsError,
    WeightsFileError,
    choose_device,
    class_mapping,
    load_rfdetr,
    read_checkpoint,
    resolve_weights,
)
from soccer_desktop.project.store import ClassId, Project

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "rf-cache"
    monkeypatch.setenv("RF_HOME", str(cache))
    return cache


def test_weights_are_looked_for_in_the_chosen_file_then_models_folder_then_cache(
    tmp_path: Path, empty_cache: Path
) -> None:
    assert resolve_weights("small") is None
    cached = empty_cache / "rf-detr-small.pth"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"x")
    assert resolve_weights("small") == cached.resolve()
    mine = paths.models_dir() / "rf-detr-small.pth"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"x")
    assert resolve_weights("small") == mine.resolve()
    chosen = tmp_path / "best.pth"
    chosen.write_bytes(b"x")
    assert resolve_weights("small", chosen) == chosen.resolve()
    assert resolve_weights("large") is None  # large is rf-detr-large-2026.pth
    with pytest.raises(WeightsFileError, match="does not exist"):
        resolve_weights("small", tmp_path / "nope.pth")
    with pytest.raises(WeightsFileError, match="nano, small, medium, large"):
        resolve_weights("huge")


def test_offline_without_weights_says_which_file_goes_where_within_a_second(empty_cache: Path) -> None:
    """In a fresh interpreter, so the time includes every import the decision needs."""
    code = (
        "import sys, time\n"
        "started = time.monotonic()\n"
        "from soccer_desktop.detect.rfdetr_backend import MissingWeightsError, load_rfdetr\n"
        "try:\n"
        "    load_rfdetr('nano')\n"
        "except MissingWeightsError as error:\n"
        "    print(round(time.monotonic() - started, 3), 'torch' in sys.modules, 'rfdetr' in sys.modules)\n"
        "    print(error.for_cli())\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO,
                            timeout=60, check=True)  # fmt: skip
    timing, message = result.stdout.split("\n", 1)
    seconds, torch_imported, rfdetr_imported = timing.split()
    assert float(seconds) < 1.0
    assert torch_imported == rfdetr_imported == "False"
    assert "rf-detr-nano.pth" in message and str(paths.models_dir()) in message and "--weights" in message


def test_offline_message_in_process_and_from_the_command_line(tmp_path: Path, empty_cache: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    from soccer_desktop.cli import main

    started = time.monotonic()
    with pytest.raises(MissingWeightsError, match="offline"):
        load_rfdetr("medium")
    assert time.monotonic() - started < 1.0
    with Project.create(tmp_path / "p") as project:
        image = project.frames_dir / "a.jpg"
        image.write_bytes(b"")
        project.add_frame(image, width=8, height=8)
    assert main(["pseudo-label", str(tmp_path / "p"), "--detector", "rfdetr", "--model", "medium"]) == 2
    assert "rf-detr-medium.pth" in capsys.readouterr().err


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path: Path) -> None:
    import torch

    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self) -> tuple:
            return (open, (str(marker), "w"))

    evil = tmp_path / "evil.pth"
    torch.save({"model": {}, "args": Payload()}, evil)
    with pytest.raises(WeightsFileError, match="could run code"):
        read_checkpoint(evil)
    assert not marker.exists()
    with pytest.raises(WeightsFileError, match="could run code"):
        load_rfdetr("nano", evil, device="cpu")
    assert not marker.exists()


def test_damaged_or_foreign_files_are_explained(tmp_path: Path) -> None:
    import torch

    damaged = tmp_path / "damaged.pth"
    damaged.write_bytes(b"not a checkpoint")
    with pytest.raises(WeightsFileError, match="damaged"):
        read_checkpoint(damaged)
    foreign = tmp_path / "foreign.pth"
    torch.save({"weights": torch.zeros(2)}, foreign)
    with pytest.raises(WeightsFileError, match="not an RF-DETR checkpoint"):
        read_checkpoint(foreign)
    plain = tmp_path / "plain.pth"
    torch.save({"model": {"w": torch.ones(3)}, "args": SimpleNamespace(class_names=["player", "ball"])}, plain)
    assert read_checkpoint(plain)["args"].class_names == ["player", "ball"]


def _model(class_names: list[str], num_classes: int) -> SimpleNamespace:
    args = SimpleNamespace(num_classes=num_classes)
    return SimpleNamespace(class_names=class_names, model=SimpleNamespace(args=args))


def test_coco_classes_map_person_and_sports_ball_and_drop_the_rest() -> None:
    from rfdetr.assets.coco_classes import COCO_CLASS_NAMES

    assert class_mapping(_model(list(COCO_CLASS_NAMES), 90)) == {1: ClassId.PLAYER, 37: ClassId.BALL}
    assert class_mapping(_model(["player", "ball"], 2)) == {0: ClassId.PLAYER, 1: ClassId.BALL}
    assert class_mapping(_model(["Ball", "referee", "Player"], 3)) == {0: ClassId.BALL, 2: ClassId.PLAYER}
    with pytest.raises(WeightsFileError, match="neither"):
        class_mapping(_model(["car", "dog"], 2))


def test_device_choice_on_a_machine_without_cuda() -> None:
    import torch

    if torch.cuda.is_available():
        choice = choose_device()
        assert choice.device == "cuda" and choice.half and choice.warning is None
        return
    choice = choose_device()
    assert (choice.device, choice.half, choice.warning) == ("cpu", False, CPU_WARNING)
    with pytest.raises(DetectorUnavailableError, match="no usable NVIDIA GPU"):
        choose_device("cuda")
