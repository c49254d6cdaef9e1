"""The tracking settings form and the teams dialog, driven with mouse and keyboard."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog

from soccer_desktop.analysis.match_tracks import TrackingSettings
from soccer_desktop.analysis.track_store import DEFAULT_TEAM_COLOURS, DEFAULT_TEAM_NAMES, TeamStyle
from soccer_desktop.gui.tracking_dialogs import TeamsDialog, TrackingDialog, TrackingSettingsForm


def _click(qtbot, check) -> None:
    """Click a check box on its indicator (a wide one ignores clicks on empty space)."""
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(6, check.height() // 2))


def _type(qtbot, widget, text: str) -> None:
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def test_form_starts_at_the_defaults_and_returns_what_was_set(qtbot) -> None:
    form = TrackingSettingsForm()
    qtbot.addWidget(form)
    form.show()
    assert form.settings() == TrackingSettings()
    assert not form.camera_check.isEnabled()  # ByteTrack cannot compensate camera motion
    form.tracker_box.setFocus()
    qtbot.keyClick(form.tracker_box, Qt.Key.Key_Down)
    assert form.tracker_box.currentData() == "botsort" and form.camera_check.isEnabled()
    _click(qtbot, form.camera_check)
    _type(qtbot, form.gap_spin.lineEdit(), "4")
    _type(qtbot, form.lost_spin.lineEdit(), "3.0")
    _click(qtbot, form.teams_check)
    settings = form.settings()
    assert settings.players.tracker == "botsort" and settings.players.camera_motion
    assert settings.players.lost_seconds == 3.0 and settings.ball.max_gap == 4
    assert not settings.assign_teams and not form.sample_spin.isEnabled()
    qtbot.keyClick(form.tracker_box, Qt.Key.Key_Up)  # back to ByteTrack: camera motion switches off
    assert not form.settings().players.camera_motion


def test_dialog_reopens_with_the_last_settings(qtbot) -> None:
    last = TrackingSettings.from_dict({"players": {"tracker": "botsort", "lost_seconds": 2.5}, "ball": {"max_gap": 7}})
    dialog = TrackingDialog("motion run", last)
    qtbot.addWidget(dialog)
    assert dialog.settings().players.tracker == "botsort" and dialog.settings().ball.max_gap == 7
    assert "motion run" in dialog.windowTitle()


def test_teams_dialog_renames_and_recolours(qtbot, monkeypatch) -> None:
    styles = {t: TeamStyle(t, DEFAULT_TEAM_NAMES[t], DEFAULT_TEAM_COLOURS[t]) for t in (0, 1, 2)}
    dialog = TeamsDialog(styles)
    qtbot.addWidget(dialog)
    dialog.show()
    _type(qtbot, dialog.name_edits[0], "Reds")
    monkeypatch.setattr(QColorDialog, "getColor", lambda *args: QColor("#00aa00"))  # the modal picker's answer
    qtbot.mouseClick(dialog.colour_buttons[1], Qt.MouseButton.LeftButton)
    result = dialog.styles()
    assert result[0].name == "Reds" and result[0].colour == DEFAULT_TEAM_COLOURS[0]
    assert result[1].colour == "#00aa00" and dialog.colour_buttons[1].text() == "#00aa00"
    monkeypatch.setattr(QColorDialog, "getColor", lambda *args: QColor())  # picker cancelled
    qtbot.mouseClick(dialog.colour_buttons[1], Qt.MouseButton.LeftButton)
    assert dialog.styles()[1].colour == "#00aa00"


def test_the_analyse_dialog_offers_tracking_after_detection(qtbot, tmp_path, index_clip) -> None:
    from soccer_desktop.gui.analyse_dialog import AnalyseDialog
    from soccer_desktop.project.store import Project
    from soccer_desktop.video.library import add_video

    with Project.create(tmp_path / "p") as project:
        video, _ = add_video(project, index_clip)
    dialog = AnalyseDialog(video)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.track_group.isChecked() and dialog.tracking() == TrackingSettings()
    _type(qtbot, dialog.tracking_form.gap_spin.lineEdit(), "3")
    assert dialog.tracking().ball.max_gap == 3
    dialog.track_group.setChecked(False)
    assert dialog.tracking() is None
