"""The training wizard's hardware page: devices, batch and precision; on a computer without a GPU, the CPU
smoke configuration offered by name."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout

from soccer_desktop.gui.wizard.pages import ConfigPage
from soccer_desktop.gui.wizard.widgets import WARNING_COLOUR, int_spin, note
from soccer_desktop.train.config import MODEL_SIZES, ConfigError, TrainingConfig, cpu_smoke_config

#: What the CPU smoke configuration is for, in the words the page uses.
SMOKE_PURPOSE = "checks that training works here; the model it makes is not useful"


class HardwarePage(ConfigPage):
    sig_detected = Signal(object)
    """The detected Hardware."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Hardware")
        self.setSubTitle("Where training runs and how much it takes at once. Several GPUs train with Lightning's "
                         "DDP; on a SLURM cluster run the same configuration with `soccer-desktop train` under srun.")
        self.hardware: Any = None
        self.detected = QLabel("Looking for GPUs…")
        self.detected.setWordWrap(True)
        self.accelerator = QComboBox()
        for label, value in (("Automatic (GPU when there is one)", "auto"), ("GPU", "gpu"), ("CPU", "cpu")):
            self.accelerator.addItem(label, value)
        self.devices = int_spin(1, 1, 64)
        self.strategy = QComboBox()
        self.strategy.addItem("Automatic (DDP with several devices)", "auto")
        self.strategy.addItem("DDP", "ddp")
        self.batch = int_spin(4, 1, 512)
        self.accumulate = int_spin(4, 1, 256)
        self.precision = QComboBox()
        for label, value in (("Mixed, automatic (bf16 or fp16)", "auto"), ("bf16 mixed", "bf16"),
                             ("fp16 mixed", "fp16"), ("fp32 (full)", "fp32")):
            self.precision.addItem(label, value)
        self.workers = int_spin(2, 0, 64)
        self.advice = note("")
        self.apply_advice = QPushButton("Use this advice")
        self.cpu_warning = note("", WARNING_COLOUR)
        self.smoke_button = QPushButton("Use the CPU smoke configuration")
        self.smoke_button.setToolTip(f"Nano at 320 px, random weights, two steps per epoch: {SMOKE_PURPOSE}.")
        self.smoke_note = note(f"<b>CPU smoke configuration</b>: {SMOKE_PURPOSE}. It replaces the settings of "
                               "every page (model, augmentation, schedule, hardware); Back shows them.")
        smoke = QVBoxLayout()
        smoke.addWidget(self.smoke_note)
        smoke.addWidget(self.smoke_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.smoke_box = QGroupBox("No GPU here")
        self.smoke_box.setLayout(smoke)
        self.smoke_box.setVisible(False)
        form = QFormLayout()
        form.addRow("Device", self.accelerator)
        form.addRow("GPUs", self.devices)
        form.addRow("Multi-GPU strategy", self.strategy)
        form.addRow("Batch size (per GPU)", self.batch)
        form.addRow("Gradient accumulation", self.accumulate)
        form.addRow("Precision", self.precision)
        form.addRow("Data loader workers", self.workers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.detected)
        layout.addLayout(form)
        layout.addWidget(self.advice)
        layout.addWidget(self.apply_advice, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.cpu_warning)
        layout.addWidget(self.smoke_box)
        layout.addStretch(1)
        self.accelerator.currentIndexChanged.connect(lambda *_: self._refresh())
        self.apply_advice.clicked.connect(self._apply_advice)
        self.smoke_button.clicked.connect(self.use_cpu_smoke_configuration)
        self._advice: Any = None
        self._job: Any = None

    def load(self, config: TrainingConfig) -> None:
        h = config.hardware
        self.accelerator.setCurrentIndex(max(0, self.accelerator.findData(h.accelerator)))
        self.devices.setValue(h.devices)
        self.strategy.setCurrentIndex(max(0, self.strategy.findData(h.strategy)))
        self.batch.setValue(h.batch_size)
        self.accumulate.setValue(h.grad_accum_steps)
        self.precision.setCurrentIndex(max(0, self.precision.findData(h.precision)))
        self.workers.setValue(h.num_workers)
        if self.hardware is None and (self._job is None or not self._job.is_running()):
            from soccer_desktop.train.hardware import detect_hardware

            self._job = self.wizard().jobs.start("Looking for GPUs", lambda progress, cancel: detect_hardware(),
                                                 owner=self.wizard(), background=True)
            self._job.sig_finished.connect(self._detected)
        self._refresh()

    def store(self, config: TrainingConfig) -> None:
        h = config.hardware
        h.accelerator = self.accelerator.currentData()
        h.devices = self.devices.value()
        h.strategy = self.strategy.currentData()
        h.batch_size = self.batch.value()
        h.grad_accum_steps = self.accumulate.value()
        h.precision = self.precision.currentData()
        h.num_workers = self.workers.value()
        problems = [p for p in config.problems() if p.startswith("hardware")]
        if problems:
            raise ConfigError("The hardware settings cannot be used:\n" + "\n".join(f"  - {p}" for p in problems))

    def _detected(self, hardware: Any) -> None:
        self.hardware = hardware
        self.detected.setText(hardware.describe())
        self.devices.setMaximum(max(1, len(hardware.gpus)))
        self._refresh()
        self.sig_detected.emit(hardware)

    def _refresh(self) -> None:
        from soccer_desktop.train.hardware import advise

        gpus = self.hardware.gpus if self.hardware is not None else []
        cpu = self.accelerator.currentData() == "cpu" or (self.hardware is not None and not gpus)
        free = None if cpu or not gpus else min(g.free_mb for g in gpus)
        model = self.wizard().config.model if self.wizard() is not None else None
        if model is not None and model.size in MODEL_SIZES:
            self._advice = advise(model.size, model.effective_resolution, free)
            self.advice.setText(f"Advice: batch {self._advice.batch_size}, accumulation "
                                f"{self._advice.grad_accum_steps}, precision {self._advice.precision}. "
                                f"{self._advice.text}")
        no_gpu = self.hardware is not None and not gpus
        if no_gpu:
            warning = ("⚠ No GPU was found on this computer, so training runs on the CPU: a real run would take "
                       "days. Train on a computer with an NVIDIA GPU for a useful model.")
        elif cpu:
            warning = ("⚠ Training on the CPU: allowed, but only sensible for a quick check with a tiny "
                       "configuration (a real run would take days).")
        else:
            warning = ""
        self.cpu_warning.setText(warning)
        self.smoke_box.setVisible(cpu)
        self.smoke_box.setTitle("No GPU here" if no_gpu else "Training on the CPU")
        self.devices.setEnabled(not cpu)

    def use_cpu_smoke_configuration(self) -> None:
        """Replace the wizard's whole configuration with the CPU smoke one (its run name too)."""
        wizard = self.wizard()
        wizard.config = cpu_smoke_config()
        # Earlier pages keep their widgets when the user goes Back (Qt does not initialise them again), and
        # write them back on Next: show them the new configuration now.
        for page in (wizard.model_page, wizard.augment_page, wizard.schedule_page, self):
            page.load(wizard.config)
        self.smoke_note.setText(f"<b>Using the CPU smoke configuration</b>: {SMOKE_PURPOSE}.")

    def _apply_advice(self) -> None:
        if self._advice is not None:
            self.batch.setValue(self._advice.batch_size)
            self.accumulate.setValue(self._advice.grad_accum_steps)
            self.precision.setCurrentIndex(max(0, self.precision.findData(self._advice.precision)))
