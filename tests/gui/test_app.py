"""Unexpected exceptions in Qt slots become a readable, logged message."""

from __future__ import annotations

import sys

from soccer_desktop.core.errors import UserError
from soccer_desktop.gui.app import install_excepthook


def test_excepthook_shows_user_errors_plainly_and_bugs_with_log_hint(monkeypatch, caplog) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    shown: list[str] = []
    install_excepthook(shown.append)
    try:
        raise UserError("The project is busy: close the other window.")
    except UserError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    try:
        {}["missing"]
    except KeyError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    assert shown[0] == "The project is busy: close the other window."
    assert "KeyError" in shown[1] and "log file" in shown[1]
    assert "Traceback" in caplog.text
