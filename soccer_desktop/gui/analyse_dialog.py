"""The analyse dialog: which detector runs over which frames of a video, then how tracking goes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from soccer_desktop.gui.detector_dialog import DetectorDialog
from soccer_desktop.gui.form_widgets import dialog_buttons, row, spin
from soccer_desktop.project.store import Video

if TYPE_CHECKING:
    from soccer_desktop.analysis.match_tracks import TrackingSettings


class AnalyseDialog(DetectorDialog):
    """Which detector runs over which frames of the video shown."""

    def __init__(self, video: Video, parent: QWidget | None = None) -> None:
        from soccer_desktop.gui.tracking_dialogs import TrackingSettingsForm

        super().__init__(parent)
        self.setWindowTitle(f"Analyse {Path(video.path).name}")
        form = QFormLayout()
        self._add_detector_rows(form, "Sliced inference (SAHI, batched): keeps small balls at full size")
        self.batch_spin = spin(0, 256, 0)
        self.batch_spin.setSpecialValueText("automatic")
        self._rfdetr_widgets.append(self.batch_spin)
        self.whole_check = QCheckBox("Whole video")
        self.whole_check.setChecked(True)
        last = max(0, video.frame_count - 1)
        self.first_spin = spin(0, last, 0)
        self.last_spin = spin(0, last, last)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("default: detector, weights and time")
        form.addRow("Images per model call", self.batch_spin)
        form.addRow("Frames", row(self.whole_check, QLabel("from"), self.first_spin, QLabel("to"), self.last_spin))
        form.addRow("Name", self.name_edit)
        self.track_group = QGroupBox("Then track players, the ball and the teams")
        self.track_group.setCheckable(True)
        self.tracking_form = TrackingSettingsForm()
        QVBoxLayout(self.track_group).addWidget(self.tracking_form)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.track_group)
        layout.addWidget(QLabel("A cancelled analysis continues where it stopped when started again with the "
                                "same settings."))  # fmt: skip
        layout.addWidget(dialog_buttons(self, "Analyse"))
        self.whole_check.toggled.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        super()._sync()
        for box in (self.first_spin, self.last_spin):
            box.setEnabled(not self.whole_check.isChecked())

    def frame_range(self) -> tuple[int, int] | None:
        if self.whole_check.isChecked():
            return None
        first, last = self.first_spin.value(), self.last_spin.value()
        return (min(first, last), max(first, last))

    def batch(self) -> int | None:
        return self.batch_spin.value() or None

    def name(self) -> str | None:
        return self.name_edit.text().strip() or None

    def tracking(self) -> TrackingSettings | None:
        """Tracking to run once the detections are stored (None: detections only)."""
        return self.tracking_form.settings() if self.track_group.isChecked() else None
