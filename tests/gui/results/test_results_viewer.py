"""The results viewer driven like a user: pick an evaluation, move the slider, open an error, send it to review."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from soccer_desktop.dataset.coco_import import import_coco
from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.evaluation.runner import EvaluationRequest
from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.project.store import Project
from soccer_desktop.settings import Settings
from soccer_desktop.video.library import add_video
from soccer_desktop.video.synthetic import DemoMatch
from tests.evaluation.match import synthetic_match

WAIT_MS = 60000


@pytest.fixture(scope="session")
def match(tmp_path_factory: pytest.TempPathFactory) -> DemoMatch:
    return synthetic_match(tmp_path_factory)


@pytest.fixture
def window(qtbot) -> MainWindow:
    main = MainWindow(Settings())
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


def _click_row(qtbot, table, row: int) -> None:
    rect = table.visualItemRect(table.item(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_pick_slide_open_an_error_and_send_it_to_review(qtbot, window: MainWindow, match: DemoMatch,
                                                        tmp_path: Path) -> None:  # fmt: skip
    root = tmp_path / "project"
    with Project.create(root) as project:
        import_coco(project, match.ground_truth, video=match.video, every=5)
        export_dataset(project, root / "datasets" / "truth", valid=0.0)
    truth = json.loads((root / "datasets" / "truth" / "train" / "_annotations.coco.json").read_text())
    ghost_image = truth["images"][3]["id"]
    results = []
    for ann in truth["annotations"]:
        x, y, w, h = ann["bbox"]
        ghost = ann["category_id"] == 2 and ann["image_id"] == ghost_image
        results.append({"image_id": ann["image_id"], "category_id": ann["category_id"],
                        "bbox": [x + 500 if ghost else x, y, w, h], "score": 0.8 if ghost else 0.9})  # fmt: skip
    results_file = tmp_path / "results.json"
    results_file.write_text(json.dumps(results))

    window.open_project(root)
    with qtbot.waitSignal(window.workspace.currentChanged, timeout=WAIT_MS):
        window.workspace.setCurrentIndex(2)  # the Results tab is built on first use
    panel = window.results_panel
    assert window.workspace.currentWidget() is panel
    qtbot.waitUntil(lambda: panel.empty_label.isVisible(), timeout=WAIT_MS)  # nothing evaluated yet

    with qtbot.waitSignal(panel.sig_listed, timeout=WAIT_MS):
        panel.evaluate_request(EvaluationRequest(root / "datasets" / "truth", "train", detections=results_file))
    qtbot.waitUntil(lambda: panel.list.rowCount() == 1, timeout=WAIT_MS)
    assert not panel.empty_label.isVisible()

    with qtbot.waitSignal(panel.sig_shown, timeout=WAIT_MS):
        _click_row(qtbot, panel.list, 0)
    panel.tabs.setCurrentWidget(panel.curves)
    slider = panel.curves.slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    assert "ghost balls 1," in panel.curves.numbers.text()
    for _ in range(8):
        qtbot.keyClick(slider, Qt.Key.Key_PageUp)  # 0.81: above the ghost's score
    assert panel.curves.confidence == pytest.approx(0.81)
    assert "ghost balls 0," in panel.curves.numbers.text() and "missed 1," in panel.curves.numbers.text()
    qtbot.keyClick(slider, Qt.Key.Key_PageDown)  # 0.71: the ghost is back

    panel.tabs.setCurrentWidget(panel.errors)
    browser = panel.errors
    kinds = sorted(browser.table.item(row, 0).text() for row in range(browser.table.rowCount()))
    assert kinds == ["ghost ball", "missed ball"]
    ghost_row = next(row for row in range(browser.table.rowCount()) if browser.table.item(row, 0).text() == "ghost ball")
    _click_row(qtbot, browser.table, ghost_row)
    assert browser.view._image is not None and browser.send_button.isEnabled()
    qtbot.keyClick(browser.table, Qt.Key.Key_Down if ghost_row == 0 else Qt.Key.Key_Up)  # arrow keys step
    assert browser.selected_items()[0].kind == "missed ball"
    qtbot.keyClick(browser.table, Qt.Key.Key_Up if ghost_row == 0 else Qt.Key.Key_Down)
    assert browser.selected_items()[0].kind == "ghost ball"

    with qtbot.waitSignal(window.review_panel.sig_ranked, timeout=WAIT_MS):
        qtbot.mouseClick(browser.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.review_panel.items()) and window.review_panel.items()[0].requested,
                    timeout=WAIT_MS)  # fmt: skip
    top = window.review_panel.items()[0]
    assert top.frame.id == ghost_image and top.reasons[0].startswith("sent to review: ghost ball, score 0.80")
    assert window.review_panel.table.item(0, 2).text().startswith("sent to review: ghost ball")

    # A second evaluation (no balls at all), then both ticked and compared side by side.
    no_balls = tmp_path / "no-balls.json"
    no_balls.write_text(json.dumps([r for r in results if r["category_id"] == 1]))
    with qtbot.waitSignal(panel.sig_listed, timeout=WAIT_MS):
        panel.evaluate_request(EvaluationRequest(root / "datasets" / "truth", "train", detections=no_balls))
    qtbot.waitUntil(lambda: panel.list.rowCount() == 2, timeout=WAIT_MS)
    assert {panel.list.item(row, 2).text() for row in range(2)} == {"external"}
    for row in range(2):
        rect = panel.list.visualItemRect(panel.list.item(row, 0))
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        if panel.list.item(row, 0).checkState() != Qt.CheckState.Checked:  # the click landed beside the box
            panel.tick(row)
    with qtbot.waitSignal(panel.sig_shown, timeout=WAIT_MS):
        qtbot.mouseClick(panel.compare_button, Qt.MouseButton.LeftButton)
    table = panel.metrics_table
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == [
        "Metric", "no-balls.json", "results.json", "Δ results.json"]
    recall_row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "ball recall")
    assert table.item(recall_row, 1).text() == "0.000" and table.item(recall_row, 3).text().startswith("+0.9")
    assert len(panel.curves.pr_plot.listDataItems()) == 4  # players and ball of both, overlaid

    report = tmp_path / "report.html"
    job = panel.export_report(report)
    with qtbot.waitSignal(job.sig_done, timeout=WAIT_MS):
        pass
    assert report.is_file() and report.with_suffix(".csv").is_file()


def test_the_empty_state_evaluates_motion_proposals_of_a_demo_like_project(qtbot, window: MainWindow,
                                                                           match: DemoMatch, tmp_path: Path) -> None:  # fmt: skip
    media = tmp_path / "media"
    shutil.copytree(match.video.parent, media)
    with Project.create(tmp_path / "demo") as project:
        add_video(project, media / "match.mp4")
    window.open_project(tmp_path / "demo")
    window.show_results()
    panel = window.results_panel
    qtbot.waitUntil(lambda: panel.empty_label.isVisible(), timeout=WAIT_MS)
    qtbot.mouseClick(panel.motion_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.list.rowCount() == 1, timeout=WAIT_MS)
    assert panel.records()[0].name == "motion proposals" and panel.records()[0].metrics["detections"] > 0
    with qtbot.waitSignal(panel.sig_shown, timeout=WAIT_MS):
        _click_row(qtbot, panel.list, 0)
    assert panel.errors.table.rowCount() > 0  # real errors to browse on first use


def test_a_runs_training_curves_are_drawn_from_its_events(qtbot) -> None:
    from soccer_desktop.gui.results.results_panel import feed_training_curves
    from soccer_desktop.gui.wizard.curves import TrainingCurves

    curves = TrainingCurves()
    qtbot.addWidget(curves)
    events = [{"type": "phase_started", "phase": 1}]
    events += [{"type": "step", "phase": 1, "step": s, "loss": 2.0 - s / 10} for s in range(1, 5)]
    events += [{"type": "epoch", "phase": 1, "epoch": 1, "train": {"loss": 1.7}, "val": {"map": 0.2, "ap_ball": 0.1}}]
    events += [{"type": "phase_started", "phase": 2}, {"type": "step", "phase": 2, "step": 1, "loss": 1.0},
               {"type": "epoch", "phase": 2, "epoch": 1, "train": {"loss": 0.9}, "val": {"map": 0.4}}]
    feed_training_curves(curves, events)
    assert curves.step_x == [1, 2, 3, 4, 5] and curves.map_x == [1, 2] and curves.map_y["map"] == [0.2, 0.4]
    assert curves.boundary_count == 1  # phase 2 starts after phase 1's four steps
