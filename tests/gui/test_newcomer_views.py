"""The window for a newcomer: restored layout and View menu, every shortcut listed, getting started,
empty states with the next step, the Annotate tab following the project, dialog limits from the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from soccer_desktop.editing.keymap import Keymap
from soccer_desktop.editing.shortcuts import MAIN_WINDOW, VIDEO, VIDEO_PLAYER_KEYS, shortcut_rows
from soccer_desktop.gui.help_pages import REMAPPED
from soccer_desktop.gui.label_dialogs import ExtractDialog
from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.gui.wizard.wizard import TrainingWizard
from soccer_desktop.project.store import Project
from soccer_desktop.settings import Settings
from soccer_desktop.video.extract import ExtractionStrategy

WAIT_MS = 60_000


@pytest.fixture
def window(qtbot) -> MainWindow:
    main = MainWindow(Settings.load())
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


@pytest.fixture
def clip_project(tmp_path: Path, index_clip: Path) -> Path:
    with Project.create(tmp_path / "p") as project:
        project.add_video(index_clip, width=64, height=48, fps=25.0, frame_count=300)
    return tmp_path / "p"


def portable(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


def test_first_start_fills_the_screen_then_size_and_docks_are_restored(qtbot) -> None:
    first = MainWindow(Settings.load())
    qtbot.addWidget(first)
    assert first.windowState() & Qt.WindowState.WindowMaximized
    first.show()
    first.showNormal()
    first.resize(700, 500)  # within the offscreen screen (800x600): restoring clamps to it
    events = next(d for d in first.window_layout.docks() if d.windowTitle() == "Events")
    toggle = next(a for a in first.view_menu.actions() if a.text() == "Events")
    toggle.trigger()  # View › Events hides the dock
    assert not events.isVisible()
    first.close()

    second = MainWindow(Settings.load())
    qtbot.addWidget(second)
    second.show()
    assert not second.windowState() & Qt.WindowState.WindowMaximized
    assert (second.width(), second.height()) == (700, 500)
    events = next(d for d in second.window_layout.docks() if d.windowTitle() == "Events")
    assert not events.isVisible()
    titles = [a.text() for a in second.view_menu.actions() if a.text()]
    assert {"Project", "Review queue", "Events", "Training runs", "Reset layout"} <= set(titles)
    next(a for a in second.view_menu.actions() if a.text() == "Reset layout").trigger()
    assert events.isVisible()
    second.close()


def test_keyboard_shortcuts_list_every_panels_keys_as_bound(qtbot, window: MainWindow, clip_project: Path) -> None:
    window.open_project(clip_project)
    keymap = Keymap("labelimg").remapped("tool_draw", ["Ctrl+Shift+W"])
    canvas = window.canvas_panel
    canvas.set_keymap(keymap)
    dialog = window.show_shortcuts()
    shown = dialog.shown_rows()
    assert len(shown) == len(shortcut_rows(keymap))
    draw = next(row for row in shown if row[3].startswith("Draw a box"))
    assert draw[2].endswith(REMAPPED) and "W" in draw[2]

    # The canvas binds what the list says (Space stays with the canvas itself: held pans, tapped acts).
    for action_id, action in canvas.actions_by_id.items():
        assert [portable(s) for s in action.shortcuts()] == [k for k in keymap.keys(action_id) if k != "Space"]
    # The video player binds its table, and the menus' keys are the main window's rows.
    video = window.video_panel
    bound = sorted(portable(s.key()) for s in video.findChildren(QShortcut))
    assert bound == sorted(key for _id, key, _title in VIDEO_PLAYER_KEYS)
    assert {r.keys for r in shortcut_rows(keymap) if r.panel == VIDEO} == {(k,) for _i, k, _t in VIDEO_PLAYER_KEYS}
    menu_keys = {portable(a.shortcut()) for m in window.menuBar().actions() if m.menu()
                 for a in m.menu().actions() if not a.shortcut().isEmpty()}
    assert menu_keys == {r.keys[0] for r in shortcut_rows(keymap) if r.panel == MAIN_WINDOW}
    dialog.close()


def test_getting_started_buttons_do_the_steps(qtbot, window: MainWindow, clip_project: Path) -> None:
    window.open_project(clip_project)
    window.pages.setCurrentWidget(window.welcome)
    page = window.show_getting_started()
    assert list(page.buttons) == ["Open the demo project", "Show the video", "Extract frames…",
                                  "Pseudo-label frames…", "Review the next frame", "Export dataset…",
                                  "New training run…", "Show results", "Analyse video…"]
    qtbot.mouseClick(page.buttons["Show results"], Qt.MouseButton.LeftButton)
    assert window.workspace.currentWidget() is window.results_panel
    qtbot.mouseClick(page.buttons["Show the video"], Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.workspace
    assert window.workspace.currentWidget() is window.video_panel
    qtbot.mouseClick(page.buttons["New training run…"], Qt.MouseButton.LeftButton)
    wizard = window.findChild(TrainingWizard)
    assert wizard is not None and wizard.project_root == window.project.root
    wizard.close()
    page.close()


def test_empty_states_offer_the_next_step_and_the_annotate_tab_follows(qtbot, window: MainWindow,
                                                                        tmp_path: Path, clip_project: Path) -> None:
    Project.create(tmp_path / "empty").close()
    window.open_project(tmp_path / "empty")
    assert window.project_panel.empty.isVisible() and "Open video…" in window.project_panel.empty.buttons

    window.open_project(clip_project)
    assert not window.project_panel.empty.isVisible()
    assert window.events_panel.empty.isVisible()  # the clip has no events yet
    assert "Import events…" in window.events_panel.empty.buttons
    qtbot.waitUntil(lambda: window.review_panel.empty.isVisible(), timeout=WAIT_MS)
    assert "No frames yet" in window.review_panel.empty.text()
    window.workspace.setCurrentIndex(1)  # Annotate
    canvas = window.canvas_panel
    assert canvas.empty.isVisible() and not canvas.canvas.isVisible()
    assert "No frames yet" in canvas.empty.text()

    # "Extract frames…" opens the extraction dialog, its limits taken from the video (300 frames).
    seen = {}

    def inspect_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExtractDialog)
        seen.update(stop=dialog.range_stop.value(), stop_max=dialog.range_stop.maximum(),
                    start_max=dialog.range_start.maximum(), every_max=dialog.every_spin.maximum(),
                    target_max=dialog.target_spin.maximum(), events_max=dialog.events_spin.maximum())
        dialog.reject()

    QTimer.singleShot(0, inspect_dialog)
    qtbot.mouseClick(canvas.empty.buttons["Extract frames…"], Qt.MouseButton.LeftButton)
    assert seen == {"stop": 300, "stop_max": 300, "start_max": 299, "every_max": 300, "target_max": 300,
                    "events_max": 12.0}

    job = window.labelling.run_extraction(None, ExtractionStrategy(every_n=100), 90)
    with qtbot.waitSignal(job.sig_done, timeout=WAIT_MS):
        pass
    # At once, with no frame opened by hand: the canvas shows the first frame, every count is current.
    assert canvas.current_frame() is not None and canvas.current_frame().frame_index == 0
    assert canvas.canvas.isVisible() and not canvas.empty.isVisible()
    assert "3 frames extracted" in window.project_panel.counts.text()
    qtbot.waitUntil(lambda: "3 frames extracted" in window.review_panel.counts.text(), timeout=WAIT_MS)
    assert window.review_panel.table.isVisible() and not window.review_panel.empty.isVisible()

    for frame in window.project.frames():
        window.project.set_reviewed(frame.id)
    window.labels_changed()
    qtbot.waitUntil(lambda: window.review_panel.empty.isVisible(), timeout=WAIT_MS)
    assert "Every frame is reviewed" in window.review_panel.empty.text()
    assert window.review_panel.empty.buttons["New training run…"].isVisible()
