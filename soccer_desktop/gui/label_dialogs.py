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
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.detect.pseudo_label import FrameScope
from soccer_desktop.gui.detector_dialog import DetectorDialog
from soccer_desktop.gui.form_widgets import dialog_buttons, double_spin, row, spin
from soccer_desktop.project.store import Video
from soccer_desktop.video.extract import DEFAULT_MIN_CHANGE, DEFAULT_QUALITY, ExtractionStrategy


def _video_box(videos: list[Video]) -> QComboBox:
    box = QComboBox()
    box.addItem("All videos", None)
    for video in videos:
        box.addItem(Path(video.path).name, video.id)
    return box


class ExtractDialog(QDialog):
    """Which frames to extract: strategies combine (every Nth, around events, a target count, a range)."""

    def __init__(self, videos: list[Video], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Extract frames")
        self.video_box = _video_box(videos)
        self.every_check = QCheckBox("Every")
        self.every_check.setChecked(True)
        self.every_spin = spin(1, 100_000, 25, " th frame")
        self.events_check = QCheckBox("Around events ±")
        self.events_spin = double_spin(0.0, 600.0, 2.0, 0.5, 1)
        self.events_spin.setSuffix(" s")
        self.labels_edit = QLineEdit()
        self.labels_edit.setPlaceholderText("all labels (or e.g. SHOT, PASS)")
        self.target_check = QCheckBox("Target count")
        self.target_spin = spin(1, 1_000_000, 200, " frames")
        self.range_check = QCheckBox("Only frames")
        self.range_start = spin(0, 10_000_000, 0)
        self.range_stop = spin(1, 10_000_000, 1500)
        self.quality_spin = spin(50, 100, DEFAULT_QUALITY)
        self.change_spin = double_spin(0.0, 0.5, DEFAULT_MIN_CHANGE, 0.001, 4)
        self.change_spin.setToolTip("Frames whose thumbnail changed less than this share of pixels since the "
                                    "last kept frame are skipped as near-duplicates (0 keeps all).")

        form = QFormLayout()
        form.addRow("Videos", self.video_box)
        form.addRow(self.every_check, self.every_spin)
        form.addRow(self.events_check, row(self.events_spin, self.labels_edit))
        form.addRow(self.target_check, self.target_spin)
        form.addRow(self.range_check, row(self.range_start, QLabel("to"), self.range_stop))
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


class PseudoLabelDialog(DetectorDialog):
    """Which detector runs over which frames."""

    def __init__(self, videos: list[Video], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pseudo-label frames")
        form = QFormLayout()
        self._add_detector_rows(form, "Sliced inference (SAHI): keeps small balls at full size")
        self.video_box = _video_box(videos)
        self.unlabelled_check = QCheckBox("Only frames without any box")
        form.addRow("Videos", self.video_box)
        form.addRow(self.unlabelled_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Reviewed frames and manual boxes are never changed; a cancelled run resumes."))
        layout.addWidget(dialog_buttons(self, "Pseudo-label"))
        self._sync()

    def scope(self) -> FrameScope:
        return FrameScope(unlabelled_only=self.unlabelled_check.isChecked(), video_id=self.video_box.currentData())
