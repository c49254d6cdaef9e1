"""User settings as a small JSON file (never pickled), written atomically."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from soccer_desktop import paths
from soccer_desktop.core.atomic import atomic_write_json
from soccer_desktop.core.disk import writing

log = logging.getLogger(__name__)
MAX_RECENT = 10


@dataclass
class Settings:
    recent_projects: list[str] = field(default_factory=list)
    recent_videos: list[str] = field(default_factory=list)
    welcome_seen: bool = False
    window_geometry: str = ""
    """The main window's size and position (Qt's saveGeometry, base64); empty: fill the screen."""
    window_state: str = ""
    """The main window's dock layout (Qt's saveState, base64)."""

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read settings; a missing or damaged file gives defaults (and is logged), never an error."""
        path = path or paths.settings_file()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as error:
            log.warning("Ignoring unreadable settings file %s: %s", path, error)
            return cls()
        defaults = asdict(cls())
        if not isinstance(data, dict):
            log.warning("Ignoring settings file %s: not a JSON object", path)
            return cls()
        kept = {}
        for key, value in data.items():
            if key not in defaults:
                continue
            expected = type(defaults[key])
            if not isinstance(value, expected) or (expected is list and not all(isinstance(v, str) for v in value)):
                log.warning("Ignoring setting %r in %s: expected %s", key, path, expected.__name__)
                continue
            kept[key] = value
        return cls(**kept)

    def save(self, path: Path | None = None) -> None:
        path = path or paths.settings_file()
        with writing("the settings", path.parent):
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_json(path, asdict(self))

    @staticmethod
    def _remember(items: list[str], value: Path | str) -> None:
        text = str(value)
        if text in items:
            items.remove(text)
        items.insert(0, text)
        del items[MAX_RECENT:]

    def remember_project(self, path: Path | str) -> None:
        self._remember(self.recent_projects, path)

    def remember_video(self, path: Path | str) -> None:
        self._remember(self.recent_videos, path)
