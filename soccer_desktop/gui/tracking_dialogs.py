"""Tracking settings (players, ball, teams) and the team names and colours, as dialogs.

The form only gathers the core's plain settings (:class:`TrackingSettings`);
running the job and storing team styles is done by the caller through the core.
Imported when a dialog is first opened.
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.analysis.ball_trajectory import BallSettings
from soccer_desktop.analysis.match_tracks import TrackingSettings
from soccer_desktop.analysis.teams import TeamSettings
from soccer_desktop.analysis.track_store import TeamStyle
from soccer_desktop.analysis.tracking import TRACKER_NAMES, TrackerSettings
from soccer_desktop.gui.form_widgets import dialog_buttons, double_spin, spin


class TrackingSettingsForm(QWidget):
    """Every tracking setting with its default for 25 fps; embeddable in the analysis dialog."""

    def __init__(self, settings: TrackingSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        s = settings or TrackingSettings()
        self.tracker_box = QComboBox()
        for name in TRACKER_NAMES:
            self.tracker_box.addItem({"bytetrack": "ByteTrack (fixed camera)",
                                      "botsort": "BoT-SORT (moving camera)"}[name], name)  # fmt: skip
        self.tracker_box.setCurrentIndex(TRACKER_NAMES.index(s.players.tracker))
        self.lost_spin = double_spin(0.0, 30.0, s.players.lost_seconds, 0.2, suffix=" s")
        self.lost_spin.setToolTip("How long a player hidden behind others keeps the same id.")
        self.start_spin = double_spin(0.0, 1.0, s.players.start_score, 0.05)
        self.start_spin.setToolTip("Confidence a box needs to start a new track (motion proposals score 0.6).")
        self.iou_spin = double_spin(0.0, 1.0, s.players.min_iou, 0.05)
        self.confirm_spin = spin(1, 25, s.players.confirm_frames, " frames")
        self.camera_check = QCheckBox("Compensate camera pans and zooms (decodes the whole video)")
        self.camera_check.setChecked(s.players.camera_motion)
        self.gap_spin = spin(0, 250, s.ball.max_gap, " frames")
        self.gap_spin.setToolTip("Ball gaps up to this long are filled by interpolation (drawn dashed).")
        self.static_spin = double_spin(0.2, 600.0, s.ball.static_seconds, 0.5, suffix=" s")
        self.static_spin.setToolTip("A 'ball' that stays put this long is a ghost (a sock, a line spot, a spare "
                                    "ball), unless play starts from it.")  # fmt: skip
        self.gravity_spin = double_spin(0.0, 10.0, s.ball.gravity, 0.1, suffix=" px/frame²")
        self.gravity_spin.setToolTip("Downward pull on the ball in the picture: >0 for side (broadcast) views.")
        self.teams_check = QCheckBox("Assign teams by kit colour")
        self.teams_check.setChecked(s.assign_teams)
        self.sample_spin = spin(1, 250, s.teams.sample_every, " th frame")
        self.tracker_box.currentIndexChanged.connect(self._sync)
        self.teams_check.toggled.connect(self._sync)

        players = QFormLayout()
        players.addRow("Tracker", self.tracker_box)
        players.addRow("Keep lost players", self.lost_spin)
        players.addRow("Start a track at score", self.start_spin)
        players.addRow("Minimum overlap (IoU)", self.iou_spin)
        players.addRow("Confirm after", self.confirm_spin)
        players.addRow(self.camera_check)
        ball = QFormLayout()
        ball.addRow("Fill gaps up to", self.gap_spin)
        ball.addRow("Ghost when still for", self.static_spin)
        ball.addRow("Gravity", self.gravity_spin)
        teams = QFormLayout()
        teams.addRow(self.teams_check)
        teams.addRow("Read kit colours every", self.sample_spin)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for title, form in (("Players", players), ("Ball", ball), ("Teams", teams)):
            group = QGroupBox(title)
            group.setLayout(form)
            layout.addWidget(group)
        self._sync()

    def _sync(self) -> None:
        botsort = self.tracker_box.currentData() == "botsort"
        self.camera_check.setEnabled(botsort)
        if not botsort:
            self.camera_check.setChecked(False)
        self.sample_spin.setEnabled(self.teams_check.isChecked())

    def settings(self) -> TrackingSettings:
        players = TrackerSettings(tracker=self.tracker_box.currentData(), lost_seconds=self.lost_spin.value(),
                                  start_score=self.start_spin.value(), high_score=self.start_spin.value(),
                                  min_iou=self.iou_spin.value(), confirm_frames=self.confirm_spin.value(),
                                  camera_motion=self.camera_check.isChecked())  # fmt: skip
        ball = BallSettings(max_gap=self.gap_spin.value(), static_seconds=self.static_spin.value(),
                            gravity=self.gravity_spin.value())  # fmt: skip
        return TrackingSettings(players, ball, TeamSettings(sample_every=self.sample_spin.value()),
                                self.teams_check.isChecked())  # fmt: skip


class TrackingDialog(QDialog):
    """Track (again) one stored analysis: the detections stay, only ids, teams and ball flags change."""

    def __init__(self, analysis_name: str, settings: TrackingSettings | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(f"Track players — {analysis_name}")
        self.form = TrackingSettingsForm(settings)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(QLabel("Runs on the stored detections: no detector, no GPU. Teams chosen by hand are "
                                "cleared, because track ids change."))  # fmt: skip
        layout.addWidget(dialog_buttons(self, "Track"))

    def settings(self) -> TrackingSettings:
        return self.form.settings()


class TeamsDialog(QDialog):
    """Name and colour the two teams (and "other"); the overlay and the exports use them."""

    def __init__(self, styles: dict[int, TeamStyle], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Teams")
        self.name_edits: dict[int, QLineEdit] = {}
        self.colour_buttons: dict[int, QPushButton] = {}
        self._colours = {team: style.colour for team, style in styles.items()}
        form = QFormLayout()
        for team, style in sorted(styles.items()):
            edit = QLineEdit(style.name)
            button = QPushButton()
            button.clicked.connect(lambda _=False, t=team: self._pick(t))
            self.name_edits[team] = edit
            self.colour_buttons[team] = button
            self._show(team)
            form.addRow(edit, button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, "Apply"))

    def _show(self, team: int) -> None:
        colour = self._colours[team]
        self.colour_buttons[team].setText(colour)
        self.colour_buttons[team].setStyleSheet(f"background-color: {colour}")

    def _pick(self, team: int) -> None:
        chosen = QColorDialog.getColor(QColor(self._colours[team]), self, "Team colour")
        if chosen.isValid():
            self.set_colour(team, chosen.name())

    def set_colour(self, team: int, colour: str) -> None:
        self._colours[team] = colour
        self._show(team)

    def styles(self) -> dict[int, TeamStyle]:
        return {team: TeamStyle(team, edit.text().strip(), self._colours[team])
                for team, edit in self.name_edits.items()}  # fmt: skip
