"""Start the training engine as a child process and follow it: events, cancel, kill, crash reports.

The child is ``python -m soccer_desktop.train.worker`` (see :mod:`.worker`),
with its stdout and stderr appended to ``RUN_DIR/train.log`` (a file, never a
pipe, so a chatty child can never block on a full pipe). Its events are read
from ``RUN_DIR/events.jsonl``. Cancel writes ``RUN_DIR/cancel``: the child
stops after the current step, validates once, keeps its checkpoints and exits.
:meth:`TrainingProcess.kill` is the hard stop (the run stays resumable from its
last full checkpoint).

No Qt here: the GUI polls :meth:`TrainingProcess.poll` from a timer; tests and
scripts can call :meth:`TrainingProcess.wait_events`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soccer_desktop.train.config import TrainingConfig, parse_phases, save_config
from soccer_desktop.train.engine import ENVIRONMENT
from soccer_desktop.train.events import EVENTS_FILE, EventReader
from soccer_desktop.train.runs import (
    CANCEL_FILE,
    CONFIG_FILE,
    LOG_FILE,
    process_start_time,
    read_manifest,
    write_manifest,
)
from soccer_desktop.train.worker import EXIT_CANCELLED, EXIT_OK, EXIT_USER

CRASH_LINES = 30


@dataclass
class ProcessResult:
    """How the training process ended, in words for the user."""

    status: str  # completed | cancelled | failed | crashed | killed
    returncode: int | None
    message: str
    log_tail: str = ""


def tail(path: Path, lines: int = CRASH_LINES) -> str:
    """The last ``lines`` lines of a text file (empty when it does not exist)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 64 * 1024))
            data = handle.read()
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace").replace("\r", "\n")
    return "\n".join(text.splitlines()[-lines:])


def phases_argument(phases: list[int] | None) -> str | None:
    """``[1]`` -> ``"1"``, ``[2]`` -> ``"2"``, ``[1, 2]`` -> ``"both"`` (None stays None)."""
    if not phases:
        return None
    return {(1,): "1", (2,): "2", (1, 2): "both"}[tuple(sorted(set(phases)))]


def worker_command(config_file: Path, dataset_dir: Path, run_dir: Path, phases: str | None = None,
                   resume: bool = False, devices: int | None = None) -> list[str]:
    command = [sys.executable, "-m", "soccer_desktop.train.worker", "--config", str(config_file),
               "--dataset", str(dataset_dir), "--out", str(run_dir)]
    if phases:
        command += ["--phase", phases]
    if resume:
        command.append("--resume")
    if devices:
        command += ["--devices", str(devices)]
    return command


