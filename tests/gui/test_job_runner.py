"""The job mechanism: progress with ETA, cancel, errors as messages, a GUI that stays responsive."""

from __future__ import annotations

import time

from PySide6.QtCore import QElapsedTimer, QThread, QTimer
from PySide6.QtWidgets import QApplication

from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import Progress, check_cancel
from soccer_desktop.gui.job_runner import JobRunner
from soccer_desktop.gui.jobs_panel import JobsButton


def busy_job(steps: int, step_s: float = 0.01):
    def run(progress, cancel):
        for step in range(steps):
            check_cancel(cancel)
            end = time.perf_counter() + step_s
            while time.perf_counter() < end:  # pure-Python CPU work: holds the GIL
                pass
            progress(Progress(step + 1, steps, "Working"))
        return steps

    return run


def test_job_reports_progress_on_the_gui_thread_and_finishes(qtbot) -> None:
    runner = JobRunner()
    threads: list[bool] = []
    reports: list[tuple[Progress, str]] = []
    job = runner.start("count", busy_job(30))
    job.sig_progress.connect(lambda p, eta: (reports.append((p, eta)), threads.append(QThread.currentThread() is QApplication.instance().thread())))
    with qtbot.waitSignal(job.sig_finished, timeout=5000) as blocker:
        pass
    assert blocker.args == [30]
    assert reports and reports[-1][0].done == 30 and all(threads)
    qtbot.waitUntil(lambda: not runner.running())


def test_cancel_button_stops_the_job(qtbot) -> None:
    runner = JobRunner()
    button = JobsButton(runner)
    qtbot.addWidget(button)
    job = runner.start("long", busy_job(10_000))
    row = button.panel.rows[job]
    with qtbot.waitSignal(job.sig_cancelled, timeout=5000):
        row.cancel_button.click()
    assert job.wait(2)
    qtbot.waitUntil(lambda: not button.panel.rows and not runner.running())


def test_user_error_and_crash_become_messages(qtbot) -> None:
    runner = JobRunner()

    def bad_input(progress, cancel):
        raise UserError("weights missing: put rf-detr-nano.pth in the models folder")

    def bug(progress, cancel):
        return 1 / 0

    job = runner.start("bad", bad_input)
    with qtbot.waitSignal(job.sig_failed, timeout=5000) as blocker:
        pass
    assert blocker.args == ["weights missing: put rf-detr-nano.pth in the models folder"]
    job = runner.start("bug", bug)
    with qtbot.waitSignal(job.sig_failed, timeout=5000) as blocker:
        pass
    assert "ZeroDivisionError" in blocker.args[0] and "log file" in blocker.args[0]


def test_event_loop_stays_responsive_during_a_cpu_bound_job(qtbot) -> None:
    """A 16 ms timer keeps firing while a job burns the CPU; the worst gap stays small."""
    runner = JobRunner()
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(16)
    job = runner.start("cpu", busy_job(150, 0.01))
    with qtbot.waitSignal(job.sig_done, timeout=10_000):
        pass
    timer.stop()
    assert len(gaps) > 30
    assert max(gaps) < 150, f"event loop stalled for {max(gaps)} ms"
