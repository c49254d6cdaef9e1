"""Tracks in the real video panel (a 384x64 clip): team colours, ghosts hidden or hollow, and right-click to move a track."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint

from soccer_desktop.analysis import store
from soccer_desktop.analysis.track_store import move_track, set_team_style, team_overrides
from soccer_desktop.gui.job_runner import JobRunner
from soccer_desktop.gui.tracking_actions import TrackingActions
from soccer_desktop.gui.video_panel import VideoPanel
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project
from soccer_desktop.video.library import add_video

WAIT_MS = 8000
FRAMES = 20


@pytest.fixture
def tracked(tmp_path: Path, index_clip: Path) -> Iterator[tuple[Project, int]]:
    """An analysis after tracking: two players (tracks 1 in team 0, 2 in team 1), the ball, a ghost, a filled ball."""
    with Project.create(tmp_path / "p") as project:
        video, _ = add_video(project, index_clip)
        analysis = store.create_analysis(project, video.id, "tracked", "motion", {"frame_count": FRAMES})
        store.write_frames(project, analysis.id, [(i, [
            NewBox(ClassId.PLAYER, 20, 5, 20, 50, 0.8, BoxSource.PSEUDO),
            NewBox(ClassId.PLAYER, 100, 5, 20, 50, 0.8, BoxSource.PSEUDO),
            NewBox(ClassId.BALL, 250, 20, 8, 8, 0.6, BoxSource.PSEUDO),
        ]) for i in range(FRAMES) if i != 1])  # fmt: skip
        changes = [(i, 0, 1, 0, 0) for i in range(FRAMES) if i != 1]
        changes += [(i, 1, 2, 1, 0) for i in range(FRAMES) if i != 1]
        changes += [(i, 2, None, None, store.FLAG_GHOST) for i in range(FRAMES) if i != 1]
        store.update_detections(project, analysis.id, changes)
        store.add_detections(project, analysis.id, [store.Detection(1, 0, int(ClassId.BALL), 200, 30, 8, 8, None,
                                                                    0, None, store.FLAG_INTERPOLATED)])  # fmt: skip
        store.set_status(project, analysis.id, "done")
        set_team_style(project, analysis.id, 0, name="Reds", colour="#cc0000")
        yield project, analysis.id


@pytest.fixture
def panel(qtbot, index_clip: Path, tracked: tuple[Project, int]) -> Iterator[VideoPanel]:
    widget = VideoPanel()
    widget.resize(900, 500)
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(widget.sig_frame_shown, timeout=WAIT_MS):
        widget.open_video(index_clip)
    project, analysis_id = tracked
    widget.show_analyses(project, project.videos()[0].id, analysis_id)
    yield widget
    widget.close_video()


def _boxes(panel: VideoPanel) -> list:
    assert panel.view.overlay is not None
    return panel.view.overlay.boxes


def _on_screen(panel: VideoPanel, x: float, y: float) -> QPoint:
    wx, wy = panel.view.transform.to_widget(x, y)
    return QPoint(round(wx), round(wy))


def test_players_show_their_id_in_their_teams_colour_and_ghosts_only_when_asked(qtbot, panel: VideoPanel) -> None:
    boxes = _boxes(panel)
    assert [(b.label.split()[0], b.colour) for b in boxes] == [("#1", (204, 0, 0)), ("#2", (69, 123, 255))]
    panel.overlay_controls.ghost_check.click()
    ghost = [b for b in _boxes(panel) if b.ghost]
    assert len(ghost) == 1 and ghost[0].x == 250
    with qtbot.waitSignal(panel.sig_frame_shown, timeout=WAIT_MS):
        panel.seek(1)
    [filled] = [b for b in _boxes(panel) if b.interpolated]
    assert filled.dashed and not filled.ghost and filled.x == 200


def test_right_click_on_a_player_moves_the_track_to_the_other_team(qtbot, panel: VideoPanel,
                                                                   tracked: tuple[Project, int]) -> None:  # fmt: skip
    project, analysis_id = tracked
    assert panel.track_menu.menu_at(_on_screen(panel, 300, 50)) is None  # nobody there
    menu = panel.track_menu.menu_at(_on_screen(panel, 30, 30))
    assert menu is not None
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Move track #1 to Team B", "Put track #1 in Other"]
    runner = JobRunner()
    actions = TrackingActions(panel, runner, lambda: project.root, lambda _: None, pytest.fail)
    panel.track_menu.sig_move_track.connect(actions.move_track)
    actions.sig_tracks_changed.connect(lambda _: panel.overlay_controls.refresh_teams())
    with qtbot.waitSignal(actions.sig_tracks_changed, timeout=WAIT_MS):
        menu.defaultAction().trigger()
    assert team_overrides(project, analysis_id) == {1: 1}
    assert [b.colour for b in _boxes(panel)] == [(69, 123, 255), (69, 123, 255)]  # both in Team B now
    menu = panel.track_menu.menu_at(_on_screen(panel, 30, 30))
    assert menu is not None and menu.defaultAction().text() == "Move track #1 to Reds"


def test_moving_an_unknown_track_is_refused(tracked: tuple[Project, int]) -> None:
    project, analysis_id = tracked
    from soccer_desktop.core.errors import UserError

    with pytest.raises(UserError, match="no player track 9"):
        move_track(project, analysis_id, 9, 0)
