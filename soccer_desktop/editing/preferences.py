"""Canvas preferences kept between sessions (ball size, score threshold, display toggles) as small JSON."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from soccer_desktop import paths
from soccer_desktop.core.atomic import atomic_write_json
from soccer_desktop.core.disk import writing

log = logging.getLogger(__name__)

#: Typical ball in the panoramic test footage: about 12 x 11 px.
DEFAULT_BALL_SIZE = 12
MIN_BALL_SIZE = 2
MAX_BALL_SIZE = 64


@dataclass
class CanvasPreferences:
    ball_size: int = DEFAULT_BALL_SIZE
    threshold: float = 0.3
    show_scores: bool = False
    loupe: bool = False

    def __post_init__(self) -> None:
        self.ball_size = int(min(MAX_BALL_SIZE, max(MIN_BALL_SIZE, int(self.ball_size))))
        self.threshold = float(min(1.0, max(0.0, float(self.threshold))))
        self.show_scores = bool(self.show_scores)
        self.loupe = bool(self.loupe)

    @classmethod
    def load(cls, path: Path | None = None) -> CanvasPreferences:
        path = path or preferences_file()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            known = {f.name for f in fields(cls)}
            return cls(**{k: v for k, v in data.items() if k in known})
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, TypeError, AttributeError) as error:
            log.warning("Ignoring unusable canvas preferences %s: %s", path, error)
            return cls()

    def save(self, path: Path | None = None) -> None:
        path = path or preferences_file()
        with writing("the canvas preferences", path.parent):
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_json(path, asdict(self))


def preferences_file() -> Path:
    return paths.settings_file().parent / "canvas.json"
