"""``python -m soccer_desktop.gui.qt_probe``: Qt and PySide6 versions as JSON (for ``soccer-desktop info``)."""

from __future__ import annotations

import json

import PySide6
from PySide6.QtCore import QLibraryInfo, qVersion


def qt_versions() -> dict[str, str]:
    return {"qt": qVersion(), "pyside6": PySide6.__version__,
            "plugins": QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)}


if __name__ == "__main__":
    print(json.dumps(qt_versions()))
