"""The live view of a training run: curves, log, progress and ETA, Cancel, Stop now, Resume, MLflow UI.

A :class:`RunMonitor` follows one run folder. It either starts the training
process itself (:meth:`start`, :meth:`resume`) or attaches to a run that is
already there (:meth:`attach`: its events are replayed, and a run still going
in another window or a terminal is followed through its event file). It polls
``events.jsonl`` from a timer on the GUI thread: the training process never
talks to Qt.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.core.errors import gui_message
from soccer_desktop.core.jobs import format_eta
from soccer_desktop.gui.wizard.curves import TrainingCurves
from soccer_desktop.train import runs
from soccer_desktop.train.config import TrainingConfig, load_config
from soccer_desktop.train.events import EVENTS_FILE, EventReader
from soccer_desktop.train.subprocess_runner import TrainingProcess
from soccer_desktop.train.worker import format_event

log = logging.getLogger(__name__)
POLL_MS = 250


class RunMonitor(QWidget):
    sig_event = Signal(object)
    """Every training event (a dict), in order."""
    sig_finished = Signal(str)
    """The training process ended: completed, cancelled, failed, crashed or killed."""
    sig_message = Signal(str)
    """Something the user should read (a failure with its fix)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run_dir: Path | None = None
        self.project_root: Path | None = None
        self.process: TrainingProcess | None = None
        self.reader: EventReader | None = None
        self.config: TrainingConfig | None = None
        self.dataset_dir: Path | None = None
        self.last_status = ""
        self._mlflow: Any = None
        self._reset_state()

        self.status = QLabel("No run yet.")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.curves = TrainingCurves()
        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(5000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the current step; the phase validates once and keeps its "
                                      "checkpoints, and Resume continues it.")
        self.kill_button = QPushButton("Stop now")
        self.kill_button.setToolTip("End the training process at once (Resume continues from the last epoch).")
        self.resume_button = QPushButton("Resume")
        self.resume_button.setToolTip("Continue the interrupted phase from its last full checkpoint.")
        self.mlflow_button = QPushButton("Open MLflow UI")
        self.folder_button = QPushButton("Open run folder")
        buttons = QHBoxLayout()
        for button in (self.cancel_button, self.kill_button, self.resume_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.mlflow_button)
        buttons.addWidget(self.folder_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.curves)
        splitter.addWidget(self.log_view)
        splitter.setSizes([360, 160])
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.cancel_button.clicked.connect(self.cancel)
        self.kill_button.clicked.connect(self.stop_now)
        self.resume_button.clicked.connect(self.resume)
        self.mlflow_button.clicked.connect(self.open_mlflow_ui)
        self.folder_button.clicked.connect(self._open_folder)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self._update_buttons()

    def _reset_state(self) -> None:
        self.phase_total: dict[int, int] = {}
        self.phase_steps_per_epoch: dict[int, int] = {}
        self.phase_epochs: dict[int, int] = {}
        self.step_offset: dict[int, float] = {}
        self.epoch_offset: dict[int, float] = {}
        self.last_step_x = 0.0
        self.last_epoch_x = 0.0
        self.steps_seen: dict[int, int] = {}
        self.requested: list[int] = []
        self.current_phase = 0
        self.last_eta: float | None = None
        self.memory = ""

    # ------------------------------------------------------------------ run
    def start(self, config: TrainingConfig, dataset_dir: Path, run_dir: Path, project_root: Path | None = None,
              phases: str | None = None) -> None:
        """Start a new run in ``run_dir`` (listed in the project when one is given)."""
        self.config, self.dataset_dir = config, Path(dataset_dir)
        self._begin(run_dir, project_root)
        self._log_line(f"Starting training in {run_dir}")
        self.process = TrainingProcess.start(config, dataset_dir, run_dir, phases=phases)
        self.reader = None
        self._register("running")
        self.timer.start()
        self._update_buttons()

    def attach(self, run_dir: Path, project_root: Path | None = None) -> None:
        """Show an existing run: replay its events; follow it if it is still going."""
        self._begin(run_dir, project_root)
        self.reader = EventReader(Path(run_dir) / EVENTS_FILE)
        for event in self.reader.read():
            self.handle(event)
        self.curves.redraw()
        manifest = runs.read_manifest(run_dir)
        status = runs.effective_status(manifest)
        if status == "running":
            self.timer.start()
            self.status.setText(self.status.text() + " (running in another window or process)")
        else:
            self.last_status = status
            self.status.setText(f"Run {status}. " + self._best_text(manifest))
        self._update_buttons()

    def resume(self) -> None:
        if self.run_dir is None or self.is_running():
            return
        config_file = self.run_dir / runs.CONFIG_FILE
        manifest = runs.read_manifest(self.run_dir) or {}
        dataset = self.dataset_dir or Path((manifest.get("dataset") or {}).get("root", ""))
        try:
            config = self.config or load_config(config_file)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.sig_message.emit(gui_message(error))
            return
        self._log_line("Resuming from the last full checkpoint…")
        self.reader = None
        from soccer_desktop.train.subprocess_runner import phases_argument

        self.process = TrainingProcess.start(config, dataset, self.run_dir, resume=True,
                                             phases=phases_argument(manifest.get("phases_requested")))
        self._register("running")
        self.timer.start()
        self._update_buttons()

    def cancel(self) -> None:
        if self.run_dir is None:
            return
        if self.process is not None and self.process.is_running():
            self.process.cancel()
        elif self.reader is not None:  # a run another window or the CLI started: the cancel file works too
            (self.run_dir / runs.CANCEL_FILE).touch()
        self._log_line("Cancel requested: stopping after the current step…")
        self.cancel_button.setEnabled(False)

    def stop_now(self) -> None:
        if self.process is not None and self.process.is_running():
            self.process.kill()
            self._log_line("The training process was stopped.")
            self.poll()

    def is_running(self) -> bool:
        return self.process is not None and self.process.is_running()

    def shutdown(self, timeout_s: float = 10.0) -> None:
        """Cancel a run this monitor started and wait a little for it (window closing); then stop polling."""
        if self.is_running():
            self.process.cancel()
            if self.process.wait(timeout_s) is None:
                self.process.kill()
        self.timer.stop()
        from soccer_desktop.train.tracking import stop_mlflow_ui

        stop_mlflow_ui(self._mlflow)
        self._mlflow = None

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 - a run it started goes on in the background
        self.timer.stop()
        from soccer_desktop.train.tracking import stop_mlflow_ui

        stop_mlflow_ui(self._mlflow)
        self._mlflow = None
        super().closeEvent(event)

    # ----------------------------------------------------------------- poll
    def poll(self) -> None:
        if self.process is not None:
            events = self.process.poll()
        elif self.reader is not None:
            events = self.reader.read()
        else:
            events = []
        for event in events:
            self.handle(event)
        self.curves.redraw()
        if self.process is not None and not self.process.is_running():
            self.process.poll()
            for event in self.process.poll():
                self.handle(event)
            self.curves.redraw()
            self.timer.stop()
            self._finished()
        elif self.process is None and self.reader is not None and self.run_dir is not None:
            status = runs.effective_status(runs.read_manifest(self.run_dir))
            if status != "running":
                self.timer.stop()
                self.last_status = status
                self._update_buttons()

    def _finished(self) -> None:
        result = self.process.result()
        self.last_status = result.status
        manifest = runs.read_manifest(self.run_dir)
        self.status.setText(f"{result.message} " + (self._best_text(manifest) if result.status == "completed" else ""))
        self._log_line(result.message)
        if result.status in ("crashed", "failed", "killed") and result.log_tail:
            self._log_line("---- last lines of train.log ----\n" + result.log_tail)
        if result.status in ("crashed", "failed"):
            self.sig_message.emit(result.message + ("\n\n" + result.log_tail if result.status == "crashed" else ""))
        self._sync_project()
        self._update_buttons()
        self.sig_finished.emit(result.status)

    # --------------------------------------------------------------- events
    def handle(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        phase = int(event.get("phase") or 0)
        if kind == "run_started":
            self.requested = list(event.get("phases") or [])
            for number in self.requested:
                epochs = ((event.get("config") or {}).get(f"phase{number}") or {}).get("epochs")
                if epochs:
                    self.phase_epochs[number] = int(epochs)
        elif kind == "phase_started":
            self.current_phase = phase
            self.phase_steps_per_epoch[phase] = int(event.get("steps_per_epoch") or 0)
            self.phase_epochs[phase] = int(event.get("epochs") or 0)
            if phase not in self.step_offset:
                first = not self.step_offset
                self.step_offset[phase] = self.last_step_x
                self.epoch_offset[phase] = self.last_epoch_x
                if not first or phase > 1:
                    self.curves.mark_phase(self.last_step_x, self.last_epoch_x, f"phase {phase}")
        elif kind == "step":
            x = self.step_offset.get(phase, 0.0) + float(event.get("step") or 0)
            self.last_step_x = max(self.last_step_x, x)
            self.steps_seen[phase] = int(event.get("step") or 0)
            self.curves.add_step(x, event.get("loss"))
            self.last_eta = event.get("eta_s")
            self._show_progress(event)
        elif kind == "epoch":
            epoch_x = self.epoch_offset.get(phase, 0.0) + float(event.get("epoch") or 0)
            self.last_epoch_x = max(self.last_epoch_x, epoch_x)
            train = event.get("train") or {}
            self.curves.add_epoch(self.last_step_x, epoch_x, train.get("loss"), event.get("val"))
            self.last_eta = event.get("eta_s")
            memory = event.get("memory") or {}
            parts = [f"RAM {memory['ram_mb'] / 1024:.1f} GB"] if memory.get("ram_mb") else []
            if memory.get("gpu_peak_mb"):
                parts.append(f"GPU peak {memory['gpu_peak_mb'] / 1024:.1f} GB")
            self.memory = ", ".join(parts)
            self._show_progress(event)
        line = format_event(event)
        if line:
            self._log_line(line)
        self.sig_event.emit(event)

    def _show_progress(self, event: dict[str, Any]) -> None:
        phases = self.requested or sorted(self.phase_epochs)
        spe_default = max(self.phase_steps_per_epoch.values(), default=0)
        total = sum(self.phase_epochs.get(p, 0) * self.phase_steps_per_epoch.get(p, spe_default) for p in phases)
        done = sum(self.steps_seen.get(p, 0) for p in phases)
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.setFormat(f"%p%  ETA {format_eta(self.last_eta)}")
        phase = int(event.get("phase") or 0)
        epochs = self.phase_epochs.get(phase, 0)
        text = f"Phase {phase} of {len(phases) if phases else '?'}"
        text += f" ({'encoder frozen' if phase == 1 else 'all layers'}) — epoch {event.get('epoch')}/{epochs}"
        if event.get("type") == "step" and isinstance(event.get("loss"), float):
            text += f" — step {event.get('step')} — loss {event['loss']:.4f}"
        val = event.get("val") or {}
        if val.get("map") is not None:
            text += f" — mAP {val['map']:.3f}"
            if val.get("ap_ball") is not None:
                text += f", AP ball {val['ap_ball']:.3f}"
        text += f" — ETA {format_eta(self.last_eta)}"
        if self.memory:
            text += f" — {self.memory}"
        self.status.setText(text)

    @staticmethod
    def _best_text(manifest: dict[str, Any] | None) -> str:
        best = (manifest or {}).get("best_metrics") or {}
        if best.get("map") is None:
            return ""
        text = f"Best mAP@[.5:.95] {best['map']:.3f} (phase {best.get('phase')}, epoch {best.get('epoch')})"
        if best.get("ap_ball") is not None:
            text += f", AP ball {best['ap_ball']:.3f}"
        return text + "."

    # -------------------------------------------------------------- helpers
    def _begin(self, run_dir: Path, project_root: Path | None) -> None:
        self.timer.stop()
        self.run_dir = Path(run_dir).expanduser().resolve()
        self.project_root = project_root
        self.process = None
        self.last_status = ""
        self._reset_state()
        self.curves.clear()
        self.log_view.clear()
        self.cancel_button.setEnabled(True)

    def _register(self, status: str) -> None:
        if self.project_root is None or self.run_dir is None:
            return
        from soccer_desktop.core.errors import UserError
        from soccer_desktop.project.store import Project

        try:
            with Project.open(self.project_root) as project:
                config = (self.config.as_dict() if self.config else {})
                record = runs.register_run(project, self.run_dir.name, self.run_dir, config, status=status)
                runs.update_run(project, record.id, status=status)
        except UserError as error:
            log.warning("Could not list the run in the project: %s", error)

    def _sync_project(self) -> None:
        if self.project_root is None or self.run_dir is None:
            return
        from soccer_desktop.core.errors import UserError
        from soccer_desktop.project.store import Project

        try:
            with Project.open(self.project_root) as project:
                record = runs.find_run(project, self.run_dir)
                if record is not None:
                    runs.sync_run(project, record)
        except UserError as error:
            log.warning("Could not update the run in the project: %s", error)

    def _log_line(self, text: str) -> None:
        self.log_view.appendPlainText(text)

    def _update_buttons(self) -> None:
        running = self.is_running() or (self.process is None and self.timer.isActive())
        self.cancel_button.setEnabled(running)
        self.kill_button.setEnabled(self.is_running())
        manifest = runs.read_manifest(self.run_dir) if self.run_dir else None
        self.resume_button.setEnabled(not running and runs.resumable(manifest))
        self.mlflow_button.setEnabled(bool((manifest or {}).get("mlflow")))
        self.folder_button.setEnabled(self.run_dir is not None)

    def _open_folder(self) -> None:
        if self.run_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.run_dir)))

    def open_mlflow_ui(self) -> str | None:
        """Start ``mlflow ui`` on localhost for this run's database and open it in the browser."""
        manifest = runs.read_manifest(self.run_dir) if self.run_dir else None
        uri = ((manifest or {}).get("mlflow") or {}).get("tracking_uri", "")
        if not uri.startswith("sqlite:///"):
            QMessageBox.information(self, "MLflow", "This run has no MLflow database.")
            return None
        from soccer_desktop.train.tracking import start_mlflow_ui, stop_mlflow_ui

        stop_mlflow_ui(self._mlflow)
        self._mlflow, url = start_mlflow_ui(uri[len("sqlite:///"):])
        self._log_line(f"MLflow UI starting at {url} (it takes a few seconds)…")
        QTimer.singleShot(2500, lambda: QDesktopServices.openUrl(QUrl(url)))
        return url
