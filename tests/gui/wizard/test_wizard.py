"""The training wizard page by page, the live run view, the runs list; and a real tiny run from the GUI."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from soccer_desktop.gui.job_runner import JobRunner
from soccer_desktop.gui.wizard.run_monitor import RunMonitor
from soccer_desktop.gui.wizard.runs_panel import RunsPanel
from soccer_desktop.gui.wizard.wizard import TrainingWizard
from soccer_desktop.project.store import Project
from soccer_desktop.train import runs
from soccer_desktop.train.config import cpu_smoke_config, dump_config, load_config
from soccer_desktop.train.events import EventWriter
from tests.train.synthetic import write_dataset

WAIT_MS = 60_000


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("data") / "ds", {"train": 8, "valid": 2})


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    with Project.create(tmp_path / "project") as project:
        return project.root


def make_wizard(qtbot, dataset: Path | None, project_root: Path | None = None, config=None) -> TrainingWizard:  # noqa: ANN001
    wizard = TrainingWizard(project_root, dataset, config or cpu_smoke_config(), JobRunner())
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def go_next(qtbot, wizard: TrainingWizard) -> None:  # noqa: ANN001
    before = wizard.currentPage()
    assert before.isComplete(), type(before).__name__
    wizard.next()
    assert wizard.currentPage() is not before, f"{type(before).__name__} refused: see sig_message"


def step_to_review(qtbot, wizard: TrainingWizard) -> None:  # noqa: ANN001
    assert wizard.currentPage() is wizard.dataset_page
    go_next(qtbot, wizard)  # -> model
    go_next(qtbot, wizard)  # -> augmentation (starts a preview)
    assert wizard.currentPage() is wizard.augment_page
    qtbot.waitUntil(lambda: wizard.augment_page.preview_count == 6, timeout=WAIT_MS)
    go_next(qtbot, wizard)  # -> schedule
    go_next(qtbot, wizard)  # -> hardware (looks for GPUs)
    qtbot.waitUntil(lambda: wizard.hardware_page.hardware is not None, timeout=WAIT_MS)
    go_next(qtbot, wizard)  # -> review
    assert wizard.currentPage() is wizard.review_page


def test_pages_keep_the_configuration_and_save_it_as_yaml(qtbot, dataset: Path, tmp_path: Path) -> None:
    wizard = make_wizard(qtbot, dataset)
    page = wizard.dataset_page
    assert page.isComplete() and page.counts.rowCount() == 2
    assert page.counts.item(0, 1).text() == "8"
    assert "valid split has only 2 images" in page.message.text()
    step_to_review(qtbot, wizard)
    assert all(not label.pixmap().isNull() for label in wizard.augment_page.thumbnails)
    assert wizard.hardware_page.detected.text()
    review = wizard.review_page
    assert review.text.toPlainText() == dump_config(wizard.config)
    assert wizard.config == cpu_smoke_config()  # every page wrote back what it showed
    saved = review.save_yaml(tmp_path / "mine.yaml")
    assert load_config(saved) == cpu_smoke_config()
    assert review.isComplete()


def test_pages_change_the_configuration(qtbot, dataset: Path) -> None:
    wizard = make_wizard(qtbot, dataset)
    go_next(qtbot, wizard)
    model = wizard.model_page
    model.size.setCurrentIndex(model.size.findData("small"))
    model.resolution.setValue(416)
    go_next(qtbot, wizard)
    augment = wizard.augment_page
    augment.mosaic.setChecked(False)
    augment.table.item(0, 1).setText("{p: 0.25}")
    augment.table.item(1, 0).setCheckState(Qt.CheckState.Unchecked)
    go_next(qtbot, wizard)
    schedule = wizard.schedule_page
    schedule.phase2.enabled.setChecked(False)
    schedule.phase1.lr.setText("3e-4")
    schedule.phase1.early.setChecked(True)
    go_next(qtbot, wizard)
    wizard.hardware_page.batch.setValue(3)
    qtbot.waitUntil(lambda: wizard.hardware_page.hardware is not None, timeout=WAIT_MS)
    go_next(qtbot, wizard)
    c = wizard.config
    assert (c.model.size, c.model.resolution) == ("small", 416)
    assert not c.augment.mosaic.enabled
    assert c.augment.albumentations[0].params == {"p": 0.25} and not c.augment.albumentations[1].enabled
    assert c.phases == [1] and c.phase1.lr == 3e-4 and c.phase1.early_stopping.enabled
    assert c.hardware.batch_size == 3
    assert "batch_size: 3" in wizard.review_page.text.toPlainText()


def test_bad_input_keeps_the_user_on_the_page(qtbot, dataset: Path, tmp_path: Path) -> None:
    wizard = make_wizard(qtbot, None)
    page = wizard.dataset_page
    page.set_dataset(tmp_path / "nowhere")
    assert not page.isComplete() and "does not exist" in page.message.text()
    page.set_dataset(dataset)
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)
    augment = wizard.augment_page
    augment.table.item(0, 1).setText("{p: [0.5")
    messages = []
    wizard.sig_message.connect(messages.append)
    wizard.next()
    assert wizard.currentPage() is augment and "not valid YAML" in messages[-1]
    augment.table.item(0, 1).setText("{p: 1.5}")
    wizard.next()
    assert wizard.currentPage() is augment and "between 0 and 1" in messages[-1]
    qtbot.waitUntil(lambda: not augment.preview_button.isEnabled() or augment.preview_count, timeout=WAIT_MS)
    augment.table.item(0, 1).setText("{p: 0.5}")
    augment.table.item(0, 0).setText("HorizontalFlipp")
    qtbot.waitUntil(lambda: augment.preview_button.isEnabled(), timeout=WAIT_MS)
    augment.regenerate_preview()
    qtbot.waitUntil(lambda: "HorizontalFlipp" in augment.preview_status.text(), timeout=WAIT_MS)
    assert "not an albumentations transform" in augment.preview_status.text()


def write_fake_run(run_dir: Path, status: str = "completed", pid: int | None = None) -> None:
    """A finished two-phase run's files, as the engine writes them."""
    run_dir.mkdir(parents=True)
    with EventWriter(run_dir / "events.jsonl") as events:
        events.emit("run_started", phases=[1, 2], config={"phase1": {"epochs": 2}, "phase2": {"epochs": 1}})
        step = 0
        for phase, epochs in ((1, 2), (2, 1)):
            events.emit("phase_started", phase=phase, epochs=epochs, steps_per_epoch=2, start_epoch=0,
                        freeze_encoder=phase == 1, lr_groups=[1e-4])
            for epoch in range(1, epochs + 1):
                for batch in (1, 2):
                    step = (epoch - 1) * 2 + batch
                    events.emit("step", phase=phase, epoch=epoch, step=step, batch=batch, loss=5.0 - step * 0.1,
                                lr=1e-4, eta_s=10.0)
                events.emit("epoch", phase=phase, epoch=epoch, epochs=epochs, train={"loss": 4.0},
                            val={"map": 0.1 * epoch, "map50": 0.2, "map75": 0.05, "ap_player": 0.2, "ap_ball": None},
                            lr=1e-4, memory={"ram_mb": 3000.0}, epoch_time_s=3.0, eta_s=0.0)
            events.emit("phase_finished", phase=phase, status="completed", epochs_done=epochs)
        events.emit("run_finished", status=status)
    phases = {"1": {"status": "completed", "epochs": 2, "epochs_done": 2},
              "2": {"status": "completed" if status == "completed" else "running", "epochs": 1, "epochs_done": 1}}
    runs.write_manifest(run_dir, {"status": "running" if pid else status, "pid": pid, "phases_requested": [1, 2],
                                  "phases": phases, "best_metrics": {"map": 0.2, "ap_ball": 0.05, "phase": 1, "epoch": 2},
                                  "best_checkpoint": "phase1/checkpoint_best_total.pth",
                                  "dataset": {"root": "/data/ds", "counts": {}}})
    (run_dir / "config.yaml").write_text(dump_config(cpu_smoke_config()))


