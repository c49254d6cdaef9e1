"""User settings as a small JSON file (never pickled), written atomically."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from soccer_desktop import paths

log = logging.getLogger(__name__)
MAX_RECENT = 10


@dataclass
class Settings:
    recent_projects: list[str] = field(default_factory=list)
    recent_videos: list[str] = field(default_factory=list)
    welcome_seen: bool = False

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
        known = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        try:
            return cls(**known)
        except TypeError as error:
            log.warning("Ignoring settings with unexpected values in %s: %s", path, error)
            return cls()

    def save(self, path: Path | None = None) -> None:
        path = path or paths.settings_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".part")
        temporary.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        os.replace(temporary, path)

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
