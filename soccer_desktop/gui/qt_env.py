"""Qt environment fixes that must run before the QApplication exists."""

from __future__ import annotations

import os

_CV2_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")


def prepare_qt_environment() -> None:
    """Undo what ``import cv2`` does to Qt's plugin path.

    opencv-python points ``QT_QPA_PLATFORM_PLUGIN_PATH`` and ``QT_QPA_FONTDIR``
    at its bundled Qt5 plugins, the classic cause of "could not load the Qt
    platform plugin" with PySide6. The app imports cv2 only after the
    QApplication exists (when the variables no longer matter); this removes
    them in case anything imported cv2 earlier, or the shell inherited them.
    """
    for name in _CV2_QT_VARIABLES:
        value = os.environ.get(name, "")
        if f"cv2{os.sep}qt" in value:
            del os.environ[name]
