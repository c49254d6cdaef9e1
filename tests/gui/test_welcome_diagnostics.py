"""First run: the welcome page's GPU and weights facts, Help › About / Diagnostics…, and where the app writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from soccer_desktop import paths
from soccer_desktop.diagnostics.first_run import NO_GPU_MEANING
from soccer_desktop.gui.diagnostics_dialog import DiagnosticsDialog
from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.settings import Settings
from tests.diagnostics.isolation import run_isolated

FACTS_TIMEOUT_MS = 90_000


@pytest.fixture
def window(qtbot) -> MainWindow:
    main = MainWindow(Settings())
    qtbot.addWidget(main)
    yield main
    main.close()


def test_welcome_page_says_whether_a_gpu_was_found_and_where_weights_go(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.welcome.sig_facts_shown, timeout=FACTS_TIMEOUT_MS) as shown:
        window.show()
    facts = shown.args[0]
    text = window.welcome.gpu_label.text()
    assert facts.gpu.summary in text
    assert (NO_GPU_MEANING in text) != facts.gpu.found  # without a GPU, what that means
    weights = window.welcome.weights_label.text()
    assert "none yet" in weights and "rf-detr-nano.pth" in weights and str(paths.models_dir()) in weights
    assert window.welcome.models_button.isVisible()


def test_weights_in_the_models_folder_are_named_on_the_welcome_page(qtbot, window: MainWindow) -> None:
    paths.models_dir().mkdir(parents=True)
    (paths.models_dir() / "rf-detr-small.pth").write_bytes(b"weights")
    with qtbot.waitSignal(window.welcome.sig_facts_shown, timeout=FACTS_TIMEOUT_MS):
        window.show()
    assert f"small ({paths.models_dir() / 'rf-detr-small.pth'})" in window.welcome.weights_label.text()


def test_about_diagnostics_shows_the_report_read_only_and_copies_it(qtbot, window: MainWindow) -> None:
    window.show()
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    action = next(a for a in help_menu.actions() if a.text() == "About / &Diagnostics…")
    action.trigger()
    dialog = window.findChild(DiagnosticsDialog)
    assert dialog is not None and dialog.text.isReadOnly() and not dialog.copy_button.isEnabled()
    qtbot.waitUntil(dialog.copy_button.isEnabled, timeout=FACTS_TIMEOUT_MS)
    report = dialog.text.toPlainText()
    assert "GPU and torch" in report and "RF-DETR weights" in report and str(paths.models_dir()) in report
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == report
    dialog.close()


GUI_RUN = """
import time
from PySide6.QtWidgets import QApplication
import soccer_desktop.demo
soccer_desktop.demo.DEMO_SECONDS = 1.0
from soccer_desktop.gui.app import create_window
app, window = create_window()
window.show()
opened = []
window.sig_project_opened.connect(opened.append)
window.welcome.demo_button.click()
deadline = time.monotonic() + 120
while (not opened or window.welcome.facts is None) and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.02)
assert opened and window.welcome.facts is not None, "the demo project or the first-run facts never came"
window.close()
print("ok", opened[0].root)
"""


def test_first_run_with_the_demo_writes_only_in_platformdirs_locations(tmp_path: Path) -> None:
    result, stray = run_isolated(["-c", GUI_RUN], tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == str(tmp_path / "home/.local/share/soccer-desktop/projects/demo")
    assert stray == [], f"written outside the platformdirs locations: {stray}"
