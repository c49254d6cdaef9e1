"""The training wizard's augmentation page: the albumentations transforms, our small-object augmentations, and
a preview of augmented samples drawn in the background (a job off the GUI thread).
"""

from __future__ import annotations

from typing import Any

import yaml
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from soccer_desktop.core.errors import UserError, gui_message
from soccer_desktop.gui.wizard.pages import ConfigPage
from soccer_desktop.gui.wizard.widgets import ERROR_COLOUR, float_spin, int_spin, note, pixmap_from_rgb
from soccer_desktop.train.config import ConfigError, TrainingConfig, TransformSpec


# ========================================================================== 3 augmentation
class AugmentPage(ConfigPage):
    sig_preview_ready = Signal(int)
    """The preview grid now shows this many samples."""

    COLUMNS = 3
    COUNT = 6

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Augmentation")
        self.setSubTitle("Transforms applied to training frames. Arguments are albumentations 2.x arguments "
                         "(YAML: {p: 0.5, blur_limit: [3, 7]}); a misspelt name or argument is an error.")
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Transform", "Arguments"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(150)
        add = QPushButton("Add transform")
        remove = QPushButton("Remove")
        # Our own small-object augmentations.
        self.mosaic = QCheckBox("Mosaic")
        self.mosaic_p = float_spin(0.5, 0, 1)
        self.mosaic_low = float_spin(0.4, 0.05, 2)
        self.mosaic_high = float_spin(1.0, 0.05, 2)
        self.mixup = QCheckBox("Mixup")
        self.mixup_p = float_spin(0.3, 0, 1)
        self.mixup_alpha = float_spin(0.2, 0.01, 100, 0.1, 2)
        self.paste = QCheckBox("Ball copy-paste")
        self.paste_p = float_spin(0.5, 0, 1)
        self.paste_max = int_spin(3, 1, 20)
        self.oversample = QCheckBox("Ball-frame oversampling")
        self.oversample_weight = float_spin(3.0, 1, 50, 0.5, 1)
        self.scale_jitter = QCheckBox("rfdetr scale jitter (random resize and crop)")
        self.multi_scale = QCheckBox("rfdetr multi-scale training")
        grid = QGridLayout()
        grid.addWidget(self.mosaic, 0, 0)
        grid.addWidget(QLabel("p"), 0, 1)
        grid.addWidget(self.mosaic_p, 0, 2)
        grid.addWidget(QLabel("scale"), 0, 3)
        grid.addWidget(self.mosaic_low, 0, 4)
        grid.addWidget(self.mosaic_high, 0, 5)
        grid.addWidget(self.mixup, 1, 0)
        grid.addWidget(QLabel("p"), 1, 1)
        grid.addWidget(self.mixup_p, 1, 2)
        grid.addWidget(QLabel("alpha"), 1, 3)
        grid.addWidget(self.mixup_alpha, 1, 4)
        grid.addWidget(self.paste, 2, 0)
        grid.addWidget(QLabel("p"), 2, 1)
        grid.addWidget(self.paste_p, 2, 2)
        grid.addWidget(QLabel("up to"), 2, 3)
        grid.addWidget(self.paste_max, 2, 4)
        grid.addWidget(self.oversample, 3, 0)
        grid.addWidget(QLabel("weight"), 3, 1)
        grid.addWidget(self.oversample_weight, 3, 2)
        grid.addWidget(self.scale_jitter, 4, 0, 1, 3)
        grid.addWidget(self.multi_scale, 4, 3, 1, 3)
        ours = QGroupBox("Small-object augmentations (boxes clipped, tiny remnants dropped)")
        ours.setLayout(grid)
        self.preview_button = QPushButton("Regenerate preview")
        self.preview_status = note("")
        self.preview_grid = QGridLayout()
        self.thumbnails: list[QLabel] = []
        for index in range(self.COUNT):
            label = QLabel()
            label.setFixedSize(190, 190)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("background: #222;")
            self.preview_grid.addWidget(label, index // self.COLUMNS, index % self.COLUMNS)
            self.thumbnails.append(label)
        preview = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.preview_button)
        row.addWidget(self.preview_status, 1)
        preview.addLayout(row)
        preview.addLayout(self.preview_grid)
        preview_box = QGroupBox("Preview (players yellow, balls red; at the model's input size)")
        preview_box.setLayout(preview)
        left = QVBoxLayout()
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        left.addWidget(self.table, 1)
        left.addLayout(buttons)
        left.addWidget(ours)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(preview_box, 2)
        add.clicked.connect(lambda: self._add_row(TransformSpec("", True, {"p": 0.5})))
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        self.preview_button.clicked.connect(self.regenerate_preview)
        self.preview_count = 0
        self._preview_job: Any = None

    def _add_row(self, spec: TransformSpec) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(spec.name)
        name.setFlags(name.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        name.setCheckState(Qt.CheckState.Checked if spec.enabled else Qt.CheckState.Unchecked)
        self.table.setItem(row, 0, name)
        text = yaml.safe_dump(spec.params, default_flow_style=True, width=1000, sort_keys=False).strip()
        self.table.setItem(row, 1, QTableWidgetItem(text))

    def load(self, config: TrainingConfig) -> None:
        a = config.augment
        self.table.setRowCount(0)
        for spec in a.albumentations:
            self._add_row(spec)
        for box, value in ((self.mosaic, a.mosaic.enabled), (self.mixup, a.mixup.enabled),
                           (self.paste, a.ball_copy_paste.enabled), (self.oversample, a.ball_oversampling.enabled),
                           (self.scale_jitter, a.scale_jitter), (self.multi_scale, a.multi_scale)):
            box.setChecked(value)
        self.mosaic_p.setValue(a.mosaic.p)
        self.mosaic_low.setValue(a.mosaic.scale[0])
        self.mosaic_high.setValue(a.mosaic.scale[1])
        self.mixup_p.setValue(a.mixup.p)
        self.mixup_alpha.setValue(a.mixup.alpha)
        self.paste_p.setValue(a.ball_copy_paste.p)
        self.paste_max.setValue(a.ball_copy_paste.max_copies)
        self.oversample_weight.setValue(a.ball_oversampling.weight)
        if self.preview_count == 0 and self.wizard().dataset_dir is not None:
            self.regenerate_preview()

    def transform_specs(self) -> list[TransformSpec]:
        specs = []
        for row in range(self.table.rowCount()):
            name_item, params_item = self.table.item(row, 0), self.table.item(row, 1)
            name = name_item.text().strip() if name_item else ""
            text = params_item.text().strip() if params_item else ""
            try:
                params = yaml.safe_load(text) if text else {}
            except yaml.YAMLError:
                raise ConfigError(f"The arguments of {name or 'row ' + str(row + 1)} are not valid YAML: {text!r}. "
                                  "Write them like {p: 0.5, blur_limit: [3, 7]}.") from None
            if params is None:
                params = {}
            if not isinstance(params, dict):
                raise ConfigError(f"The arguments of {name} must be a mapping like {{p: 0.5}}, not {text!r}.")
            if not name:
                raise ConfigError(f"Row {row + 1} of the transforms has no name; type an albumentations class name "
                                  "(e.g. RandomBrightnessContrast) or remove the row.")
            specs.append(TransformSpec(name, name_item.checkState() == Qt.CheckState.Checked, params))
        return specs

    def store(self, config: TrainingConfig) -> None:
        a = config.augment
        a.albumentations = self.transform_specs()
        a.mosaic.enabled, a.mosaic.p = self.mosaic.isChecked(), self.mosaic_p.value()
        a.mosaic.scale = (self.mosaic_low.value(), self.mosaic_high.value())
        a.mixup.enabled, a.mixup.p, a.mixup.alpha = self.mixup.isChecked(), self.mixup_p.value(), self.mixup_alpha.value()
        a.ball_copy_paste.enabled, a.ball_copy_paste.p = self.paste.isChecked(), self.paste_p.value()
        a.ball_copy_paste.max_copies = self.paste_max.value()
        a.ball_oversampling.enabled, a.ball_oversampling.weight = self.oversample.isChecked(), self.oversample_weight.value()
        a.scale_jitter, a.multi_scale = self.scale_jitter.isChecked(), self.multi_scale.isChecked()
        problems = [p for p in config.problems() if p.startswith("augment")]
        if problems:
            raise ConfigError("The augmentation settings cannot be used:\n" + "\n".join(f"  - {p}" for p in problems))

    def regenerate_preview(self) -> None:
        """Draw new augmented samples from the dataset (in the background)."""
        dataset = self.wizard().dataset_dir
        if dataset is None or (self._preview_job is not None and self._preview_job.is_running()):
            return
        try:
            config = self.config.copy()
            self.store(config)
        except UserError as error:
            self.preview_status.setText(f"<span style='color:{ERROR_COLOUR}'>{gui_message(error)}</span>")
            return
        settings, resolution = config.augment, config.model.effective_resolution

        def work(progress, cancel):  # noqa: ANN001, ANN202
            from soccer_desktop.train.preview import preview_samples

            return preview_samples(dataset, settings, resolution, self.COUNT, progress=progress, cancel=cancel)

        self.preview_button.setEnabled(False)
        self.preview_status.setText("Drawing samples… (the first time loads albumentations)")
        job = self.wizard().jobs.start("Augmentation preview", work, owner=self.wizard(), background=True)
        self._preview_job = job
        job.sig_finished.connect(self._show_preview)
        job.sig_failed.connect(self._preview_failed)
        job.sig_done.connect(self._preview_done)

    def _preview_failed(self, text: str) -> None:
        self.preview_status.setText(f"<span style='color:{ERROR_COLOUR}'>{text}</span>")

    def _preview_done(self) -> None:
        self.preview_button.setEnabled(True)

    def _show_preview(self, pictures: list) -> None:
        for label, picture in zip(self.thumbnails, pictures):
            pixmap = pixmap_from_rgb(picture)
            label.setPixmap(pixmap.scaled(label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
        self.preview_count = len(pictures)
        self.preview_status.setText(f"{len(pictures)} samples as training draws them.")
        self.sig_preview_ready.emit(len(pictures))
