"""The detector settings shared by every dialog that runs a detector (pseudo-labels, match analysis)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from soccer_desktop import paths
from soccer_desktop.detect.choice import DETECTORS, DetectorChoice
from soccer_desktop.detect.motion import MOTION_LIMITS
from soccer_desktop.detect.rfdetr_backend import DEFAULT_CONFIDENCE, MODEL_SIZES
from soccer_desktop.detect.sahi_slicing import SahiSettings
from soccer_desktop.gui.form_widgets import double_spin, row, spin


class DetectorDialog(QDialog):
    """A dialog whose form starts with the detector rows: motion proposals, or RF-DETR with SAHI slicing."""

    def _add_detector_rows(self, form: QFormLayout, sahi_text: str) -> None:
        """Add the rows to ``form``; RF-DETR-only widgets the subclass adds go to ``_rfdetr_widgets``."""
        self.detector_box = QComboBox()
        self.detector_box.addItem("Motion proposals (fixed camera, no model needed)", "motion")
        self.detector_box.addItem("RF-DETR", "rfdetr")
        self.limits = QLabel(MOTION_LIMITS)
        self.limits.setWordWrap(True)
        self.model_box = QComboBox()
        self.model_box.addItems(MODEL_SIZES)
        self.weights_edit = QLineEdit()
        self.weights_edit.setPlaceholderText(f"default: the models folder ({paths.models_dir()}) or download")
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._browse)
        self.sahi_check = QCheckBox(sahi_text)
        self.sahi_check.setChecked(True)
        self.slice_spin = spin(0, 4096, 0, " px")
        self.slice_spin.setSpecialValueText("model resolution")
        self.overlap_spin = double_spin(0.0, 0.9, SahiSettings().overlap, 0.05)
        self.full_frame_check = QCheckBox("Add a whole-frame pass")
        self.confidence_spin = double_spin(0.01, 0.99, DEFAULT_CONFIDENCE, 0.05)
        form.addRow("Detector", self.detector_box)
        form.addRow(self.limits)
        form.addRow("Model size", self.model_box)
        form.addRow("Weights file", row(self.weights_edit, self.browse))
        form.addRow(self.sahi_check)
        form.addRow("Slice size", self.slice_spin)
        form.addRow("Slice overlap", self.overlap_spin)
        form.addRow(self.full_frame_check)
        form.addRow("Confidence threshold", self.confidence_spin)
        self._rfdetr_widgets: list[QWidget] = [self.model_box, self.weights_edit, self.browse, self.sahi_check,
                                               self.confidence_spin]
        self.detector_box.currentIndexChanged.connect(self._sync)
        self.sahi_check.toggled.connect(self._sync)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "RF-DETR weights", str(paths.models_dir()),
                                              "Weights (*.pth *.ckpt);;All files (*)")  # fmt: skip
        if path:
            self.weights_edit.setText(path)

    def _sync(self) -> None:
        rfdetr = self.detector_box.currentData() == "rfdetr"
        self.limits.setVisible(not rfdetr)
        for widget in self._rfdetr_widgets:
            widget.setEnabled(rfdetr)
        for widget in (self.slice_spin, self.overlap_spin, self.full_frame_check):
            widget.setEnabled(rfdetr and self.sahi_check.isChecked())

    def choice(self) -> DetectorChoice:
        detector = self.detector_box.currentData()
        assert detector in DETECTORS
        if detector == "motion":
            return DetectorChoice("motion")
        sahi = SahiSettings(
            slice_size=self.slice_spin.value() or None,
            overlap=self.overlap_spin.value(),
            full_frame_pass=self.full_frame_check.isChecked(),
        ) if self.sahi_check.isChecked() else None
        weights = self.weights_edit.text().strip()
        return DetectorChoice(detector, self.model_box.currentText(), Path(weights) if weights else None,
                              self.confidence_spin.value(), sahi=sahi)  # fmt: skip
