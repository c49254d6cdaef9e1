"""Right-click a player in the overlay to move their whole track to another team.

The menu names the teams as the analysis does ("Move track #7 to Reds"); the
choice is handed on as :attr:`TrackMenu.sig_move_track` and stored by the core
(:func:`soccer_desktop.analysis.track_store.move_track`), which remembers it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QMenu

from soccer_desktop.analysis.styling import track_at
from soccer_desktop.analysis.track_store import other_team, team_styles
from soccer_desktop.gui.frame_view import FrameView
from soccer_desktop.gui.overlay import OverlayControls


class TrackMenu(QObject):
    sig_move_track = Signal(int, int, int)
    """Move a track: analysis id, track id, team (0/1, 2 other)."""

    def __init__(self, view: FrameView, controls: OverlayControls) -> None:
        super().__init__(view)
        self._view = view
        self._controls = controls
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._show)

    def menu_at(self, position: QPoint) -> QMenu | None:
        """The menu for a right-click at ``position`` (view pixels); None when no tracked player is there."""
        overlay, project, analysis_id = self._view.overlay, self._controls.project, self._controls.analysis_id()
        if overlay is None or project is None or analysis_id is None:
            return None
        x, y = self._view.transform.to_image(position.x(), position.y())
        box = track_at(overlay.boxes, x, y)
        if box is None or box.track_id is None:
            return None
        track = box.track_id
        styles = team_styles(project, analysis_id)
        menu = QMenu(self._view)
        target = other_team(box.team)
        default = menu.addAction(f"Move track #{track} to {styles[target].name}")
        default.triggered.connect(lambda: self.sig_move_track.emit(analysis_id, track, target))
        menu.setDefaultAction(default)
        menu.addSeparator()
        for team, style in styles.items():
            if team in (target, box.team):
                continue
            action = menu.addAction(f"Put track #{track} in {style.name}")
            action.triggered.connect(lambda _=False, t=team: self.sig_move_track.emit(analysis_id, track, t))
        return menu

    def _show(self, position: QPoint) -> None:
        menu = self.menu_at(position)
        if menu is not None:
            menu.exec(self._view.mapToGlobal(position))
            menu.deleteLater()
