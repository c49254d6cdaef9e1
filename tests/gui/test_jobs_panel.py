"""Jobs are never lost: each running job listed with its own progress, ETA and Cancel; dialogs cancel only
their own jobs; quitting asks, then cancels cleanly; leftovers of a crash are cleaned when a project opens."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from soccer_desktop.core.jobs import Progress, check_cancel
from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.gui.dataset_dialogs import ExportDatasetDialog
from soccer_desktop.gui.job_runner import JobRunner
from soccer_desktop.gui.jobs_panel import JobsButton
from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.project.cleanup import clean_leftovers
from soccer_desktop.project.store import Project
from soccer_desktop.settings import Settings
from tests.dataset.builders import add_video_frames

WAIT_MS = 10_000


def gated_job(release: threading.Event, steps: int = 100):
    """Reports progress, then waits for ``release`` (or a cancel) between steps."""

    def run(progress, cancel):
        for step in range(steps):
            check_cancel(cancel)
            progress(Progress(step + 1, steps, f"step {step + 1}"))
            release.wait(0.02)
        return steps

    return run


@pytest.fixture
def window(qtbot):
    main = MainWindow(Settings())
    qtbot.addWidget(main)
    main.show()
    yield main
    main.jobs.cancel_all()
    qtbot.waitUntil(lambda: not main.jobs.foreground(), timeout=60_000)  # closing would ask otherwise
    main.close()


def answer_next_question(window: MainWindow, button: QMessageBox.StandardButton, seen: list[str]) -> None:
    """Click ``button`` in the next message box the window opens (the quit question is modal)."""

    def click() -> None:
        # (The project's stand-in video also opens a "cannot be opened" box, which has no such button.)
        boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible() and w.button(button) is not None]
        if not boxes:
            QTimer.singleShot(20, click)
            return
        seen.append(boxes[0].text())
        boxes[0].button(button).click()

    QTimer.singleShot(20, click)


def test_every_job_is_listed_with_its_own_progress_and_cancel(qtbot) -> None:
    runner = JobRunner()
    button = JobsButton(runner)
    qtbot.addWidget(button)
    slow, quick = threading.Event(), threading.Event()
    long_job = runner.start("Extracting frames", gated_job(slow, steps=10_000))
    ranking = runner.start("Ranking frames for review", gated_job(quick, steps=10_000), background=True)
    qtbot.waitUntil(lambda: long_job.last_progress is not None and ranking.last_progress is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "%" in button.text(), timeout=WAIT_MS)
    # The status bar shows the long job, not the ranking started after it; the panel lists both.
    assert button.text().startswith("⏳ Extracting frames: ") and "(+1 more)" in button.text()
    assert "ETA" in button.text()
    button.click()
    assert button.panel.isVisible() and set(button.panel.rows) == {long_job, ranking}
    row = button.panel.rows[long_job]
    qtbot.waitUntil(lambda: row.bar.maximum() == 10_000 and row.bar.value() > 0, timeout=WAIT_MS)
    assert "ETA" in row.bar.format()
    with qtbot.waitSignal(ranking.sig_cancelled, timeout=WAIT_MS):
        button.panel.rows[ranking].cancel_button.click()
    qtbot.waitUntil(lambda: set(button.panel.rows) == {long_job}, timeout=WAIT_MS)
    assert long_job.is_running() and not long_job.cancel_token()  # cancelling one job leaves the other alone
    assert runner.running() == [long_job] and ranking.parent() is None  # the finished one is released
    with qtbot.waitSignal(long_job.sig_cancelled, timeout=WAIT_MS):
        row.cancel_button.click()
    qtbot.waitUntil(lambda: not button.isVisible() and not button.panel.rows, timeout=WAIT_MS)
    assert runner.running() == [] and not runner.children()


def test_closing_the_training_wizard_keeps_the_main_windows_jobs(qtbot, window: MainWindow, tmp_path: Path) -> None:
    Project.create(tmp_path / "p").close()
    window.open_project(tmp_path / "p")
    release = threading.Event()
    main_job = window.jobs.start("Pseudo-labelling", gated_job(release, steps=10_000))
    wizard = window.open_training_wizard()
    wizard_job = wizard.jobs.start("Augmentation preview", gated_job(release, steps=10_000), owner=wizard)
    qtbot.waitUntil(lambda: main_job.is_running() and wizard_job.is_running(), timeout=WAIT_MS)
    with qtbot.waitSignal(wizard_job.sig_cancelled, timeout=WAIT_MS):
        wizard.reject()  # the wizard's Cancel / close
    assert main_job.is_running() and not main_job.cancel_token()
    assert window.jobs.running() == [main_job] and window.jobs_button.isVisible()
    with qtbot.waitSignal(main_job.sig_cancelled, timeout=WAIT_MS):
        window.jobs_button.panel.rows[main_job].cancel_button.click()


def test_quitting_with_an_export_running_asks_then_cancels_and_leaves_no_partial_folder(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    with Project.create(tmp_path / "p") as project:
        add_video_frames(project, "match.mp4", range(0, 2_000, 10))
    window.open_project(tmp_path / "p")
    out_dir = ExportDatasetDialog(tmp_path / "p" / "datasets", window).request().out_dir

    def export(progress, cancel):  # the real export, paused at its first progress report until cancelled
        def hold(report: Progress) -> None:
            while report.message == "Writing dataset" and not cancel():
                time.sleep(0.01)

        with Project.open(tmp_path / "p") as project:
            return export_dataset(project, out_dir, progress=hold, cancel=cancel).summary()

    job = window.jobs.start("Exporting the dataset", export)
    datasets = tmp_path / "p" / "datasets"
    qtbot.waitUntil(lambda: any(".partial-" in p.name for p in datasets.iterdir()), timeout=WAIT_MS)

    questions: list[str] = []
    answer_next_question(window, QMessageBox.StandardButton.No, questions)
    window.close()
    assert window.isVisible() and job.is_running()  # "Keep working"
    assert "1 job is still running" in questions[0] and "Exporting the dataset" in questions[0]

    answer_next_question(window, QMessageBox.StandardButton.Yes, questions)
    window.close()
    assert not window.isVisible() and not job.is_running()
    assert list(datasets.iterdir()) == []  # no staging folder, no half dataset
    assert len(questions) == 2


def test_quitting_without_running_jobs_does_not_ask(qtbot, window: MainWindow) -> None:
    job = window.jobs.start("Ranking frames for review", gated_job(threading.Event(), 10_000), background=True)
    qtbot.waitUntil(job.is_running, timeout=WAIT_MS)
    window.close()  # a modal question here would block the test
    assert not window.isVisible() and not job.is_running()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _age(path: Path, seconds: float = 3600) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_leftovers_of_a_crash_are_cleaned_when_the_project_opens(qtbot, window: MainWindow, tmp_path: Path) -> None:
    root = tmp_path / "p"
    Project.create(root).close()
    crashed = root / "datasets" / f".dataset-1.partial-{_dead_pid()}-0a1b2c3d"
    (crashed / "train").mkdir(parents=True)
    (crashed / "train" / "x.jpg").write_bytes(b"half")
    live = root / "datasets" / f".dataset-2.partial-{os.getpid()}-0a1b2c3d"  # an export running now
    set_aside = root / "datasets" / f".dataset-3.old-{_dead_pid()}-0a1b2c3d"  # crash between the two renames
    (set_aside / "train").mkdir(parents=True)
    (root / "datasets" / f".dataset-3.partial-{_dead_pid()}-0a1b2c3d").mkdir()
    live.mkdir()
    kept_dataset = root / "datasets" / "dataset-20250101-120000"
    (kept_dataset / "train").mkdir(parents=True)
    (kept_dataset / "train" / "frame.part").write_bytes(b"an image, inside a dataset: never looked at")
    _age(kept_dataset / "train" / "frame.part")
    stale = [root / "frames" / "v0001" / "0000010.jpg.part", root / "runs" / "r1" / ".manifest.json.77.tmp",
             root / "runs" / "r1" / "phase1" / "weights" / "epoch_001.tmp", root / ".settings.json.abc.tmp"]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
        _age(path)
    fresh = root / "frames" / "v0001" / "0000020.jpg.part"  # being written right now
    fresh.write_bytes(b"half")

    with qtbot.waitSignal(window.statusBar().messageChanged, timeout=WAIT_MS,
                          check_params_cb=lambda text: "leftover" in text) as blocker:
        window.open_project(root)
    assert blocker.args[0] == ("Removed 6 leftovers of an interrupted export or write. Put back dataset-3 (an "
                               "export replacing it was interrupted).")
    assert not crashed.exists() and not any(path.exists() for path in stale)
    assert (root / "datasets" / "dataset-3" / "train").is_dir() and not set_aside.exists()
    assert live.is_dir() and fresh.is_file() and (kept_dataset / "train" / "frame.part").is_file()
    assert clean_leftovers(root).summary() == ""  # nothing left to do
