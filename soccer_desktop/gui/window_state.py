"""Window size and dock layout kept between starts, and the View menu that shows, hides and resets docks.

The first start fills the screen (maximised); later starts restore the size,
position and docks the window had when it was closed. The layout as the
window builds it is remembered as the default that *View › Reset layout*
goes back to.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from soccer_desktop.settings import Settings


def _decode(text: str) -> QByteArray | None:
    try:
        return QByteArray(base64.b64decode(text.encode("ascii"), validate=True)) if text else None
    except ValueError:
        return None


def _encode(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


class WindowLayout:
    """Restores and remembers ``window``'s geometry and docks in ``settings``; fills its View menu."""

    def __init__(self, window: QMainWindow, settings: Settings, view_menu: QMenu) -> None:
        self._window = window
        self._settings = settings
        self._default_state = window.saveState()
        self.view_menu = view_menu
        view_menu.aboutToShow.connect(self.fill_view_menu)
        self.fill_view_menu()

    def restore(self) -> bool:
        """Restore the last session's geometry and docks; True when there was one to restore."""
        geometry = _decode(self._settings.window_geometry)
        if geometry is None or not self._window.restoreGeometry(geometry):
            self._window.setWindowState(self._window.windowState() | Qt.WindowState.WindowMaximized)
            return False
        state = _decode(self._settings.window_state)
        if state is not None:
            self._window.restoreState(state)
        return True

    def remember(self) -> None:
        """Put the current geometry and dock layout into the settings (the caller saves them)."""
        self._settings.window_geometry = _encode(self._window.saveGeometry())
        self._settings.window_state = _encode(self._window.saveState())

    def reset(self) -> None:
        """Docks back where the window first put them, each shown as it was then."""
        self._window.restoreState(self._default_state)

    def docks(self) -> list[QDockWidget]:
        return [dock for dock in self._window.findChildren(QDockWidget) if dock.parent() is self._window]

    def fill_view_menu(self) -> None:
        """One check item per dock (docks other panels add later included), then Reset layout."""
        menu = self.view_menu
        menu.clear()
        for dock in sorted(self.docks(), key=lambda d: d.windowTitle()):
            menu.addAction(dock.toggleViewAction())
        menu.addSeparator()
        reset = menu.addAction("Reset layout")
        reset.setObjectName("view-reset-layout")
        reset.triggered.connect(self.reset)
