"""``python -m soccer_desktop.gui.selftest_window``: build the main window offscreen, print its menus as JSON.

The self-test runs this in a child process so the Qt application never lives
in the process that checks everything else, and settings are not touched.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from soccer_desktop.gui.qt_env import prepare_qt_environment

    prepare_qt_environment()
    from PySide6.QtCore import qVersion
    from PySide6.QtWidgets import QApplication

    from soccer_desktop.gui.main_window import MainWindow
    from soccer_desktop.settings import Settings

    app = QApplication.instance() or QApplication([])
    window = MainWindow(Settings())
    window.show()
    app.processEvents()
    menus = [action.text().replace("&", "") for action in window.menuBar().actions()]
    window.close()
    print(json.dumps({"qt": qVersion(), "menus": menus, "title": window.windowTitle()}))


if __name__ == "__main__":
    main()
