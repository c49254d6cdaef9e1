"""Start the desktop app: Qt environment, logging, crash reporting, the main window."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from soccer_desktop.logs import setup_logging

log = logging.getLogger(__name__)


def install_excepthook(show: object) -> None:
    """Route unexpected exceptions in Qt slots to the log and a readable message, not stderr only."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, error, tb)))
        from soccer_desktop.core.errors import UserError

        if isinstance(error, UserError):
            show(error.for_gui())
        else:
            show(f"Something went wrong: {error!r}.\nThe details are in the log file; "
                 "please attach it when you report the problem.")

    sys.excepthook = hook


def create_window(project_dir: Path | None = None, demo: bool = False):  # noqa: ANN201 - Qt types lazy
    """The application object and the main window, with the requested project opening."""
    from soccer_desktop.gui.qt_env import prepare_qt_environment

    prepare_qt_environment()
    from PySide6.QtWidgets import QApplication

    from soccer_desktop.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Soccer Desktop")
    app.setOrganizationName("SoccerDesktop")
    from PySide6.QtGui import QIcon

    from soccer_desktop.shipped import icon_file

    app.setWindowIcon(QIcon(str(icon_file())))
    window = MainWindow()
    install_excepthook(window.show_error)
    if demo:
        window.open_demo_project()
    elif project_dir is not None:
        window.open_project(Path(project_dir))
    elif window.settings.recent_projects and window.settings.welcome_seen:
        recent = Path(window.settings.recent_projects[0])
        if recent.is_dir():
            window.open_project(recent)
    return app, window


def run_gui(project_dir: Path | None = None, demo: bool = False) -> int:
    setup_logging()
    app, window = create_window(project_dir, demo)
    window.show()
    return app.exec()
