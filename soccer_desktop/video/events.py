"""Import of SoccerNet / SoccerTrack-style event files (PASS, DRIVE, SHOT … with times).

The whole file is validated before anything is stored, so a malformed file is
refused with the first bad entry named and nothing is half-imported.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from soccer_desktop.core.errors import UserError
from soccer_desktop.project.store import NewEvent

if TYPE_CHECKING:
    from soccer_desktop.video.frame_index import FrameIndex

_GAME_TIME = re.compile(r"^\s*(\d+)\s*-\s*(\d{1,3}):(\d{2})\s*$")


class EventsError(UserError):
    """An event file that cannot be imported; the message names the file and the bad entry."""


def _position_ms(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value >= 0:
        return int(round(value))
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def parse_events(
    path: Path | str, fps: float, frame_count: int | None = None, timeline: FrameIndex | None = None
) -> list[NewEvent]:
    """Read an event JSON file and convert each event's time to a frame index.

    With ``timeline`` (the video's frame index) an event lands on the frame shown at its time, from the
    real timestamps, which is what a variable-frame-rate file needs; without it, at ``fps``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EventsError(f"{path} does not exist. Choose the event JSON file of this match.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise EventsError(f"{path.name} cannot be read ({error}). Choose a UTF-8 JSON event file.") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise EventsError(
            f"{path.name} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}). "
            "Fix the file or export it again."
        ) from None
    key = next((k for k in ("annotations", "actions") if isinstance(document, dict) and k in document), None)
    if key is None or not isinstance(document[key], list):
        raise EventsError(
            f"{path.name} has no 'annotations' or 'actions' list at the top level. "
            "Expected a SoccerNet-style file: {\"annotations\": [{\"label\": ..., \"position\": ...}]}."
        )
    events: list[NewEvent] = []
    for number, entry in enumerate(document[key]):
        where = f"{path.name}: entry {number} of '{key}'"
        if not isinstance(entry, dict):
            raise EventsError(f"{where} is not an object: {entry!r}")
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise EventsError(f"{where} has no 'label' (e.g. \"PASS\"): {entry!r}")
        position = _position_ms(entry.get("position"))
        if position is None:
            raise EventsError(
                f"{where} ({label}) has 'position' {entry.get('position')!r}; "
                "expected a number of milliseconds from the start of the video."
            )
        game_time = entry.get("gameTime", "")
        if game_time and (not isinstance(game_time, str) or not _GAME_TIME.match(game_time)):
            raise EventsError(f"{where} ({label}) has 'gameTime' {game_time!r}; expected \"1 - mm:ss\".")
        team = entry.get("team", "")
        if timeline is not None:
            end_s = timeline.time_of(timeline.frame_count - 1) + (1.0 / fps if fps else 0.0)
            past_end = position / 1000.0 >= end_s
            frame_index = timeline.frame_at_time(position / 1000.0)
        else:
            frame_index = int(round(position * fps / 1000.0))
            past_end = frame_count is not None and frame_index >= frame_count
        if past_end:
            raise EventsError(
                f"{where} ({label}) at {position} ms is after the end of the video "
                f"({frame_count} frames at {fps:g} fps). Is this the event file of another match?"
            )
        events.append(
            NewEvent(
                label=label.strip(),
                position_ms=position,
                frame_index=frame_index,
                game_time=game_time or "",
                team=str(team) if team is not None else "",
            )
        )
    return events
