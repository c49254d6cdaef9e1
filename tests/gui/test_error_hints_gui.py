"""The GUI shows the GUI's fix for an error the command line reports with a flag."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from soccer_desktop.gui.job_runner import JobRunner
from soccer_desktop.gui.wizard.wizard import TrainingWizard
from soccer_desktop.project.store import Project


def test_building_a_dataset_without_reviewed_frames_points_to_gui_actions(qtbot, tmp_path: Path) -> None:
    Project.create(tmp_path / "empty").close()
    wizard = TrainingWizard(tmp_path / "empty", jobs=JobRunner())
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.dataset_page
    qtbot.mouseClick(page.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no reviewed frames" in page.message.text(), timeout=30_000)
    text = page.message.text()
    assert "Labels › Export dataset…" in text and "Review queue" in text
    assert "--" not in text
    qtbot.waitUntil(lambda: page.build_button.isEnabled(), timeout=30_000)

