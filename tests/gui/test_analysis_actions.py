"""The Analysis menu through the real main window: analyse the video shown, cancel, resume, export, demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from soccer_desktop.analysis import store
from soccer_desktop.demo import build_demo_project
from soccer_desktop.detect.choice import DetectorChoice
from soccer_desktop.gui.analyse_dialog import AnalyseDialog
from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.project.store import Project
from soccer_desktop.settings import Settings
from soccer_desktop.video.library import add_video
from tests.detect.clips import write_pitch_clip

JOB_MS = 120_000


@pytest.fixture
def window(qtbot) -> MainWindow:
    main = MainWindow(Settings())
    qtbot.addWidget(main)
    yield main
    main.close()


def test_analyse_the_shown_video_then_watch_and_export_it(qtbot, window: MainWindow, tmp_path: Path) -> None:
    clip = write_pitch_clip(tmp_path / "pitch.mp4", frames=60, width=320, height=240)
    with Project.create(tmp_path / "p") as project:
        add_video(project, clip)
    window.open_project(tmp_path / "p")
    qtbot.waitUntil(lambda: window.video_panel.shown_index == 0, timeout=JOB_MS)
    controls = window.video_panel.overlay_controls
    assert controls.analysis_box.count() == 1 and controls.analysis_id() is None  # nothing analysed yet

    progress: list[str] = []
    job = window.analysis.run_analysis(DetectorChoice("motion"), (0, 29))
    job.sig_progress.connect(lambda report, eta: progress.append(report.message))
    with qtbot.waitSignal(job.sig_finished, timeout=JOB_MS) as finished:
        pass
    assert "30 frames analysed" in finished.args[0].describe()
    assert any("frames/s" in message and "ETA" in message for message in progress)
    qtbot.waitUntil(lambda: controls.analysis_id() == finished.args[0].analysis_id, timeout=JOB_MS)
    assert "30/60 frames" in controls.analysis_box.currentText()
    window.video_panel.seek(10)
    qtbot.waitUntil(lambda: window.video_panel.view.overlay is not None
                    and window.video_panel.view.overlay.frame_index == 10, timeout=JOB_MS)  # fmt: skip
    assert window.video_panel.view.overlay.boxes

    job = window.analysis.run_analysis(DetectorChoice("motion"))  # the same settings: continues, then cancel
    job.cancel()
    qtbot.waitSignal(job.sig_done, timeout=JOB_MS).wait()
    [analysis] = store.list_analyses(window.project)
    assert analysis.status in ("cancelled", "done")

    out = tmp_path / "boxes.json"
    job = window.analysis.run_export(analysis.id, out, "json")
    with qtbot.waitSignal(job.sig_finished, timeout=JOB_MS) as exported:
        pass
    assert str(out) in exported.args[0] and out.is_file()


def test_the_dialog_gathers_the_choice(qtbot, tmp_path: Path) -> None:
    clip = write_pitch_clip(tmp_path / "pitch.mp4", frames=30, width=320, height=240)
    with Project.create(tmp_path / "p") as project:
        video, _ = add_video(project, clip)
    dialog = AnalyseDialog(video)
    qtbot.addWidget(dialog)
    assert dialog.choice() == DetectorChoice("motion") and dialog.frame_range() is None
    assert not dialog.first_spin.isEnabled() and not dialog.model_box.isEnabled()
    dialog.detector_box.setCurrentIndex(1)
    dialog.weights_edit.setText(str(tmp_path / "best.pth"))
    dialog.sahi_check.setChecked(False)
    dialog.whole_check.setChecked(False)
    dialog.first_spin.setValue(20)
    dialog.last_spin.setValue(5)
    dialog.batch_spin.setValue(4)
    choice = dialog.choice()
    assert (choice.detector, choice.weights, choice.sahi) == ("rfdetr", tmp_path / "best.pth", None)
    assert dialog.frame_range() == (5, 20) and dialog.batch() == 4


def test_analysing_without_a_project_video_says_what_to_do(window: MainWindow) -> None:
    messages: list[str] = []
    window.sig_message.connect(messages.append)
    assert window.analysis.run_analysis(DetectorChoice("motion")) is None
    assert "Open a project and show one of its videos" in messages[0]


def test_the_demo_project_opens_onto_overlay_playback(qtbot, window: MainWindow, tmp_path: Path) -> None:
    folder = build_demo_project(tmp_path / "demo", seconds=1.0)
    window.open_project(folder)
    panel = window.video_panel
    qtbot.waitUntil(lambda: panel.view.overlay is not None, timeout=JOB_MS)
    [analysis] = store.list_analyses(window.project)
    assert analysis.status == "done" and panel.overlay_controls.analysis_id() == analysis.id
    assert store.detection_count(window.project, analysis.id) > 25  # players on every frame
    assert panel.view.overlay.boxes
