"""Acceptance: a newcomer's first walk. From an empty user folder, open the demo and, without touching a
frame, build a dataset in the training wizard, start the CPU smoke configuration and see the loss curve."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from soccer_desktop.demo import GROUND_TRUTH_EVERY, REVIEW_EVERY
from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.gui.wizard.wizard import TrainingWizard
from soccer_desktop.settings import Settings
from soccer_desktop.train.config import cpu_smoke_config

WAIT_MS = 120_000
FIRST_STEP_MS = 900_000  # the training process imports torch and rfdetr and builds the model first
DEMO_SECONDS = 6.0  # 150 frames: ground truth of 5 frames, reviewed; 5 frames waiting for review


def click(qtbot, widget) -> None:  # noqa: ANN001
    """A left click on the button's label (a radio button only reacts on its indicator and text)."""
    assert widget.isVisible() and widget.isEnabled(), widget.text()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(10, widget.height() // 2))


def next_page(qtbot, wizard: TrainingWizard) -> None:  # noqa: ANN001
    before = wizard.currentPage()
    qtbot.waitUntil(before.isComplete, timeout=WAIT_MS)
    click(qtbot, wizard.button(wizard.WizardButton.NextButton))
    assert wizard.currentPage() is not before, f"{type(before).__name__} refused"


def menu_action(window: MainWindow, menu_title: str, text: str):  # noqa: ANN201
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == menu_title)
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def test_from_the_demo_to_a_point_on_the_loss_curve(qtbot, private_user_folders: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert not any(private_user_folders.iterdir())  # nothing from an earlier start
    monkeypatch.setattr("soccer_desktop.demo.DEMO_SECONDS", DEMO_SECONDS)
    window = MainWindow(Settings.load())
    qtbot.addWidget(window)
    window.show()

    with qtbot.waitSignal(window.sig_project_opened, timeout=WAIT_MS):
        click(qtbot, window.welcome.demo_button)
    counts = window.project.counts()
    frames = range(round(DEMO_SECONDS * 25))
    truth = [i for i in frames if i % GROUND_TRUTH_EVERY == 0]
    to_review = [i for i in frames if i % REVIEW_EVERY == 0 and i % GROUND_TRUTH_EVERY]
    assert (counts["reviewed"], counts["frames"], counts["pseudo_labelled"]) == (
        len(truth), len(truth) + len(to_review), len(to_review))
    qtbot.waitUntil(lambda: window.review_panel.next_button.isEnabled(), timeout=WAIT_MS)  # work waits
    window.workspace.setCurrentIndex(1)  # Annotate: the first frame is ground truth, labelled as imported
    info = window.canvas_panel.info.text()
    assert "imported" in info and "reviewed ✓" in info

    menu_action(window, "Training", "New training run…").trigger()
    wizard = window.findChild(TrainingWizard)
    assert wizard is not None and wizard.isVisible()

    dataset = wizard.dataset_page
    click(qtbot, dataset.build_button)
    qtbot.waitUntil(dataset.isComplete, timeout=WAIT_MS)
    assert Path(dataset.path_edit.text()).parent == window.project.root / "datasets"
    images = {dataset.counts.item(r, 0).text(): int(dataset.counts.item(r, 1).text()) for r in range(2)}
    assert images["train"] >= 1 and images["valid"] >= 1 and sum(images.values()) == len(truth)

    next_page(qtbot, wizard)  # -> model: no COCO weights on a fresh computer
    click(qtbot, wizard.model_page.random)
    assert wizard.model_page.random.isChecked()
    next_page(qtbot, wizard)  # -> augmentation
    next_page(qtbot, wizard)  # -> schedule
    next_page(qtbot, wizard)  # -> hardware
    hardware = wizard.hardware_page
    qtbot.waitUntil(lambda: hardware.hardware is not None, timeout=WAIT_MS)
    if hardware.hardware.gpus:  # a computer with a GPU offers the smoke configuration once CPU is chosen
        hardware.accelerator.setCurrentIndex(hardware.accelerator.findData("cpu"))
    assert "the model it makes is not useful" in hardware.smoke_note.text()
    click(qtbot, hardware.smoke_button)
    next_page(qtbot, wizard)  # -> review
    assert wizard.config == cpu_smoke_config()
    assert "name: cpu-smoke" in wizard.review_page.text.toPlainText()
    next_page(qtbot, wizard)  # "Start training" -> the run page

    monitor = wizard.run_page.monitor
    assert wizard.currentPage() is wizard.run_page and monitor.is_running()
    qtbot.waitUntil(lambda: len(monitor.curves.step_x) > 0 or not monitor.is_running(), timeout=FIRST_STEP_MS)
    assert len(monitor.curves.step_x) >= 1, monitor.log_view.toPlainText()[-3000:]
    monitor.stop_now()
    qtbot.waitUntil(lambda: not monitor.is_running(), timeout=WAIT_MS)
    wizard.done(0)
    window.close()
