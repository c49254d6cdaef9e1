"""Qt environment fixes that must run before the QApplication exists."""

from __future__ import annotations

import os

_CV2_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")


def prepare_qt_environment() -> None:
    """Undo what ``import cv2`` does to Qt's plugin path.

    opencv-python points ``QT_QPA_PLATFORM_PLUGIN_PATH`` and ``QT_QPA_FONTDIR``
    at its bundled Qt5 plugins, the classic cause of "could not load the Qt
    platform plugin" with PySide6. Import cv2 here, once, then drop any such
    variable that points into cv2's folder.
    """
    import cv2

    cv2_dir = os.path.dirname(cv2.__file__)
    for name in _CV2_QT_VARIABLES:
        value = os.environ.get(name)
        if value and os.path.abspath(value).startswith(os.path.abspath(cv2_dir)):
            del os.environ[name]
