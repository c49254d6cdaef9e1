"""Dialogs that set up the frame-extraction and pseudo-label jobs.

Each dialog only gathers settings into the core's plain dataclasses; the main
window runs the job. Imported when a dialog is first opened (it pulls in cv2).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop import paths
from soccer_desktop.detect.choice import DETECTORS, DetectorChoice
from soccer_desktop.detect.motion import MOTION_LIMITS
from soccer_desktop.detect.pseudo_label import FrameScope
from soccer_desktop.detect.rfdetr_backend import DEFAULT_CONFIDENCE, MODEL_SIZES
from soccer_desktop.detect.sahi_slicing import SahiSettings
from soccer_desktop.gui.form_widgets import dialog_buttons
from soccer_desktop.project.store import Video
from soccer_desktop.video.extract import DEFAULT_MIN_CHANGE, DEFAULT_QUALITY, ExtractionStrategy


def _video_box(videos: list[Video]) -> QComboBox:
    box = QComboBox()
    box.addItem("All videos", None)
    for video in videos:
        box.addItem(Path(video.path).name, video.id)
    return box


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


def _double(low: float, high: float, value: float, step: float, decimals: int = 2) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setSingleStep(step)
    spin.setValue(value)
    return spin


def _row(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return holder


class ExtractDialog(QDialog):
    """Which frames to extract: strategies combine (every Nth, around events, a target count, a range)."""

    def __init__(self, videos: list[Video], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Extract frames")
        self.video_box = _video_box(videos)
        self.every_check = QCheckBox("Every")
        self.every_check.setChecked(True)
        self.every_spin = _spin(1, 100_000, 25, " th frame")
        self.events_check = QCheckBox("Around events ±")
        self.events_spin = _double(0.0, 600.0, 2.0, 0.5, 1)
        self.events_spin.setSuffix(" s")
        self.labels_edit = QLineEdit()
        self.labels_edit.setPlaceholderText("all labels (or e.g. SHOT, PASS)")
        self.target_check = QCheckBox("Target count")
        self.target_spin = _spin(1, 1_000_000, 200, " frames")
        self.range_check = QCheckBox("Only frames")
        self.range_start = _spin(0, 10_000_000, 0)
        self.range_stop = _spin(1, 10_000_000, 1500)
        self.quality_spin = _spin(50, 100, DEFAULT_QUALITY)
        self.change_spin = _double(0.0, 0.5, DEFAULT_MIN_CHANGE, 0.001, 4)
        self.change_spin.setToolTip("Frames whose thumbnail changed less than this share of pixels since the "
                                    "last kept frame are skipped as near-duplicates (0 keeps all).")

        form = QFormLayout()
        form.addRow("Videos", self.video_box)
        form.addRow(self.every_check, self.every_spin)
        form.addRow(self.events_check, _row(self.events_spin, self.labels_edit))
        form.addRow(self.target_check, self.target_spin)
        form.addRow(self.range_check, _row(self.range_start, QLabel("to"), self.range_stop))
        form.addRow("JPEG quality", self.quality_spin)
        form.addRow("Skip near-duplicates below", self.change_spin)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("A second run only adds frames that are missing."))
        layout.addWidget(dialog_buttons(self, "Extract"))
        self._videos = {video.id: video for video in videos}
        self.video_box.currentIndexChanged.connect(lambda _index: self._fit_limits_to_video())
        self._fit_limits_to_video()

    def _fit_limits_to_video(self) -> None:
        """Frame numbers and counts go up to the chosen video's length (the longest, for all videos)."""
        chosen = self.video_box.currentData()
        videos = [self._videos[chosen]] if chosen is not None else list(self._videos.values())
        if not videos:
            return
        frames = max(video.frame_count for video in videos)
        seconds = max(video.duration_s for video in videos)
        self.every_spin.setMaximum(max(1, frames))
        self.target_spin.setMaximum(max(1, frames))
        self.events_spin.setMaximum(max(1.0, seconds))
        self.range_start.setMaximum(max(0, frames - 1))
        self.range_stop.setMaximum(max(1, frames))
        self.range_stop.setValue(max(1, frames))

    def strategy(self) -> ExtractionStrategy:
        labels = tuple(label.strip() for label in self.labels_edit.text().split(",") if label.strip())
        return ExtractionStrategy(
            every_n=self.every_spin.value() if self.every_check.isChecked() else None,
            around_events_s=self.events_spin.value() if self.events_check.isChecked() else None,
            event_labels=labels or None,
            target_count=self.target_spin.value() if self.target_check.isChecked() else None,
            frame_range=(self.range_start.value(), self.range_stop.value()) if self.range_check.isChecked() else None,
            min_change=self.change_spin.value(),
        )

    def video_ids(self) -> list[int] | None:
        chosen = self.video_box.currentData()
        return None if chosen is None else [chosen]

    def quality(self) -> int:
        return self.quality_spin.value()


