"""The wizard on a computer without a GPU: the CPU smoke configuration offered by name, and the time
estimate measured before the run starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from soccer_desktop.gui.job_runner import JobRunner
from soccer_desktop.gui.wizard.wizard import TrainingWizard
from soccer_desktop.train.config import cpu_smoke_config, soccertrack_config
from soccer_desktop.train.hardware import Gpu, Hardware
from tests.train.synthetic import write_dataset

WAIT_MS = 60_000


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("data") / "ds", {"train": 4, "valid": 2})


def to_hardware_page(qtbot, dataset: Path) -> TrainingWizard:  # noqa: ANN001
    wizard = TrainingWizard(None, dataset, soccertrack_config(), JobRunner())
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()  # -> model
    wizard.model_page.random.setChecked(True)  # no COCO weights here
    for _ in range(3):  # -> augmentation, schedule, hardware
        wizard.next()
    assert wizard.currentPage() is wizard.hardware_page
    qtbot.waitUntil(lambda: wizard.hardware_page.hardware is not None, timeout=WAIT_MS)
    return wizard


def test_no_gpu_offers_the_cpu_smoke_configuration_by_name(qtbot, dataset: Path) -> None:
    wizard = to_hardware_page(qtbot, dataset)
    page = wizard.hardware_page
    page._detected(Hardware(gpus=[], cpu_cores=2, ram_total_mb=8000, ram_free_mb=4000, note="no driver"))
    assert page.smoke_box.isVisible() and page.smoke_box.title() == "No GPU here"
    assert "No GPU was found" in page.cpu_warning.text()
    assert "CPU smoke configuration" in page.smoke_note.text()
    assert "checks that training works here; the model it makes is not useful" in page.smoke_note.text()
    qtbot.mouseClick(page.smoke_button, Qt.MouseButton.LeftButton)
    assert wizard.config == cpu_smoke_config()
    assert page.accelerator.currentData() == "cpu" and page.batch.value() == 2
    assert "Using the CPU smoke configuration" in page.smoke_note.text()
    wizard.back()  # the earlier pages show the smoke configuration, and keep it on Next
    assert wizard.schedule_page.phase1.epochs.value() == cpu_smoke_config().phase1.epochs
    wizard.back()
    wizard.back()
    assert wizard.model_page.random.isChecked() and wizard.model_page.resolution.value() == 320
    for _ in range(3):
        wizard.next()
    assert wizard.currentPage() is page and wizard.config == cpu_smoke_config()
    wizard.next()
    assert wizard.currentPage() is wizard.review_page and wizard.config == cpu_smoke_config()
    estimate = wizard.review_page.time_estimate  # measuring starts with the page…
    assert estimate.is_running() and not estimate.button.isEnabled()
    assert "Estimating the time" in estimate.text.text()
    assert wizard.review_page.validatePage()  # …and "Start training" stops it: the run needs no estimate
    qtbot.waitUntil(lambda: not estimate.is_running(), timeout=WAIT_MS)
    assert estimate.button.isEnabled() and estimate.text.text() == estimate.NOT_MEASURED
    qtbot.waitUntil(lambda: not wizard.jobs.running(), timeout=WAIT_MS)  # the augmentation preview


def test_with_a_gpu_the_smoke_configuration_appears_when_the_cpu_is_chosen(qtbot, dataset: Path) -> None:
    wizard = to_hardware_page(qtbot, dataset)
    page = wizard.hardware_page
    page._detected(Hardware(gpus=[Gpu(0, "Test GPU", 24_000, 20_000)], cpu_cores=8))
    page.accelerator.setCurrentIndex(page.accelerator.findData("auto"))
    assert not page.smoke_box.isVisible() and not page.cpu_warning.text()
    page.accelerator.setCurrentIndex(page.accelerator.findData("cpu"))
    assert page.smoke_box.isVisible() and page.smoke_box.title() == "Training on the CPU"
    qtbot.waitUntil(lambda: not wizard.jobs.running(), timeout=WAIT_MS)  # the augmentation preview


@pytest.mark.slow
def test_the_review_page_measures_a_few_steps(qtbot, dataset: Path) -> None:
    wizard = to_hardware_page(qtbot, dataset)
    qtbot.mouseClick(wizard.hardware_page.smoke_button, Qt.MouseButton.LeftButton)
    wizard.next()
    estimate = wizard.review_page.time_estimate  # starts measuring with the page
    qtbot.waitUntil(lambda: estimate.estimate is not None or "failed" in estimate.text.text(), timeout=900_000)
    assert estimate.estimate is not None, estimate.text.text()
    assert "on the CPU" in estimate.text.text() and "Phase 2: 1 epochs × 2 steps" in estimate.text.text()
