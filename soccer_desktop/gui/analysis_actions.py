"""The Analysis menu: analyse the video shown (a background job with frames/s, ETA and Cancel) and export.

``choose_*`` ask with a dialog; ``run_*`` start the core function as a job on
its own database connection, so tests drive the ``run_*`` forms directly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop import paths
from soccer_desktop.gui.form_widgets import dialog_buttons
from soccer_desktop.gui.job_runner import Job
from soccer_desktop.project.store import Project, Video

if TYPE_CHECKING:
    from soccer_desktop.analysis.match_tracks import TrackingSettings
    from soccer_desktop.detect.choice import DetectorChoice
    from soccer_desktop.gui.main_window import MainWindow

EXPORT_FILTERS = {
    "csv": "CSV (*.csv)",
    "json": "JSON (*.json)",
    "mot": "MOT folder (*)",
    "video": "MP4 video (*.mp4)",
}


class AnalyseDialog(QDialog):
    """Which detector runs over which frames of the video shown."""

    def __init__(self, video: Video, parent: QWidget | None = None) -> None:
        from soccer_desktop.detect.motion import MOTION_LIMITS
        from soccer_desktop.detect.rfdetr_backend import DEFAULT_CONFIDENCE, MODEL_SIZES
        from soccer_desktop.gui.label_dialogs import _double, _row, _spin

        super().__init__(parent)
        self.setWindowTitle(f"Analyse {Path(video.path).name}")
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
        self.sahi_check = QCheckBox("Sliced inference (SAHI, batched): keeps small balls at full size")
        self.sahi_check.setChecked(True)
        self.slice_spin = _spin(0, 4096, 0, " px")
        self.slice_spin.setSpecialValueText("model resolution")
        self.confidence_spin = _double(0.01, 0.99, DEFAULT_CONFIDENCE, 0.05)
        self.batch_spin = _spin(0, 256, 0)
        self.batch_spin.setSpecialValueText("automatic")
        self.whole_check = QCheckBox("Whole video")
        self.whole_check.setChecked(True)
        last = max(0, video.frame_count - 1)
        self.first_spin = _spin(0, last, 0)
        self.last_spin = _spin(0, last, last)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("default: detector, weights and time")
        form = QFormLayout()
        form.addRow("Detector", self.detector_box)
        form.addRow(self.limits)
        form.addRow("Model size", self.model_box)
        form.addRow("Weights file", _row(self.weights_edit, self.browse))
        form.addRow(self.sahi_check)
        form.addRow("Slice size", self.slice_spin)
        form.addRow("Confidence threshold", self.confidence_spin)
        form.addRow("Images per model call", self.batch_spin)
        form.addRow("Frames", _row(self.whole_check, QLabel("from"), self.first_spin, QLabel("to"), self.last_spin))
        form.addRow("Name", self.name_edit)
        from soccer_desktop.gui.tracking_dialogs import TrackingSettingsForm

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
        self.detector_box.currentIndexChanged.connect(self._sync)
        self.sahi_check.toggled.connect(self._sync)
        self.whole_check.toggled.connect(self._sync)
        self._sync()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "RF-DETR weights", str(paths.models_dir()),
                                              "Weights (*.pth *.ckpt);;All files (*)")  # fmt: skip
        if path:
            self.weights_edit.setText(path)

    def _sync(self) -> None:
        rfdetr = self.detector_box.currentData() == "rfdetr"
        self.limits.setVisible(not rfdetr)
        for widget in (self.model_box, self.weights_edit, self.browse, self.sahi_check, self.confidence_spin,
                       self.batch_spin):  # fmt: skip
            widget.setEnabled(rfdetr)
        self.slice_spin.setEnabled(rfdetr and self.sahi_check.isChecked())
        for spin in (self.first_spin, self.last_spin):
            spin.setEnabled(not self.whole_check.isChecked())

    def choice(self) -> DetectorChoice:
        from soccer_desktop.detect.choice import DetectorChoice
        from soccer_desktop.detect.sahi_slicing import SahiSettings

        if self.detector_box.currentData() == "motion":
            return DetectorChoice("motion")
        sahi = SahiSettings(slice_size=self.slice_spin.value() or None) if self.sahi_check.isChecked() else None
        weights = self.weights_edit.text().strip()
        return DetectorChoice("rfdetr", self.model_box.currentText(), Path(weights) if weights else None,
                              self.confidence_spin.value(), sahi=sahi)  # fmt: skip

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


class AnalysisActions:
    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def _video(self) -> Video | None:
        window = self._window
        if window.project is None or window.current_video is None:
            window.show_error("Open a project and show one of its videos first, then analyse it.")
            return None
        return window.current_video

    def choose_analysis(self) -> None:
        video = self._video()
        if video is None:
            return
        dialog = AnalyseDialog(video, self._window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.run_analysis(dialog.choice(), dialog.frame_range(), dialog.batch(), dialog.name(), dialog.tracking())

    def run_analysis(self, choice: DetectorChoice, frame_range: tuple[int, int] | None = None,
                     batch: int | None = None, name: str | None = None,
                     tracking: TrackingSettings | None = None) -> Job | None:  # fmt: skip
        video = self._video()
        if video is None:
            return None
        window = self._window
        root = window.project.root  # type: ignore[union-attr]

        def analyse(progress: object, cancel: object) -> object:
            from soccer_desktop.analysis.job import run_analysis

            with Project.open(root) as project:
                return run_analysis(project, video.id, choice, frame_range, batch=batch, name=name,
                                    progress=progress, cancel=cancel)  # type: ignore[arg-type]

        job = window.jobs.start(f"Analysing {Path(video.path).name}", analyse)

        def finished(summary: object) -> None:
            window.show_info(summary.describe())  # type: ignore[attr-defined]
            self._refresh(root, video.id, summary.analysis_id)  # type: ignore[attr-defined]
            if tracking is not None:
                window.tracking.run_tracking(summary.analysis_id, tracking)  # type: ignore[attr-defined]

        job.sig_finished.connect(finished)
        job.sig_failed.connect(window.show_error)
        job.sig_cancelled.connect(lambda: window.statusBar().showMessage(
            "Analysis cancelled; the frames done are kept and a new run with the same settings continues.", 10000))
        job.sig_cancelled.connect(lambda: self._refresh(root, video.id, None))
        return job

    def _refresh(self, root: Path, video_id: int, select: int | None) -> None:
        window = self._window
        if window.project is None or window.project.root != root or window.current_video is None:
            return
        if window.current_video.id == video_id:
            window.video_panel.show_analyses(window.project, video_id, select)

    def with_chosen(self, action: Callable[[int], object]) -> None:
        """Call ``action`` with the analysis chosen in the video panel (tracking, teams)."""
        analysis_id = self._window.video_panel.overlay_controls.analysis_id() if self._video() else None
        if analysis_id is None:
            if self._window.current_video is not None:
                self._window.show_error("Choose an analysis in the video panel's Analysis box first.")
            return
        action(analysis_id)

    def choose_export(self) -> None:
        analysis_id = self._window.video_panel.overlay_controls.analysis_id() if self._video() else None
        if analysis_id is None:
            if self._window.current_video is not None:
                self._window.show_error("Choose an analysis in the video panel's Analysis box first, then export it.")
            return
        path, chosen = QFileDialog.getSaveFileName(self._window, "Export analysis", "",
                                                   ";;".join(EXPORT_FILTERS.values()))  # fmt: skip
        if path:
            kind = next((k for k, text in EXPORT_FILTERS.items() if text == chosen), "csv")
            self.run_export(analysis_id, Path(path), kind)

    def run_export(self, analysis_id: int, out: Path, kind: str) -> Job | None:
        window = self._window
        if window.project is None:
            return None
        root = window.project.root

        def export(progress: object, cancel: object) -> str:
            from soccer_desktop.analysis.export import export_analysis

            with Project.open(root) as project:
                return f"Wrote {export_analysis(project, analysis_id, out, kind, progress, cancel)}"  # type: ignore[arg-type]

        job = window.jobs.start(f"Exporting analysis {analysis_id}", export)
        job.sig_finished.connect(window.show_info)
        job.sig_failed.connect(window.show_error)
        return job
