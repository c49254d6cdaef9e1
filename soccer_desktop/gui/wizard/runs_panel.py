"""The project's training runs: status, best metrics, config and dataset manifest; open, resume, MLflow UI.

Light to import (no pyqtgraph, torch or mlflow): the main window can build it
at start-up. The live view (:class:`RunMonitor`) is imported when a run is
opened.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.core.errors import UserError
from soccer_desktop.train import runs

log = logging.getLogger(__name__)
COLUMNS = ("Run", "Status", "Phases", "Best mAP", "AP ball", "Created", "Folder")


class RunsPanel(QWidget):
    sig_new_training = Signal()
    """The user asked for a new training run (the main window opens the wizard)."""
    sig_message = Signal(str)
    """A problem for the user."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project_root: Path | None = None
        self.records: list[runs.RunRecord] = []
        self.monitors: list[QWidget] = []
        self._mlflow: Any = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.details = QTabWidget()
        self.summary = QPlainTextEdit()
        self.config_text = QPlainTextEdit()
        self.dataset_text = QPlainTextEdit()
        for view, title in ((self.summary, "Best metrics"), (self.config_text, "Config"),
                            (self.dataset_text, "Dataset manifest")):
            view.setReadOnly(True)
            self.details.addTab(view, title)
        self.new_button = QPushButton("New training…")
        self.open_button = QPushButton("Open")
        self.resume_button = QPushButton("Resume")
        self.folder_button = QPushButton("Folder")
        self.mlflow_button = QPushButton("MLflow UI")
        self.refresh_button = QPushButton("Refresh")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.open_button, self.resume_button, self.folder_button, self.mlflow_button,
                       self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.empty = QLabel("No project open.")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        self.new_button.clicked.connect(self.sig_new_training)
        self.open_button.clicked.connect(lambda: self.open_run())
        self.resume_button.clicked.connect(lambda: self.open_run(resume=True))
        self.folder_button.clicked.connect(self._open_folder)
        self.mlflow_button.clicked.connect(self.open_mlflow_ui)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda *_: self.open_run())
        self._update_buttons()

    # ----------------------------------------------------------------- data
    def show_project(self, project_root: Path | None) -> None:
        self.project_root = Path(project_root).resolve() if project_root else None
        self.refresh()

    def refresh(self) -> None:
        """Reload the runs from the project (statuses brought in line with the run folders)."""
        self.records = []
        if self.project_root is not None:
            from soccer_desktop.project.store import Project

            try:
                with Project.open(self.project_root) as project:
                    self.records = runs.list_runs(project)
            except UserError as error:
                self.sig_message.emit(error.for_gui())
        self.empty.setText("No project open." if self.project_root is None else
                           f"{len(self.records)} training runs" if self.records else
                           "No training runs yet: start one with New training.")
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            manifest = record.manifest() or {}
            phases = manifest.get("phases") or {}
            phase_text = ", ".join(f"{p}: {s.get('status', '?')} ({s.get('epochs_done', 0)}/{s.get('epochs', '?')})"
                                   for p, s in sorted(phases.items()))
            best = record.metrics or {}
            values = (record.name, record.status, phase_text,
                      f"{best['map']:.3f}" if isinstance(best.get("map"), (int, float)) else "",
                      f"{best['ap_ball']:.3f}" if isinstance(best.get("ap_ball"), (int, float)) else "",
                      record.created_at, record.directory)
            for column, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                item.setData(Qt.ItemDataRole.UserRole, record.id)
                self.table.setItem(row, column, item)
        if self.records and not self.table.selectedItems():
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> runs.RunRecord | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        return self.records[rows.pop()] if len(rows) == 1 and self.records else None

    def _selection_changed(self) -> None:
        record = self.selected()
        if record is None:
            for view in (self.summary, self.config_text, self.dataset_text):
                view.clear()
        else:
            manifest = record.manifest() or {}
            best = manifest.get("best_metrics") or record.metrics
            lines = [f"Status: {runs.effective_status(manifest) if manifest else record.status}",
                     f"Folder: {record.directory}"]
            if manifest.get("best_checkpoint"):
                lines.append(f"Best weights: {Path(record.directory) / manifest['best_checkpoint']}")
            lines += [f"{k}: {v:.4f}" if isinstance(v, float) else f"{k}: {v}" for k, v in (best or {}).items()]
            if manifest.get("error"):
                lines.append(f"Error: {manifest['error'].get('message')}")
            self.summary.setPlainText("\n".join(lines))
            config_file = Path(record.directory) / runs.CONFIG_FILE
            self.config_text.setPlainText(config_file.read_text(encoding="utf-8") if config_file.is_file()
                                          else json.dumps(record.config, indent=2))
            dataset_file = Path(record.directory) / "dataset_manifest.json"
            dataset = (dataset_file.read_text(encoding="utf-8") if dataset_file.is_file()
                       else json.dumps(manifest.get("dataset") or {}, indent=2))
            self.dataset_text.setPlainText(dataset)
        self._update_buttons()

    def _update_buttons(self) -> None:
        record = self.selected()
        manifest = record.manifest() if record else None
        self.new_button.setEnabled(self.project_root is not None)
        for button in (self.open_button, self.folder_button):
            button.setEnabled(record is not None)
        self.resume_button.setEnabled(runs.resumable(manifest))
        self.mlflow_button.setEnabled(bool((manifest or {}).get("mlflow")) or
                                      (self.project_root is not None and (self.project_root / "mlflow.db").is_file()))

    # -------------------------------------------------------------- actions
    def open_run(self, resume: bool = False) -> QWidget | None:
        """Open the live view of the selected run in its own window (and resume it when asked)."""
        record = self.selected()
        if record is None:
            return None
        from soccer_desktop.gui.wizard.run_monitor import RunMonitor

        monitor = RunMonitor()
        monitor.setWindowTitle(f"Training run {record.name}")
        monitor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        monitor.resize(1100, 700)
        monitor.attach(Path(record.directory), self.project_root)
        monitor.sig_finished.connect(lambda *_: self.refresh())
        monitor.sig_message.connect(self.sig_message)
        monitor.destroyed.connect(lambda *_, m=monitor: self.monitors.remove(m) if m in self.monitors else None)
        self.monitors.append(monitor)
        monitor.show()
        if resume:
            monitor.resume()
        return monitor

    def _open_folder(self) -> None:
        record = self.selected()
        if record is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(record.directory))

    def open_mlflow_ui(self) -> str | None:
        """Start ``mlflow ui`` on localhost for the project's (or the run's) database and open the browser."""
        record = self.selected()
        manifest = (record.manifest() if record else None) or {}
        uri = (manifest.get("mlflow") or {}).get("tracking_uri", "")
        db = Path(uri[len("sqlite:///"):]) if uri.startswith("sqlite:///") else (
            self.project_root / "mlflow.db" if self.project_root else None)
        if db is None or not db.is_file():
            self.sig_message.emit("There is no MLflow database yet: it is created by the first training run.")
            return None
        from soccer_desktop.train.tracking import start_mlflow_ui

        self.stop_mlflow_ui()
        self._mlflow, url = start_mlflow_ui(db)
        QTimer.singleShot(2500, lambda: QDesktopServices.openUrl(QUrl(url)))
        return url

    def stop_mlflow_ui(self) -> None:
        from soccer_desktop.train.tracking import stop_mlflow_ui

        stop_mlflow_ui(self._mlflow)
        self._mlflow = None

    def shutdown(self) -> None:
        """Stop following runs and stop the MLflow UI (the main window calls this when it closes)."""
        self.stop_mlflow_ui()
        for monitor in list(self.monitors):
            monitor.timer.stop()
            monitor.close()