class PseudoLabelDialog(QDialog):
    """Which detector runs over which frames."""

    def __init__(self, videos: list[Video], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pseudo-label frames")
        self.detector_box = QComboBox()
        self.detector_box.addItem("Motion proposals (fixed camera, no model needed)", "motion")
        self.detector_box.addItem("RF-DETR", "rfdetr")
        self.limits = QLabel(MOTION_LIMITS)
        self.limits.setWordWrap(True)
        self.model_box = QComboBox()
        self.model_box.addItems(MODEL_SIZES)
        self.weights_edit = QLineEdit()
        self.weights_edit.setPlaceholderText(f"default: the models folder ({paths.models_dir()}) or download")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.sahi_check = QCheckBox("Sliced inference (SAHI): keeps small balls at full size")
        self.sahi_check.setChecked(True)
        defaults = SahiSettings()
        self.slice_spin = _spin(0, 4096, 0, " px")
        self.slice_spin.setSpecialValueText("model resolution")
        self.overlap_spin = _double(0.0, 0.9, defaults.overlap, 0.05)
        self.full_frame_check = QCheckBox("Add a whole-frame pass")
        self.confidence_spin = _double(0.01, 0.99, DEFAULT_CONFIDENCE, 0.05)
        self.video_box = _video_box(videos)
        self.unlabelled_check = QCheckBox("Only frames without any box")

        form = QFormLayout()
        form.addRow("Detector", self.detector_box)
        form.addRow(self.limits)
        form.addRow("Model size", self.model_box)
        form.addRow("Weights file", _row(self.weights_edit, browse))
        form.addRow(self.sahi_check)
        form.addRow("Slice size", self.slice_spin)
        form.addRow("Slice overlap", self.overlap_spin)
        form.addRow(self.full_frame_check)
        form.addRow("Confidence threshold", self.confidence_spin)
        form.addRow("Videos", self.video_box)
        form.addRow(self.unlabelled_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Reviewed frames and manual boxes are never changed; a cancelled run resumes."))
        layout.addWidget(dialog_buttons(self, "Pseudo-label"))
        self._rfdetr_widgets = (self.model_box, self.weights_edit, browse, self.sahi_check, self.slice_spin,
                                self.overlap_spin, self.full_frame_check, self.confidence_spin)
        self.detector_box.currentIndexChanged.connect(self._sync)
        self.sahi_check.toggled.connect(self._sync)
        self._sync()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "RF-DETR weights", str(paths.models_dir()),
                                              "Weights (*.pth *.ckpt);;All files (*)")
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
        sahi = SahiSettings(
            slice_size=self.slice_spin.value() or None,
            overlap=self.overlap_spin.value(),
            full_frame_pass=self.full_frame_check.isChecked(),
        ) if self.sahi_check.isChecked() else None
        weights = self.weights_edit.text().strip()
        return DetectorChoice(detector, self.model_box.currentText(), Path(weights) if weights else None,
                              self.confidence_spin.value(), sahi=sahi)

    def scope(self) -> FrameScope:
        return FrameScope(unlabelled_only=self.unlabelled_check.isChecked(), video_id=self.video_box.currentData())
