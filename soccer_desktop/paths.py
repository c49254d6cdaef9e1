"""Where Soccer Desktop keeps user data, models and logs (platformdirs locations).

Every location can be redirected with an environment variable, which tests and
portable installs use: ``SOCCER_DESKTOP_HOME`` moves all of them under one folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "soccer-desktop"
APP_AUTHOR = "SoccerDesktop"


def _home_override() -> Path | None:
    home = os.environ.get("SOCCER_DESKTOP_HOME")
    return Path(home) if home else None


def data_dir() -> Path:
    """Root of user data: default projects folder, models folder, settings."""
    home = _home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def projects_dir() -> Path:
    """Default parent folder of new projects (any folder can be chosen instead)."""
    return data_dir() / "projects"


def demo_project_dir() -> Path:
    return projects_dir() / "demo"


def models_dir() -> Path:
    """Folder searched for RF-DETR weight files before any download is tried."""
    return data_dir() / "models"


def log_dir() -> Path:
    home = _home_override()
    return home / "logs" if home else Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def settings_file() -> Path:
    home = _home_override()
    base = home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    return base / "settings.json"
