"""The main window wired to real projects, videos and event files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from soccer_desktop.cli import main as cli_main
from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.project.store import Project
from soccer_desktop.settings import Settings
from tests.media import read_index

WAIT_MS = 5000


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"annotations": [
        {"gameTime": "1 - 00:01", "label": "PASS", "position": "1000", "team": "left"},
        {"gameTime": "1 - 00:06", "label": "SHOT", "position": "6000", "team": "right"},
        {"gameTime": "1 - 00:08", "label": "PASS", "position": "8000", "team": "right"},
    ]}))
    return path


def drop_files(window: MainWindow, *paths: Path) -> None:
    """Drag files over the window and drop them, as a file manager does."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    enter = QDragEnterEvent(QPointF(50, 50).toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(window, QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


@pytest.fixture
def window(qtbot) -> MainWindow:
    main = MainWindow(Settings())
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


def test_welcome_page_first(window: MainWindow) -> None:
    assert window.pages.currentWidget() is window.welcome


def test_project_with_video_and_events_opens_and_events_jump(qtbot, window: MainWindow, tmp_path: Path,
                                                             index_clip: Path, events_file: Path) -> None:
    project_dir = tmp_path / "match"
    assert cli_main(["video", "add", str(project_dir), str(index_clip), "--events", str(events_file)]) == 0
    with qtbot.waitSignal(window.video_panel.sig_frame_shown, timeout=WAIT_MS):
        window.open_project(project_dir)
    assert window.pages.currentWidget() is window.workspace
    assert window.workspace.currentWidget() is window.video_panel
    assert window.events_panel.list.count() == 3
    assert [m.frame_index for m in window.video_panel.timeline.markers()] == [25, 150, 200]
    window.events_panel.set_label_filter("SHOT")
    assert window.events_panel.list.count() == 1
    assert [m.label for m in window.video_panel.timeline.markers()] == ["SHOT"]
    events_list = window.events_panel.list
    rect = events_list.visualItemRect(events_list.item(0))
    qtbot.mouseClick(events_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(events_list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.video_panel.shown_index == 150, timeout=WAIT_MS)
    assert read_index(window.video_panel.view.frame_array) == 150
    assert "3 events" in window.project_panel.counts.text()


def test_bad_inputs_show_messages_and_the_app_keeps_running(qtbot, window: MainWindow, tmp_path: Path,
                                                            index_clip: Path) -> None:
    with qtbot.waitSignal(window.sig_message, timeout=WAIT_MS) as blocker:
        window.open_project(tmp_path)
    assert "not a Soccer Desktop project" in blocker.args[0]
    bogus = tmp_path / "broken.mov"
    bogus.write_bytes(b"garbage" * 100)
    with qtbot.waitSignal(window.sig_message, timeout=WAIT_MS) as blocker:
        window.open_video(bogus)
    assert "cannot be opened as a video" in blocker.args[0]
    with qtbot.waitSignal(window.video_panel.sig_frame_shown, timeout=WAIT_MS):
        window.open_video(index_clip)


def test_dropping_a_video_adds_it_to_the_open_project(qtbot, window: MainWindow, tmp_path: Path,
                                                      index_clip: Path, events_file: Path) -> None:
    Project.create(tmp_path / "p").close()
    window.open_project(tmp_path / "p")
    with qtbot.waitSignal(window.video_panel.sig_frame_shown, timeout=WAIT_MS):
        drop_files(window, index_clip)
    assert [Path(v.path) for v in window.project.videos()] == [index_clip.resolve()]
    assert window.project_panel.videos.count() == 1
    drop_files(window, events_file)
    assert window.events_panel.list.count() == 3
    assert str(index_clip) in window.settings.recent_videos
    assert window.recent_videos_menu.actions()[0].text() == str(index_clip)


def test_demo_project_is_built_in_the_background_then_opened(qtbot, window: MainWindow,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("soccer_desktop.demo.DEMO_SECONDS", 1.0)
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.video_panel.sig_frame_shown, timeout=60_000):
        pass
    assert window.project is not None and window.project.name == "demo"
    (video,) = window.project.videos()
    assert (video.width, video.height, video.frame_count) == (3840, 1080, 25)
    assert window.events_panel.list.count() == len(window.project.events(video.id)) > 0
    assert window.settings.recent_projects[0] == str(window.project.root)


def test_work_panels_are_built_on_first_visit(qtbot, window: MainWindow, tmp_path: Path) -> None:
    assert window._video_panel is None and window._canvas_panel is None  # the window starts light
    Project.create(tmp_path / "p").close()
    window.open_project(tmp_path / "p")
    assert window._canvas_panel is None
    window.pages.setCurrentWidget(window.workspace)
    window.workspace.setCurrentIndex(1)
    assert window._canvas_panel is not None
    assert window.workspace.currentWidget() is window.canvas_panel
    assert window.canvas_panel.project is window.project
    assert window._video_panel is None
    window.workspace.setCurrentIndex(0)
    assert window.workspace.currentWidget() is window._video_panel is not None


def test_training_menu_opens_the_wizard_and_the_runs_list(qtbot, window: MainWindow, tmp_path: Path) -> None:
    Project.create(tmp_path / "p").close()
    window.open_project(tmp_path / "p")
    assert window._runs_panel is None
    window.show_runs()
    assert window.runs_dock.widget() is window.runs_panel
    assert window.runs_panel.project_root == window.project.root
    wizard = window.open_training_wizard()
    assert wizard.isVisible()
    wizard.close()


def test_opening_another_project_leaves_nothing_of_the_first_on_screen(qtbot, window: MainWindow, tmp_path: Path,
                                                                        index_clip: Path) -> None:
    from soccer_desktop.analysis import store
    from soccer_desktop.project.store import BoxSource, ClassId, NewBox

    first = tmp_path / "first"
    assert cli_main(["video", "add", str(first), str(index_clip)]) == 0
    with Project.open(first) as project:
        analysis = store.create_analysis(project, project.videos()[0].id, "players", "motion")
        store.write_frames(project, analysis.id, [(i, [NewBox(ClassId.PLAYER, i, 4, 20, 30, 0.9, BoxSource.PSEUDO)])
                                                  for i in range(20)])  # fmt: skip
    with qtbot.waitSignal(window.video_panel.sig_frame_shown, timeout=WAIT_MS):
        window.open_project(first)
    panel = window.video_panel
    qtbot.waitUntil(lambda: panel.view.overlay is not None, timeout=WAIT_MS)
    Project.create(tmp_path / "empty").close()
    window.open_project(tmp_path / "empty")  # no videos: the first project's video and boxes go
    panel.step(1)
    qtbot.wait(200)
    assert panel.video_path is None and panel.view.overlay is None and panel.view.frame_array is None
    assert panel.overlay_controls.analysis_box.count() == 1  # "No overlay"
