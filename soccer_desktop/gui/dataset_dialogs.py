"""Dialogs for importing labels and exporting a training dataset; the main window runs the jobs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.dataset.export import ExportFormat, new_dataset_dir
from soccer_desktop.gui.form_widgets import dialog_buttons
from soccer_desktop.dataset.label_import import IMPORT_FORMATS, VIDEO_FORMATS
from soccer_desktop.video import VIDEO_SUFFIXES

FORMAT_HELP = {
    "coco": "COCO JSON file or a Roboflow/RF-DETR split folder (a video: for entries with frame_index)",
    "yolo": "YOLO folder with data.yaml, images/ and labels/",
    "soccertrack-csv": "SoccerTrack bounding-box CSV, with its video",
    "mot": "MOT gt.txt (or its sequence folder), with its video",
}


class _PathField(QWidget):
    """A line edit with a Browse… button for a file or a folder."""

    def __init__(self, caption: str, folder: bool, file_filter: str = "All files (*)") -> None:
        super().__init__()
        self.edit = QLineEdit()
        self._caption, self._folder, self._filter = caption, folder, file_filter
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(browse)

    def _browse(self) -> None:
        if self._folder:
            chosen = QFileDialog.getExistingDirectory(self, self._caption)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, self._caption, "", self._filter)
        if chosen:
            self.edit.setText(chosen)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text) if text else None


@dataclass(frozen=True)
class ImportRequest:
    source: Path
    fmt: str
    video: Path | None
    reviewed: bool


class ImportLabelsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import labels")
        self.format_box = QComboBox()
        self.format_box.addItems(IMPORT_FORMATS)
        self.source_file = _PathField("Label file", folder=False)
        self.source_folder = QPushButton("Choose a folder instead…")
        self.source_folder.clicked.connect(self._choose_folder)
        self.video = _PathField("Labelled video", folder=False,
                                file_filter="Videos (" + " ".join(f"*{s}" for s in VIDEO_SUFFIXES) + ")")
        self.reviewed_check = QCheckBox("Mark imported frames as reviewed")
        self.reviewed_check.setChecked(True)
        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("Labels", self.source_file)
        form.addRow("", self.source_folder)
        form.addRow("Video", self.video)
        form.addRow(self.reviewed_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, "Import"))
        self.format_box.currentTextChanged.connect(self._sync)
        self._sync(self.format_box.currentText())

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Label folder")
        if folder:
            self.source_file.edit.setText(folder)

    def _sync(self, fmt: str) -> None:
        self.source_file.edit.setPlaceholderText(FORMAT_HELP[fmt])
        self.video.setEnabled(fmt != "yolo")
        self.video.edit.setPlaceholderText("required" if fmt in VIDEO_FORMATS else "optional")

    def request(self) -> ImportRequest | None:
        source = self.source_file.path()
        if source is None:
            return None
        return ImportRequest(source, self.format_box.currentText(),
                             self.video.path() if self.video.isEnabled() else None, self.reviewed_check.isChecked())


@dataclass(frozen=True)
class ExportRequest:
    out_dir: Path
    fmt: ExportFormat
    valid: float
    test: float
    seed: int
    include_pseudo: float | None


class ExportDatasetDialog(QDialog):
    """Each export goes to a new folder ``<parent>/<name>-<date>-<time>``, never over an earlier dataset."""

    def __init__(self, datasets_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export dataset")
        self.out_dir = _PathField("Folder for datasets", folder=True)
        self.out_dir.edit.setText(str(datasets_dir))
        self.name_edit = QLineEdit("dataset")
        self.name_edit.setToolTip("The dataset is written to a new folder NAME-<date>-<time>, so an earlier "
                                  "export (perhaps one a training run used) is never replaced.")
        self.format_box = QComboBox()
        for fmt, text in ((ExportFormat.COCO, "COCO, RF-DETR layout (train/valid/_annotations.coco.json)"),
                          (ExportFormat.COCO_PLAN, "COCO, images/ + annotations/ layout"),
                          (ExportFormat.YOLO, "YOLO"), (ExportFormat.MOT, "MOT gt.txt per video")):
            self.format_box.addItem(text, fmt)
        self.valid_spin = self._share(0.2)
        self.test_spin = self._share(0.0)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.pseudo_check = QCheckBox("Also unreviewed pseudo-labelled frames scoring at least")
        self.pseudo_spin = self._share(0.5)
        form = QFormLayout()
        form.addRow("Folder", self.out_dir)
        form.addRow("Name", self.name_edit)
        form.addRow("Format", self.format_box)
        form.addRow("Valid share", self.valid_spin)
        form.addRow("Test share", self.test_spin)
        form.addRow("Seed", self.seed_spin)
        form.addRow(self.pseudo_check, self.pseudo_spin)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, "Export"))

    @staticmethod
    def _share(value: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(0.0, 0.95)
        spin.setSingleStep(0.05)
        spin.setValue(value)
        return spin

    def request(self) -> ExportRequest | None:
        parent = self.out_dir.path()
        if parent is None:
            return None
        return ExportRequest(
            new_dataset_dir(parent, self.name_edit.text().strip() or "dataset"), self.format_box.currentData(), self.valid_spin.value(), self.test_spin.value(),
            self.seed_spin.value(), self.pseudo_spin.value() if self.pseudo_check.isChecked() else None,
        )