class TrainingProcess:
    """One training child process for one run folder."""

    def __init__(self, run_dir: Path | str) -> None:
        self.run_dir = Path(run_dir).expanduser().resolve()
        self.process: subprocess.Popen | None = None
        self.reader = EventReader(self.run_dir / EVENTS_FILE)
        self.events: list[dict[str, Any]] = []
        self.killed = False
        self._log: Any = None

    # ----------------------------------------------------------------- start
    @classmethod
    def start(cls, config: TrainingConfig, dataset_dir: Path | str, run_dir: Path | str, *,
              phases: str | None = None, resume: bool = False, devices: int | None = None,
              extra_env: dict[str, str] | None = None) -> TrainingProcess:
        """Write ``RUN_DIR/config.yaml`` (unless resuming) and start the child on it."""
        runner = cls(run_dir)
        runner.run_dir.mkdir(parents=True, exist_ok=True)
        config_file = runner.run_dir / CONFIG_FILE
        if not (resume and config_file.is_file()):
            save_config(config, config_file)
        # Events already in the file (an earlier part of a resumed run) are not news.
        runner.reader.read()
        (runner.run_dir / CANCEL_FILE).unlink(missing_ok=True)
        command = worker_command(config_file, Path(dataset_dir).expanduser().resolve(), runner.run_dir,
                                 phases, resume, devices)
        env = {**os.environ, **ENVIRONMENT, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        # The child must import this very package, wherever the parent found it.
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        for name in ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR"):
            env.pop(name, None)
        runner._log = (runner.run_dir / LOG_FILE).open("ab")
        runner._log.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(command)}\n".encode())
        runner._log.flush()
        runner.process = subprocess.Popen(
            command, stdout=runner._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            cwd=str(runner.run_dir), start_new_session=True,
        )
        # Say at once that the run is running, and in which process: the child needs seconds to import
        # torch before it writes the manifest itself, and a runs list read meanwhile must not call the
        # run interrupted (nor must a window that closes before then leave a run nobody can tell apart).
        manifest = read_manifest(runner.run_dir) or {"schema": 1, "name": config.name, "phases": {},
                                                     "phases_requested": parse_phases(phases, config.phases)}
        manifest.update({"status": "running", "pid": runner.process.pid, "host": socket.gethostname(),
                         "pid_started": process_start_time(runner.process.pid)})
        write_manifest(runner.run_dir, manifest)
        return runner

    # ---------------------------------------------------------------- follow
    def poll(self) -> list[dict[str, Any]]:
        """New events since the last call (also kept in :attr:`events`)."""
        new = self.reader.read()
        self.events.extend(new)
        return new

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def wait(self, timeout: float | None = None) -> int | None:
        if self.process is None:
            return None
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._close_log()
        return code

    def wait_events(self, timeout: float = 600.0, interval: float = 0.2) -> Iterator[dict[str, Any]]:
        """Yield events as they arrive until the process exits (or ``timeout`` seconds pass)."""
        deadline = time.monotonic() + timeout
        while True:
            yield from self.poll()
            if not self.is_running():
                yield from self.poll()
                self._close_log()
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"training in {self.run_dir} still running after {timeout:.0f} s")
            time.sleep(interval)

    # ------------------------------------------------------------------ stop
    def cancel(self) -> None:
        """Ask the child to stop after the current step (it validates once and keeps its checkpoints)."""
        (self.run_dir / CANCEL_FILE).touch()

    def kill(self) -> None:
        """Stop the child (and any processes it started, e.g. DDP ranks) now."""
        if self.process is None or self.process.poll() is not None:
            return
        self.killed = True
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            self.process.kill()
        self.process.wait(10)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    # ---------------------------------------------------------------- report
    def result(self) -> ProcessResult:
        """The outcome once the process has ended: status, a message for the user, and the log's last lines."""
        code = self.returncode
        log_tail = tail(self.run_dir / LOG_FILE)
        manifest = read_manifest(self.run_dir) or {}
        error = engine_error = manifest.get("error") or {}
        if code is None:
            return ProcessResult("running", None, "Training is still running.")
        if manifest.get("status") == "running" and manifest.get("pid") == self.process.pid:
            # The child ended before it could say how (killed, or stopped before the engine started).
            status = "interrupted" if self.killed else "cancelled" if code == EXIT_CANCELLED else "failed"
            if code not in (EXIT_OK, EXIT_CANCELLED) and not error:
                error = {"kind": "user" if code == EXIT_USER else "crash",
                         "message": _last_error_line(log_tail) or f"exit status {code}", "resumable": True}
                manifest["error"] = error
            manifest["status"] = status
            write_manifest(self.run_dir, manifest)
        if self.killed:
            return ProcessResult("killed", code, "Training was stopped at once. Resume continues it from its last "
                                 "full checkpoint (saved at the end of each epoch).", log_tail)
        if code == EXIT_OK:
            return ProcessResult("completed", code, "Training finished.")
        if code == EXIT_CANCELLED:
            return ProcessResult("cancelled", code, "Training was cancelled; its checkpoints are kept and Resume "
                                 "continues it.")
        if code == EXIT_USER:
            message = error.get("message") or _last_error_line(log_tail) or "Training stopped on a problem."
            return ProcessResult("failed", code, message, log_tail)
        reason = f"exit status {code}" if code >= 0 else f"signal {-code}"
        if engine_error.get("kind") == "crash" and engine_error.get("message"):
            reason = engine_error["message"]
        message = (f"The training process crashed ({reason}). Nothing in the project is damaged, and Resume "
                   "continues from the last full checkpoint. The last lines of its log:")
        return ProcessResult("crashed", code, message, log_tail)


def _last_error_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.startswith("error:")]
    if lines:
        index = text.splitlines().index(lines[-1])
        rest = text.splitlines()[index:]
        return "\n".join(rest)[len("error: "):].strip()
    return ""
