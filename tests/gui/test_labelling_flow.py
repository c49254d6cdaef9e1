"""From a video to an exported dataset through the real main window: extract, pseudo-label, import, export."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from soccer_desktop.detect.choice import DetectorChoice
from soccer_desktop.detect.pseudo_label import FrameScope
from soccer_desktop.gui.dataset_dialogs import ExportDatasetDialog, ImportLabelsDialog
from soccer_desktop.gui.label_dialogs import ExtractDialog, PseudoLabelDialog
from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.labels.review_policy import accept_frames
from soccer_desktop.project.store import Project
from soccer_desktop.settings import Settings
from soccer_desktop.video.extract import ExtractionStrategy
from soccer_desktop.video.synthetic import generate_match

JOB_MS = 120_000


@pytest.fixture(scope="module")
def demo_clip(tmp_path_factory: pytest.TempPathFactory):
    return generate_match(tmp_path_factory.mktemp("demo"), seconds=2.0, seed=3)


@pytest.fixture
def window(qtbot) -> MainWindow:
    main = MainWindow(Settings())
    qtbot.addWidget(main)
    yield main
    main.close()


def wait_for(qtbot, job, signal: str = "sig_finished"):
    with qtbot.waitSignal(getattr(job, signal), timeout=JOB_MS) as blocker:
        pass
    return blocker.args[0] if blocker.args else None


def test_extract_pseudo_label_review_and_export(qtbot, window: MainWindow, tmp_path: Path, demo_clip) -> None:
    with Project.create(tmp_path / "p") as project:
        project.add_video(demo_clip.video, width=demo_clip.width, height=demo_clip.height, fps=demo_clip.fps,
                          frame_count=demo_clip.frame_count)
    window.open_project(tmp_path / "p")

    summary = wait_for(qtbot, window.labelling.run_extraction(None, ExtractionStrategy(every_n=10), 90))
    assert "5 frames added" in summary
    assert window.project.counts()["frames"] == 5
    # The counts follow on the job's done signal, which may arrive just after sig_finished.
    qtbot.waitUntil(lambda: "5 frames extracted" in window.project_panel.counts.text(), timeout=JOB_MS)

    summary = wait_for(qtbot, window.labelling.run_pseudo_label(DetectorChoice("motion"), FrameScope()))
    assert "5 frames pseudo-labelled" in summary and "fixed camera" in summary  # the motion limits note
    counts = window.project.counts()
    assert counts["player_boxes"] > 50 and counts["pseudo_labelled"] == 5
    qtbot.waitUntil(lambda: len(window.review_panel.items()) == 5, timeout=JOB_MS)

    accept_frames(window.project, 0.0, [frame.id for frame in window.project.frames()])  # as `review accept`
    request = ExportDatasetDialog(tmp_path / "datasets", window).request()
    summary = wait_for(qtbot, window.labelling.run_dataset_export(request))
    assert "Exported 5 frames" in summary
    train = json.loads((request.out_dir / "train" / "_annotations.coco.json").read_text())
    assert [c["name"] for c in train["categories"]] == ["player", "ball"]
    summary = wait_for(qtbot, window.labelling.run_dataset_validation(request.out_dir))
    assert summary.endswith("No problems found.")
    again = ExportDatasetDialog(tmp_path / "datasets", window).request()  # a second export: a folder of its own
    assert "Exported 5 frames" in wait_for(qtbot, window.labelling.run_dataset_export(again))
    assert again.out_dir != request.out_dir and (request.out_dir / "train").is_dir()
    assert sorted(p.name for p in (tmp_path / "datasets").iterdir()) == sorted([request.out_dir.name,
                                                                                 again.out_dir.name])


def test_yolo_import_of_real_frames_then_export(qtbot, window: MainWindow, tmp_path: Path,
                                                shared_frames: Path) -> None:
    Project.create(tmp_path / "p").close()
    window.open_project(tmp_path / "p")
    dialog = ImportLabelsDialog(window)
    dialog.format_box.setCurrentText("yolo")
    assert not dialog.video.isEnabled()
    dialog.source_file.edit.setText(str(shared_frames))
    summary = wait_for(qtbot, window.labelling.run_label_import(dialog.request()))
    assert "233" in summary and "23" in summary
    counts = window.project.counts()
    assert (counts["frames"], counts["player_boxes"], counts["ball_boxes"]) == (10, 233, 23)


def test_bad_requests_get_messages(qtbot, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.sig_message) as blocker:
        window.labelling.run_extraction(None, ExtractionStrategy(every_n=5), 90)
    assert "Open or create a project first" in blocker.args[0]
    Project.create(tmp_path / "p").close()
    window.open_project(tmp_path / "p")
    message = wait_for(qtbot, window.labelling.run_pseudo_label(DetectorChoice("motion"), FrameScope()), "sig_failed")
    assert "Extract frames first" in message
    message = wait_for(qtbot, window.labelling.run_extraction(None, ExtractionStrategy(), 90), "sig_failed")
    assert "No extraction strategy chosen" in message
    message = wait_for(qtbot, window.labelling.run_dataset_validation(tmp_path / "nowhere"), "sig_failed")
    assert "is not a folder" in message


def test_dialogs_turn_widgets_into_settings(window: MainWindow, tmp_path: Path) -> None:
    extract = ExtractDialog([], window)
    extract.every_check.setChecked(False)
    extract.events_check.setChecked(True)
    extract.events_spin.setValue(3.0)
    extract.labels_edit.setText("SHOT, PASS")
    extract.target_check.setChecked(True)
    extract.target_spin.setValue(50)
    strategy = extract.strategy()
    assert (strategy.every_n, strategy.around_events_s, strategy.event_labels, strategy.target_count) == (
        None, 3.0, ("SHOT", "PASS"), 50)
    assert extract.video_ids() is None

    label = PseudoLabelDialog([], window)
    assert not label.model_box.isEnabled()
    label.detector_box.setCurrentIndex(label.detector_box.findData("rfdetr"))
    assert label.model_box.isEnabled()
    label.model_box.setCurrentText("small")
    label.slice_spin.setValue(512)
    label.weights_edit.setText(str(tmp_path / "w.pth"))
    choice = label.choice()
    assert (choice.detector, choice.model, choice.weights, choice.sahi.slice_size) == (
        "rfdetr", "small", tmp_path / "w.pth", 512)
    label.sahi_check.setChecked(False)
    assert label.choice().sahi is None and not label.slice_spin.isEnabled()
    label.unlabelled_check.setChecked(True)
    assert label.scope().unlabelled_only

    export = ExportDatasetDialog(tmp_path / "d", window)
    export.pseudo_check.setChecked(True)
    export.name_edit.setText("match 3")
    request = export.request()
    assert (request.out_dir.parent, request.valid, request.include_pseudo) == (tmp_path / "d", 0.2, 0.5)
    assert re.fullmatch(r"match_3-\d{8}-\d{6}", request.out_dir.name)