def test_run_monitor_replays_a_run(qtbot, tmp_path: Path) -> None:
    write_fake_run(tmp_path / "run")
    monitor = RunMonitor()
    qtbot.addWidget(monitor)
    monitor.attach(tmp_path / "run")
    curves = monitor.curves
    assert len(curves.step_x) == 6 and curves.step_x == sorted(curves.step_x)
    assert curves.step_x[-1] == 6  # phase 2's steps continue after phase 1's
    assert curves.map_x == [1, 2, 3] and curves.map_y["map"][:2] == pytest.approx([0.1, 0.2])
    assert curves.boundary_count == 1
    assert "completed" in monitor.status.text() and "0.200" in monitor.status.text()
    assert "phase 2 completed" in monitor.log_view.toPlainText()
    assert not monitor.resume_button.isEnabled() and not monitor.cancel_button.isEnabled()


def test_runs_panel_lists_and_details_runs(qtbot, project_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done_dir = project_root / "runs" / "20260101-000000-done"
    dead_dir = project_root / "runs" / "20260102-000000-dead"
    write_fake_run(done_dir)
    write_fake_run(dead_dir, status="running", pid=2**22 + 4321)
    with Project.open(project_root) as project:
        runs.register_run(project, "done", done_dir, cpu_smoke_config().as_dict(), status="running")
        runs.register_run(project, "dead", dead_dir, cpu_smoke_config().as_dict(), status="running")
    panel = RunsPanel()
    qtbot.addWidget(panel)
    panel.show_project(project_root)
    assert panel.table.rowCount() == 2
    statuses = {panel.table.item(r, 0).text(): panel.table.item(r, 1).text() for r in range(2)}
    assert statuses == {"done": "completed", "dead": "interrupted"}
    panel.table.selectRow([r.name for r in panel.records].index("done"))
    assert "map: 0.2000" in panel.summary.toPlainText()
    assert "cpu-smoke" in panel.config_text.toPlainText() and "/data/ds" in panel.dataset_text.toPlainText()
    assert panel.table.item(panel.table.currentRow(), 3).text() == "0.200"
    assert not panel.resume_button.isEnabled()
    panel.table.selectRow([r.name for r in panel.records].index("dead"))
    assert panel.resume_button.isEnabled()

    started = []
    (project_root / "mlflow.db").write_bytes(b"")

    class FakeProcess:
        def poll(self):  # noqa: ANN202
            return None

        def terminate(self) -> None:
            started.append("stopped")

    from soccer_desktop.train import tracking

    def fake_popen(command, **kwargs):  # noqa: ANN001, ANN003, ANN202
        started.append(command)
        return FakeProcess()

    monkeypatch.setattr(tracking.subprocess, "Popen", fake_popen)
    monkeypatch.setattr("soccer_desktop.gui.wizard.runs_panel.QDesktopServices.openUrl", lambda url: True)
    url = panel.open_mlflow_ui()
    assert url.startswith("http://127.0.0.1:")
    command = started[0]
    assert command[1:4] == ["-m", "mlflow", "ui"]
    assert command[command.index("--backend-store-uri") + 1] == f"sqlite:///{project_root / 'mlflow.db'}"
    panel.shutdown()
    assert started[-1] == "stopped"


@pytest.mark.slow
def test_wizard_runs_a_tiny_training_and_the_curves_fill(qtbot, dataset: Path, project_root: Path) -> None:
    wizard = make_wizard(qtbot, dataset, project_root)
    step_to_review(qtbot, wizard)
    run_dir = Path(wizard.review_page.out_dir.text())
    assert run_dir.parent == project_root / "runs"
    started = []
    wizard.sig_run_started.connect(started.append)
    go_next(qtbot, wizard)  # "Start training"
    monitor = wizard.run_page.monitor
    assert wizard.currentPage() is wizard.run_page and started == [run_dir]
    assert monitor.is_running()
    with Project.open(project_root) as project:
        assert [r.status for r in runs.list_runs(project)] == ["running"]
    qtbot.waitUntil(lambda: len(monitor.curves.step_x) > 0, timeout=300_000)  # curves receive points live
    assert monitor.is_running()
    with qtbot.waitSignal(monitor.sig_finished, timeout=400_000) as finished:
        pass
    assert finished.args == ["completed"], monitor.log_view.toPlainText()[-3000:]
    config = wizard.config
    steps = config.limits.train_batches_per_epoch * (config.phase1.epochs + config.phase2.epochs)
    assert len(monitor.curves.step_x) == steps
    assert len(monitor.curves.map_x) == config.phase1.epochs + config.phase2.epochs
    assert monitor.curves.boundary_count == 1
    assert monitor.progress.value() == monitor.progress.maximum() == steps
    with Project.open(project_root) as project:
        (record,) = runs.list_runs(project)
    assert record.status == "completed" and record.directory == str(run_dir)
    assert (project_root / "mlflow.db").is_file()  # tracked into the project
    wizard.done(0)


def test_start_weights_must_exist(qtbot, dataset: Path, tmp_path: Path) -> None:
    from soccer_desktop import paths

    wizard = make_wizard(qtbot, dataset)
    go_next(qtbot, wizard)
    page = wizard.model_page
    page.coco.setChecked(True)
    assert not page.isComplete() and "rf-detr-nano.pth" in page.weights_note.text()
    paths.models_dir().mkdir(parents=True, exist_ok=True)
    (paths.models_dir() / "rf-detr-nano.pth").write_bytes(b"weights")
    page.size.setCurrentIndex(page.size.findData("nano"))
    page._weights_changed()
    assert page.isComplete() and "Starts from" in page.weights_note.text()
    page.checkpoint.setChecked(True)
    assert not page.isComplete()
    page.weights_path.setText(str(tmp_path / "missing.pth"))
    assert not page.isComplete() and "does not exist" in page.weights_note.text()
    (tmp_path / "best.pth").write_bytes(b"weights")
    page.weights_path.setText(str(tmp_path / "best.pth"))
    assert page.isComplete()
    go_next(qtbot, wizard)
    assert wizard.config.model.start_weights == "checkpoint"
    assert wizard.config.model.weights_path == str(tmp_path / "best.pth")


def test_phase_2_alone_needs_its_start_weights(qtbot, dataset: Path, tmp_path: Path) -> None:
    wizard = make_wizard(qtbot, dataset)
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.augment_page.preview_count == 6, timeout=WAIT_MS)
    go_next(qtbot, wizard)
    schedule = wizard.schedule_page
    schedule.phase1.enabled.setChecked(False)
    assert not schedule.isComplete() and schedule.phase2_start_row.isVisibleTo(schedule)
    (tmp_path / "phase1-best.pth").write_bytes(b"weights")
    schedule.phase2_start.setText(str(tmp_path / "phase1-best.pth"))
    assert schedule.isComplete()
    go_next(qtbot, wizard)
    assert wizard.config.phases == [2] and wizard.config.phase2.init_from == str(tmp_path / "phase1-best.pth")
