"""The Results tab: evaluations of the project, their numbers and curves, comparisons, errors and reports.

Reading evaluations and computing their metrics run as jobs with their own
database connection; the widgets only show what comes back. Everything
that depends on the confidence is recomputed from the stored detections as
the slider moves (no model run).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.core.errors import UserError
from soccer_desktop.evaluation.defaults import DEFAULT_CONFIDENCE
from soccer_desktop.gui.job_runner import Job, JobRunner
from soccer_desktop.gui.results.error_browser import ErrorBrowser
from soccer_desktop.gui.results.plots import CurvesView
from soccer_desktop.project.store import INTERACTIVE_BUSY_TIMEOUT_MS, Project

LIST_COLUMNS = ("Compare", "Evaluation", "Run", "Split", "Ball F1", "Player F1", "AP", "When")
EMPTY_TEXT = (
    "No evaluations yet. Evaluate motion proposals against the project's reviewed frames (no model, no GPU "
    "needed; on the demo this imports the match's exact ground truth first), or evaluate a checkpoint or a "
    "COCO results file on an exported dataset."
)


def _load(root: Path, ids: list[int]) -> list[tuple[Any, Any, list[dict[str, Any]]]]:
    """Records, metrics and (for runs) training events of evaluations: the job behind opening them."""
    from soccer_desktop.evaluation.runner import open_evaluation
    from soccer_desktop.evaluation.store import get_evaluation

    loaded = []
    with Project.open(root) as project:
        for evaluation_id in ids:
            record = get_evaluation(project, evaluation_id)
            events: list[dict[str, Any]] = []
            if record.run_id is not None:
                from soccer_desktop.train.events import EVENTS_FILE, read_events
                from soccer_desktop.train.runs import get_run

                events = read_events(Path(get_run(project, record.run_id).directory) / EVENTS_FILE)
            loaded.append((record, open_evaluation(project, record), events))
    return loaded


class ResultsPanel(QWidget):
    sig_sent_to_review = Signal(int)
    """Frames were sent to the review queue (how many)."""
    sig_message = Signal(str)
    """A message for the user (errors and reports written)."""
    sig_listed = Signal()
    """The evaluations list was refreshed."""
    sig_shown = Signal()
    """The chosen evaluations' metrics are on screen."""

    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._root: Path | None = None
        self._records: list[Any] = []
        self._shown: list[tuple[Any, Any]] = []  # (record, metrics) on screen
        self._opening = 0  # number of the latest "open these evaluations" request

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setWordWrap(True)
        self.motion_button = QPushButton("Evaluate motion proposals")
        self.motion_button.setToolTip("Score motion proposals against the project's reviewed frames")
        self.checkpoint_button = QPushButton("Evaluate a checkpoint…")
        self.results_button = QPushButton("Evaluate a results file…")
        self.list = QTableWidget(0, len(LIST_COLUMNS))
        self.list.setHorizontalHeaderLabels(LIST_COLUMNS)
        self.list.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.list.verticalHeader().setVisible(False)
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.compare_button = QPushButton("Compare ticked")
        self.export_button = QPushButton("Export report…")
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.metrics_table = QTableWidget(0, 1)
        self.metrics_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.metrics_table.verticalHeader().setVisible(False)
        self.curves = CurvesView()
        self.errors = ErrorBrowser()
        self.training = QWidget()
        self.training_curves: Any = None  # built when a run's evaluation is first shown
        QVBoxLayout(self.training).addWidget(QLabel("Training curves appear for evaluations of a training run."))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.metrics_table, "Metrics")
        self.tabs.addTab(self.curves, "Curves")
        self.tabs.addTab(self.errors, "Errors")
        self.tabs.addTab(self.training, "Training")

        sources = QHBoxLayout()
        for button in (self.motion_button, self.checkpoint_button, self.results_button):
            sources.addWidget(button)
        actions = QHBoxLayout()
        actions.addWidget(self.compare_button)
        actions.addWidget(self.export_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.empty_label)
        left_layout.addLayout(sources)
        left_layout.addWidget(self.list, 1)
        left_layout.addLayout(actions)
        left_layout.addWidget(self.status)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        self.curves.set_confidence(DEFAULT_CONFIDENCE)
        self.curves.sig_confidence.connect(self.errors.set_confidence)
        self.curves.sig_confidence.connect(lambda _confidence: self._shown and self._fill_metrics_table())
        self.errors.sig_send_to_review.connect(self.send_to_review)
        self.list.itemSelectionChanged.connect(self._open_selected)
        self.motion_button.clicked.connect(self.evaluate_motion)
        self.checkpoint_button.clicked.connect(lambda: self._choose_and_evaluate("checkpoint"))
        self.results_button.clicked.connect(lambda: self._choose_and_evaluate("detections"))
        self.compare_button.clicked.connect(self.compare_ticked)
        self.export_button.clicked.connect(self._choose_report)
        self.set_project(None)

    # ---------------------------------------------------------------- state
    def set_project(self, root: Path | None) -> None:
        self._root = root
        self._shown = []
        self.setEnabled(root is not None)
        self.refresh()

    def records(self) -> list[Any]:
        return list(self._records)

    def shown(self) -> list[tuple[Any, Any]]:
        return list(self._shown)

    def refresh(self) -> None:
        """List the project's evaluations again (in the background)."""
        if self._root is None:
            self._show_list([])
            return
        root = self._root

        def listing(progress: object, cancel: object) -> tuple[list[Any], dict[int, str]]:
            from soccer_desktop.evaluation.store import list_evaluations
            from soccer_desktop.train.runs import list_runs

            with Project.open(root) as project:
                return list_evaluations(project), {run.id: run.name for run in list_runs(project, sync=False)}

        job = self._jobs.start("Listing evaluations", listing)
        job.sig_finished.connect(lambda result: self._show_list(*result))
        job.sig_failed.connect(self.sig_message)

    def _show_list(self, records: list[Any], run_names: dict[int, str] | None = None) -> None:
        """Evaluations of runs say which run; the others (results files, detectors) say "external"."""
        self._records = records
        self.list.blockSignals(True)
        self.list.setRowCount(len(records))
        for row, record in enumerate(records):
            metrics = record.metrics
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            tick.setCheckState(Qt.CheckState.Unchecked)
            tick.setData(Qt.ItemDataRole.UserRole, record.id)
            run = (run_names or {}).get(record.run_id, "—") if record.run_id is not None else "external"
            cells = [tick, QTableWidgetItem(record.name), QTableWidgetItem(run), QTableWidgetItem(record.split),
                     QTableWidgetItem(_number(metrics.get("ball", {}).get("f1"))),
                     QTableWidgetItem(_number(metrics.get("player", {}).get("f1"))),
                     QTableWidgetItem(_number(metrics.get("coco", {}).get("AP"))),
                     QTableWidgetItem(record.created_at)]  # fmt: skip
            for column, cell in enumerate(cells):
                self.list.setItem(row, column, cell)
        self.list.blockSignals(False)
        self.empty_label.setVisible(not records)
        self.compare_button.setEnabled(len(records) >= 2)
        self.export_button.setEnabled(bool(records))
        self.sig_listed.emit()

    # ------------------------------------------------------------- showing
    def select_evaluation(self, row: int) -> None:
        self.list.selectRow(row)

    def tick(self, row: int, ticked: bool = True) -> None:
        self.list.item(row, 0).setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _open_selected(self) -> None:
        rows = sorted({index.row() for index in self.list.selectedIndexes()})
        if rows:
            self._open([int(self.list.item(rows[0], 0).data(Qt.ItemDataRole.UserRole))])

    def compare_ticked(self) -> None:
        ids = [int(self.list.item(row, 0).data(Qt.ItemDataRole.UserRole)) for row in range(self.list.rowCount())
               if self.list.item(row, 0).checkState() == Qt.CheckState.Checked]  # fmt: skip
        if len(ids) < 2:
            self.sig_message.emit("Tick two or more evaluations in the Compare column to compare them.")
            return
        self._open(ids)

    def _open(self, ids: list[int]) -> None:
        if self._root is None:
            return
        root = self._root
        self._opening += 1
        opening = self._opening
        self.status.setText("Computing the metrics…")
        job = self._jobs.start("Opening evaluations", lambda progress, cancel: _load(root, ids))
        # Only the latest request is shown: a slower earlier one must not replace it.
        job.sig_finished.connect(lambda loaded: opening == self._opening and self._show_loaded(loaded))
        job.sig_failed.connect(self._failed)

    def _show_loaded(self, loaded: list[tuple[Any, Any, list[dict[str, Any]]]]) -> None:
        self._shown = [(record, metrics) for record, metrics, _ in loaded]
        named = [(record.name, metrics) for record, metrics in self._shown]
        self.curves.show_metrics(named)
        self.errors.show_metrics(self._shown[0][1] if len(self._shown) == 1 else None, self.curves.confidence)
        self._fill_metrics_table()
        self._show_training(loaded[0][2] if len(loaded) == 1 else [])
        self.status.setText(
            f"Showing {named[0][0]}" if len(named) == 1 else f"Comparing {len(named)} evaluations (errors: pick one)"
        )
        self.sig_shown.emit()

    def _fill_metrics_table(self) -> None:
        from soccer_desktop.evaluation.report import comparison

        summaries = [metrics.summary(self.curves.confidence) for _, metrics in self._shown]
        rows = comparison(summaries)
        names = [record.name for record, _ in self._shown]
        headers = ["Metric", *names, *(f"Δ {n}" for n in names[1:])]
        self.metrics_table.setColumnCount(len(headers))
        self.metrics_table.setHorizontalHeaderLabels(headers)
        self.metrics_table.setRowCount(len(rows))
        for row, (name, values, differences) in enumerate(rows):
            cells = [name, *(_number(v) for v in values), *(f"{d:+.3f}" for d in differences)]
            for column, text in enumerate(cells):
                self.metrics_table.setItem(row, column, QTableWidgetItem(text))
        self.metrics_table.resizeColumnsToContents()

    def _show_training(self, events: list[dict[str, Any]]) -> None:
        if not events:
            return
        from soccer_desktop.gui.wizard.curves import TrainingCurves

        if self.training_curves is None:
            self.training_curves = TrainingCurves()
            self.training.layout().addWidget(self.training_curves)
        feed_training_curves(self.training_curves, events)

    def _failed(self, message: str) -> None:
        self.status.setText(message)
        self.sig_message.emit(message)

    # ----------------------------------------------------------- evaluating
    def evaluate_motion(self) -> Job | None:
        """Score motion proposals against the reviewed frames (the demo imports its ground truth first)."""
        if self._root is None:
            return None
        from soccer_desktop.evaluation.runner import evaluate_motion_proposals

        root = self._root
        return self._evaluate("Evaluating motion proposals",
                              lambda progress, cancel: evaluate_motion_proposals(root, progress, cancel))  # fmt: skip

    def evaluate_request(self, request: Any) -> Job:
        """Run an :class:`~soccer_desktop.evaluation.runner.EvaluationRequest` stored in this project."""
        from dataclasses import replace

        from soccer_desktop.evaluation.runner import evaluate

        request = replace(request, project=request.project or self._root)
        return self._evaluate("Evaluating", lambda progress, cancel: evaluate(request, progress, cancel))

    def _evaluate(self, name: str, work: Any) -> Job:
        self.status.setText(f"{name}…")
        job = self._jobs.start(name, work)
        job.sig_finished.connect(self._evaluated)
        job.sig_failed.connect(self._failed)
        return job

    def _evaluated(self, outcome: Any) -> None:
        self.status.setText(f"Evaluated in {outcome.seconds:.1f} s" + (" (from the cache)" if outcome.cached else ""))
        self.refresh()

    def _choose_and_evaluate(self, kind: str) -> None:
        from soccer_desktop.evaluation.runner import EvaluationRequest

        if kind == "checkpoint":
            source, _ = QFileDialog.getOpenFileName(self, "Checkpoint to evaluate", str(self._root or ""),
                                                    "Checkpoints (*.pth *.ckpt);;All files (*)")  # fmt: skip
        else:
            source, _ = QFileDialog.getOpenFileName(self, "COCO results file", "", "JSON (*.json);;All files (*)")
        if not source:
            return
        dataset = QFileDialog.getExistingDirectory(self, "Dataset to evaluate on", str((self._root or Path()) / "datasets"))
        if not dataset:
            return
        split = "valid" if (Path(dataset) / "valid").is_dir() else "train"
        path = Path(source)
        self.evaluate_request(EvaluationRequest(Path(dataset), split, checkpoint=path if kind == "checkpoint" else None,
                                                detections=path if kind != "checkpoint" else None))  # fmt: skip

    # -------------------------------------------------------------- review
    def send_to_review(self, items: list[Any]) -> int:
        """Put the errors' frames at the top of the review queue; returns how many frames."""
        if not items or self._root is None or len(self._shown) != 1:
            return 0
        from soccer_desktop.evaluation.review import send_to_review

        record, metrics = self._shown[0]
        try:
            with Project.open(self._root, INTERACTIVE_BUSY_TIMEOUT_MS) as project:
                count = send_to_review(project, metrics.dataset, items, record.name)
        except UserError as error:
            self._failed(str(error))
            return 0
        self.status.setText(f"Sent {count} frame{'s' if count != 1 else ''} to the top of the review queue.")
        self.sig_sent_to_review.emit(count)
        return count

    # -------------------------------------------------------------- report
    def _choose_report(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the report", str(self._root or ""), "HTML (*.html)")
        if path:
            self.export_report(Path(path))

    def export_report(self, path: Path) -> Job | None:
        """Write the HTML report (and CSV) of what is shown, in the background."""
        if not self._shown:
            self.sig_message.emit("Pick an evaluation (or tick several and compare) before exporting a report.")
            return None
        from soccer_desktop.evaluation.report import write_report

        named = [(record.name, metrics) for record, metrics in self._shown]
        confidence = self.curves.confidence
        job = self._jobs.start("Writing the report", lambda progress, cancel: write_report(path, named, confidence))
        job.sig_finished.connect(lambda paths: self.status.setText(f"Wrote {paths[0]} and {paths[1].name}"))
        job.sig_failed.connect(self._failed)
        return job


def feed_training_curves(curves: Any, events: list[dict[str, Any]]) -> None:
    """Draw a finished run's loss and validation curves from its event stream (phases one after the other)."""
    curves.clear()
    step_offset = epoch_offset = last_step = last_epoch = 0.0
    for event in events:
        kind, phase = event.get("type"), int(event.get("phase") or 0)
        if kind == "phase_started":
            step_offset, epoch_offset = last_step, last_epoch
            if phase > 1:
                curves.mark_phase(last_step, last_epoch, f"phase {phase}")
        elif kind == "step":
            last_step = max(last_step, step_offset + float(event.get("step") or 0))
            curves.add_step(last_step, event.get("loss"))
        elif kind == "epoch":
            last_epoch = max(last_epoch, epoch_offset + float(event.get("epoch") or 0))
            curves.add_epoch(last_step, last_epoch, (event.get("train") or {}).get("loss"), event.get("val"))
    curves.redraw()


def _number(value: Any) -> str:
    if not isinstance(value, (int, float)) or math.isnan(value):
        return "—"
    if value < 0:
        return "n/a"
    return f"{value:.0f}" if float(value).is_integer() and value > 1 else f"{value:.3f}"
