"""The training wizard's pages: dataset, model, schedule, review, run (augmentation and hardware have
modules of their own).

Each page shows part of the wizard's :class:`TrainingConfig` (``load``) and
writes it back (``store``) when the user moves on. Slow work (reading a
dataset's counts, exporting one) runs as a job off the GUI thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from soccer_desktop import paths
from soccer_desktop.core.errors import UserError
from soccer_desktop.gui.wizard.time_estimate import TimeEstimate
from soccer_desktop.gui.wizard.widgets import (
    ERROR_COLOUR,
    WARNING_COLOUR,
    SciEdit,
    float_spin,
    int_spin,
    note,
)
from soccer_desktop.train import runs
from soccer_desktop.train.config import (
    CLASS_NAMES,
    MODEL_SIZES,
    ConfigError,
    PhaseSettings,
    TrainingConfig,
    dump_config,
    save_config,
)

if TYPE_CHECKING:
    from soccer_desktop.gui.wizard.wizard import TrainingWizard

log = logging.getLogger(__name__)


class ConfigPage(QWizardPage):
    """A page that shows and edits part of the wizard's configuration."""

    def wizard(self) -> TrainingWizard:  # type: ignore[override]
        return super().wizard()  # type: ignore[return-value]

    @property
    def config(self) -> TrainingConfig:
        return self.wizard().config

    def initializePage(self) -> None:  # noqa: N802 - Qt naming
        self.load(self.config)

    def validatePage(self) -> bool:  # noqa: N802
        try:
            self.store(self.config)
        except UserError as error:
            self.wizard().show_error(error.for_gui())
            return False
        return True

    def load(self, config: TrainingConfig) -> None:
        pass

    def store(self, config: TrainingConfig) -> None:
        pass


# =============================================================================== 1 dataset
class DatasetPage(ConfigPage):
    sig_summary = Signal(object)
    """The inspected dataset (DatasetSummary) or None."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Dataset")
        self.setSubTitle("The exported dataset to train on (COCO layout: train/ and valid/ with "
                         "_annotations.coco.json), or build one from the project now.")
        self.summary: Any = None
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Dataset folder")
        browse = QPushButton("Choose…")
        self.build_button = QPushButton("Build from the project now")
        self.build_button.setToolTip("Export the project's reviewed frames to a new dataset folder (20% valid).")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        row.addWidget(self.build_button)
        self.counts = QTableWidget(0, 5)
        self.counts.setHorizontalHeaderLabels(["Split", "Images", "Players", "Balls", "Frames with ball"])
        self.counts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.counts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.counts.setMaximumHeight(130)
        self.message = note("")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.counts)
        layout.addWidget(self.message)
        layout.addStretch(1)
        browse.clicked.connect(self._browse)
        self.build_button.clicked.connect(self._build)
        self.path_edit.editingFinished.connect(lambda: self.set_dataset(Path(self.path_edit.text())))

    def load(self, config: TrainingConfig) -> None:
        self.build_button.setEnabled(self.wizard().project_root is not None)
        if self.wizard().dataset_dir is not None and self.summary is None:
            self.set_dataset(self.wizard().dataset_dir)

    def set_dataset(self, folder: Path) -> None:
        """Inspect a dataset folder and show its counts and warnings."""
        from soccer_desktop.train.dataset_info import inspect_dataset

        folder = Path(folder).expanduser()
        self.path_edit.setText(str(folder))
        try:
            summary = inspect_dataset(folder)
        except UserError as error:
            self.summary = None
            self.wizard().dataset_dir = None
            self.counts.setRowCount(0)
            self.message.setText(f"<span style='color:{ERROR_COLOUR}'>{error.for_gui()}</span>")
        else:
            self.summary = summary
            self.wizard().dataset_dir = summary.root
            self.counts.setRowCount(len(summary.counts))
            for row, (split, c) in enumerate(summary.counts.items()):
                for column, value in enumerate((split, c.images, c.player, c.ball, c.ball_frames)):
                    self.counts.setItem(row, column, QTableWidgetItem(str(value)))
            lines = [f"<span style='color:{WARNING_COLOUR}'>⚠ {w}</span>" for w in summary.warnings]
            if summary.manifest_file is not None:
                lines.append(f"Manifest: {summary.manifest_file.name}, annotations "
                             f"sha256 {summary.annotations_sha256[:12]}…")
            self.message.setText("<br>".join(lines) or "The dataset looks fine.")
        self.completeChanged.emit()
        self.sig_summary.emit(self.summary)

    def isComplete(self) -> bool:  # noqa: N802
        return self.summary is not None

    def _browse(self) -> None:
        start = str(self.wizard().project_root / "datasets") if self.wizard().project_root else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Dataset folder", start)
        if folder:
            self.set_dataset(Path(folder))

    def _build(self) -> None:
        root = self.wizard().project_root
        if root is None:
            return
        from soccer_desktop.dataset.export import new_dataset_dir

        target = new_dataset_dir(root / "datasets")

        def export(progress, cancel):  # noqa: ANN001, ANN202
            from soccer_desktop.dataset.export import export_dataset
            from soccer_desktop.project.store import Project

            with Project.open(root) as project:
                return export_dataset(project, target, "coco", valid=0.2, progress=progress, cancel=cancel).out_dir

        self.build_button.setEnabled(False)
        self.message.setText("Exporting the project's reviewed frames…")
        job = self.wizard().jobs.start("Building the dataset", export, owner=self.wizard())
        # Bound methods, not lambdas: Qt drops the call if the page is gone by the time the job ends.
        job.sig_finished.connect(self._built)
        job.sig_failed.connect(self._build_failed)
        job.sig_done.connect(self._build_done)

    def _built(self, folder: object) -> None:
        self.set_dataset(Path(str(folder)))

    def _build_failed(self, text: str) -> None:
        self.message.setText(f"<span style='color:{ERROR_COLOUR}'>{text}</span>")

    def _build_done(self) -> None:
        self.build_button.setEnabled(self.wizard() is not None and self.wizard().project_root is not None)


# ================================================================================= 2 model
class ModelPage(ConfigPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Model")
        self.setSubTitle("RF-DETR size and input resolution, and the weights to start from. The classes are "
                         f"fixed: {', '.join(CLASS_NAMES)}.")
        self.size = QComboBox()
        for size in MODEL_SIZES.values():
            self.size.addItem(f"{size.label} ({size.default_resolution} px)", size.name)
        self.hint = note("")
        self.resolution = int_spin(640, 64, 2048, 32, " px")
        self.resolution.setToolTip("A multiple of 32. Use the slice size you will detect with (SAHI): a 12 px ball "
                                   "in a 640 px slice fed to a 384 px model shrinks to 7 px.")
        self.coco = QRadioButton("COCO-pretrained weights (recommended)")
        self.checkpoint = QRadioButton("A previous run's checkpoint")
        self.random = QRadioButton("Random weights (quick test only: learns nothing useful)")
        self.group = QButtonGroup(self)
        for button in (self.coco, self.checkpoint, self.random):
            self.group.addButton(button)
        self.weights_path = QLineEdit()
        self.weights_path.setPlaceholderText("Weights file (.pth / .ckpt)")
        self.previous_runs = QComboBox()
        browse = QPushButton("Choose…")
        self.weights_note = note("")
        form = QFormLayout()
        form.addRow("Size", self.size)
        form.addRow("", self.hint)
        form.addRow("Resolution", self.resolution)
        form.addRow("Classes", QLabel(", ".join(CLASS_NAMES) + " (fixed)"))
        weights = QVBoxLayout()
        for button in (self.coco, self.checkpoint, self.random):
            weights.addWidget(button)
        row = QHBoxLayout()
        row.addWidget(self.weights_path, 1)
        row.addWidget(browse)
        weights.addWidget(self.previous_runs)
        weights.addLayout(row)
        weights.addWidget(self.weights_note)
        box = QGroupBox("Start weights")
        box.setLayout(weights)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(box)
        layout.addStretch(1)
        self.size.currentIndexChanged.connect(self._size_changed)
        self.group.buttonToggled.connect(lambda *_: self._weights_changed())
        self.previous_runs.activated.connect(self._previous_chosen)
        self.weights_path.textChanged.connect(lambda *_: self._weights_changed())
        browse.clicked.connect(self._browse)

    def load(self, config: TrainingConfig) -> None:
        m = config.model
        self.size.setCurrentIndex(max(0, self.size.findData(m.size)))
        self.resolution.setValue(m.effective_resolution)
        {"coco": self.coco, "checkpoint": self.checkpoint, "random": self.random}[m.start_weights].setChecked(True)
        self.weights_path.setText(m.weights_path or "")
        self.previous_runs.clear()
        self.previous_runs.addItem("Best weights of a previous run…", "")
        for label, path in self.wizard().previous_checkpoints():
            self.previous_runs.addItem(label, str(path))
        self._size_changed()

    def store(self, config: TrainingConfig) -> None:
        m = config.model
        m.size = self.size.currentData()
        m.resolution = self.resolution.value()
        m.start_weights = "coco" if self.coco.isChecked() else "checkpoint" if self.checkpoint.isChecked() else "random"
        m.weights_path = self.weights_path.text().strip() or None
        if m.start_weights == "random":
            m.weights_path = None

    def _size_changed(self) -> None:
        size = MODEL_SIZES[self.size.currentData()]
        self.hint.setText(f"{size.label}: {size.memory_hint}; default {size.default_resolution} px.")
        self._weights_changed()

    def _weights_changed(self) -> None:
        self.weights_path.setEnabled(not self.random.isChecked())
        self.previous_runs.setVisible(self.checkpoint.isChecked())
        text = ""
        self._weights_problem = ""
        if not self.random.isChecked():
            from soccer_desktop.train.engine import TrainingFailed, find_start_weights

            probe = TrainingConfig()
            probe.model.size = self.size.currentData()
            probe.model.start_weights = "coco" if self.coco.isChecked() else "checkpoint"
            probe.model.weights_path = self.weights_path.text().strip() or None
            if probe.model.start_weights == "checkpoint" and not probe.model.weights_path:
                self._weights_problem = "Choose the checkpoint to start from."
            else:
                try:
                    text = f"Starts from {find_start_weights(probe)}."
                except TrainingFailed as error:
                    self._weights_problem = error.for_gui()
            if self._weights_problem:
                text = f"<span style='color:{WARNING_COLOUR}'>⚠ {self._weights_problem}</span>"
        else:
            text = "Random weights only prove that training runs (tests, a new installation)."
        self.weights_note.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return not getattr(self, "_weights_problem", "")

    def _previous_chosen(self, index: int) -> None:
        path = self.previous_runs.itemData(index)
        if path:
            self.weights_path.setText(path)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Weights file", str(paths.models_dir()),
                                              "Weights (*.pth *.ckpt *.pt);;All files (*)")
        if path:
            self.weights_path.setText(path)


# ============================================================================== 4 schedule
class PhaseBox(QGroupBox):
    def __init__(self, title: str, number: int) -> None:
        super().__init__(title)
        self.number = number
        self.enabled = QCheckBox(f"Train phase {number}")
        self.epochs = int_spin(10, 1, 1000)
        self.lr = SciEdit(1e-4, 1e-9, 1.0)
        self.lr_encoder = SciEdit(0.0, 0.0, 1.0)
        self.lr_encoder.setToolTip("Empty or 0: the same as the learning rate.")
        self.min_lr = SciEdit(1e-6, 0.0, 1.0)
        self.warmup = float_spin(1.0, 0, 100, 0.5, 1)
        self.weight_decay = SciEdit(1e-4, 0.0, 1.0)
        self.grad_clip = float_spin(0.1, 0, 100, 0.05, 3)
        self.ema = QCheckBox("EMA of the weights")
        self.ema_decay = float_spin(0.993, 0.5, 0.99999, 0.001, 5)
        self.early = QCheckBox("Early stopping")
        self.patience = int_spin(10, 1, 1000, suffix=" epochs")
        self.min_delta = float_spin(0.001, 0, 1, 0.001, 4)
        form = QFormLayout(self)
        form.addRow(self.enabled)
        form.addRow("Epochs", self.epochs)
        form.addRow("Learning rate", self.lr)
        if number == 2:
            form.addRow("Encoder learning rate", self.lr_encoder)
        form.addRow("Minimum learning rate (cosine end)", self.min_lr)
        form.addRow("Warmup epochs", self.warmup)
        form.addRow("Weight decay", self.weight_decay)
        form.addRow("Gradient clipping (max norm)", self.grad_clip)
        ema = QHBoxLayout()
        ema.addWidget(self.ema)
        ema.addWidget(self.ema_decay)
        form.addRow(ema)
        early = QHBoxLayout()
        early.addWidget(self.early)
        early.addWidget(self.patience)
        early.addWidget(QLabel("min Δ mAP"))
        early.addWidget(self.min_delta)
        form.addRow(early)

    def load(self, phase: PhaseSettings, enabled: bool) -> None:
        self.enabled.setChecked(enabled)
        self.epochs.setValue(phase.epochs)
        self.lr.setValue(phase.lr)
        self.lr_encoder.setText("" if phase.lr_encoder is None else f"{phase.lr_encoder:g}")
        self.min_lr.setValue(phase.min_lr)
        self.warmup.setValue(phase.warmup_epochs)
        self.weight_decay.setValue(phase.weight_decay)
        self.grad_clip.setValue(phase.grad_clip)
        self.ema.setChecked(phase.ema.enabled)
        self.ema_decay.setValue(phase.ema.decay)
        self.early.setChecked(phase.early_stopping.enabled)
        self.patience.setValue(phase.early_stopping.patience)
        self.min_delta.setValue(phase.early_stopping.min_delta)

    def store(self, phase: PhaseSettings) -> None:
        phase.epochs = self.epochs.value()
        phase.lr = self.lr.value()
        phase.lr_encoder = self.lr_encoder.value() or None
        phase.min_lr = self.min_lr.value()
        phase.warmup_epochs = self.warmup.value()
        phase.weight_decay = self.weight_decay.value()
        phase.grad_clip = self.grad_clip.value()
        phase.ema.enabled, phase.ema.decay = self.ema.isChecked(), self.ema_decay.value()
        phase.early_stopping.enabled = self.early.isChecked()
        phase.early_stopping.patience, phase.early_stopping.min_delta = self.patience.value(), self.min_delta.value()


class SchedulePage(ConfigPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Schedule")
        self.setSubTitle("Phase 1 trains the decoder and heads with the DINOv2 encoder frozen; phase 2 builds a new "
                         "model from phase 1's best weights and trains everything. Learning rates are used exactly "
                         "as given; each phase warms up, then follows a cosine down to its minimum.")
        self.phase1 = PhaseBox("Phase 1 — encoder frozen", 1)
        self.phase2 = PhaseBox("Phase 2 — everything trained, from phase 1's best", 2)
        self.phase2_start = QLineEdit()
        self.phase2_start.setPlaceholderText("Weights file phase 2 starts from (e.g. an earlier run's "
                                             "phase1/checkpoint_best_total.pth)")
        self.phase2_start_row = QWidget()
        start_row = QHBoxLayout(self.phase2_start_row)
        start_row.setContentsMargins(0, 0, 0, 0)
        start_row.addWidget(QLabel("Phase 2 alone starts from"))
        start_row.addWidget(self.phase2_start, 1)
        browse = QPushButton("Choose…")
        start_row.addWidget(browse)
        browse.clicked.connect(self._browse_phase2_start)
        self.cls_loss = float_spin(1.0, 0.01, 100, 0.1, 2)
        loss = QFormLayout()
        loss.addRow("Class loss coefficient", self.cls_loss)
        loss.addRow(note("The focal-loss alpha (0.25) is fixed inside rfdetr and is not a per-class weight. To make "
                         "the rare ball count more, use ball-frame oversampling and ball copy-paste (Augmentation "
                         "page); this coefficient scales the classification loss of both classes."))
        row = QHBoxLayout()
        row.addWidget(self.phase1)
        row.addWidget(self.phase2)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.phase2_start_row)
        layout.addLayout(loss)
        layout.addStretch(1)
        for box in (self.phase1, self.phase2):
            box.enabled.toggled.connect(self._phases_changed)
        self.phase2_start.textChanged.connect(lambda *_: self.completeChanged.emit())

    def _phases_changed(self, *_: object) -> None:
        self.phase2_start_row.setVisible(self.phase2.enabled.isChecked() and not self.phase1.enabled.isChecked())
        self.completeChanged.emit()

    def _browse_phase2_start(self) -> None:
        start = str(self.wizard().project_root / "runs") if self.wizard().project_root else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Weights phase 2 starts from", start,
                                              "Weights (*.pth *.ckpt);;All files (*)")
        if path:
            self.phase2_start.setText(path)

    def load(self, config: TrainingConfig) -> None:
        self.phase1.load(config.phase1, 1 in config.phases)
        self.phase2.load(config.phase2, 2 in config.phases)
        self.phase2_start.setText("" if config.phase2.init_from == "previous" else config.phase2.init_from)
        self.cls_loss.setValue(config.loss.cls_loss_coef)
        self._phases_changed()

    def store(self, config: TrainingConfig) -> None:
        self.phase1.store(config.phase1)
        self.phase2.store(config.phase2)
        config.phases = [p for p, box in ((1, self.phase1), (2, self.phase2)) if box.enabled.isChecked()]
        config.loss.cls_loss_coef = self.cls_loss.value()
        if config.phases == [2]:
            start = self.phase2_start.text().strip()
            if not start or not Path(start).expanduser().is_file():
                raise ConfigError("Phase 2 alone starts from a weights file (there is no phase 1 in this run): "
                                  "choose one, e.g. an earlier run's phase1/checkpoint_best_total.pth, or train "
                                  "phase 1 too.")
            config.phase2.init_from = start
        else:
            config.phase2.init_from = "previous"
        problems = [p for p in config.problems() if p.startswith(("phase", "loss"))]
        if problems:
            raise ConfigError("The schedule cannot be used:\n" + "\n".join(f"  - {p}" for p in problems))

    def isComplete(self) -> bool:  # noqa: N802
        if self.phase1.enabled.isChecked():
            return True
        return self.phase2.enabled.isChecked() and bool(self.phase2_start.text().strip())


# ================================================================================ 6 review
class ReviewPage(ConfigPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Review and start")
        self.setSubTitle("The whole configuration. Save as YAML… keeps it to run again later (from this wizard "
                         "or on a server without a screen).")
        self.name = QLineEdit()
        self.out_dir = QLineEdit()
        choose = QPushButton("Choose…")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.problems = note("")
        save = QPushButton("Save as YAML…")
        form = QFormLayout()
        form.addRow("Run name", self.name)
        row = QHBoxLayout()
        row.addWidget(self.out_dir, 1)
        row.addWidget(choose)
        form.addRow("Run folder", row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.problems)
        layout.addWidget(save, 0, Qt.AlignmentFlag.AlignLeft)
        self.time_estimate = TimeEstimate()
        layout.addWidget(self.time_estimate)
        save.clicked.connect(self._save)
        choose.clicked.connect(self._choose)
        self.name.textEdited.connect(self._name_changed)
        self.setButtonText(QWizard.WizardButton.NextButton, "Start training")

    def initializePage(self) -> None:  # noqa: N802
        wizard = self.wizard()
        self.name.setText(self.config.name)
        if not self.out_dir.text():
            self.out_dir.setText(str(wizard.default_run_dir(self.config.name)))
        self.refresh()
        self.time_estimate.show_for(self.config, wizard.dataset_dir, wizard.jobs)
        if self.time_estimate.estimate is None:
            self.time_estimate.start()  # measured before the run starts; Start training stops it

    def cleanupPage(self) -> None:  # noqa: N802 - Back: the settings may change, so stop measuring these
        self.time_estimate.cancel()
        super().cleanupPage()

    def _name_changed(self, text: str) -> None:
        self.config.name = text.strip() or "training"
        self.out_dir.setText(str(self.wizard().default_run_dir(self.config.name)))
        self.refresh()

    def refresh(self) -> None:
        self.text.setPlainText(dump_config(self.config))
        problems = self.config.problems()
        self.problems.setText("".join(f"<div style='color:{ERROR_COLOUR}'>• {p}</div>" for p in problems))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return not self.config.problems() and bool(self.out_dir.text().strip())

    def store(self, config: TrainingConfig) -> None:
        config.name = self.name.text().strip() or "training"
        config.validate()
        self.time_estimate.cancel()  # the run itself starts now; the measurement would only slow it down
        out = Path(self.out_dir.text().strip()).expanduser()
        if out.exists() and any(out.iterdir()):
            raise ConfigError(f"The run folder {out} is not empty. Choose a new folder (each run gets its own).")
        self.wizard().run_dir = out

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the configuration", f"{self.config.name}.yaml",
                                              "YAML (*.yaml *.yml)")
        if path:
            self.save_yaml(Path(path))

    def save_yaml(self, path: Path) -> Path:
        return save_config(self.config, path)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Parent folder of the run", str(Path.home()))
        if folder:
            self.out_dir.setText(str(Path(folder) / runs.safe_run_name(self.config.name)))


# =================================================================================== 7 run
class RunPage(QWizardPage):
    """Starts the run when shown, then follows it (curves, log, Cancel, Resume)."""

    def __init__(self) -> None:
        super().__init__()
        from soccer_desktop.gui.wizard.run_monitor import RunMonitor

        self.setTitle("Training")
        self.monitor = RunMonitor()
        layout = QVBoxLayout(self)
        layout.addWidget(self.monitor)
        self.monitor.sig_finished.connect(lambda *_: self.completeChanged.emit())
        self.setFinalPage(True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Close")

    def wizard(self) -> TrainingWizard:  # type: ignore[override]
        return super().wizard()  # type: ignore[return-value]

    def initializePage(self) -> None:  # noqa: N802
        wizard = self.wizard()
        self.monitor.sig_message.connect(wizard.show_error)
        wizard.start_run(self.monitor)

    def isComplete(self) -> bool:  # noqa: N802
        return True
