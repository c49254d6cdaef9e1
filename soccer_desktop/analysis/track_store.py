"""What tracking keeps in the project beside the detections: its settings, team names and colours, hand choices.

Track ids, teams and the ghost/interpolated flags live on the detection rows
themselves (:mod:`.store`); this module reads an analysis's boxes as columns for
the tracker, writes a tracking result back in one transaction, and keeps the
per-analysis team names and colours and the teams a user chose by hand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from soccer_desktop.analysis import store
from soccer_desktop.core.errors import UserError
from soccer_desktop.project.store import ClassId, Project

TEAM_NUMBERS = (0, 1, 2)
DEFAULT_TEAM_NAMES = {0: "Team A", 1: "Team B", 2: "Other"}
DEFAULT_TEAM_COLOURS = {0: "#e63946", 1: "#457bff", 2: "#1e1e1e"}
_READ_CHUNK_FRAMES = 5000
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class TeamStyle:
    team: int
    name: str
    colour: str  # "#rrggbb"

    @property
    def rgb(self) -> tuple[int, int, int]:
        return int(self.colour[1:3], 16), int(self.colour[3:5], 16), int(self.colour[5:7], 16)


@dataclass(frozen=True)
class StoredBoxes:
    """An analysis's detected boxes (interpolated ones left out) as columns, in frame then ``seq`` order."""

    frame: np.ndarray
    seq: np.ndarray
    class_id: np.ndarray
    xywh: np.ndarray
    score: np.ndarray  # NaN where none

    def __len__(self) -> int:
        return len(self.frame)


def read_boxes(project: Project, analysis_id: int) -> StoredBoxes:
    """Every detected box of an analysis, read a block of frames at a time into arrays (millions fit)."""
    store.get_analysis(project, analysis_id)
    low, high = project.read("SELECT MIN(frame_index), MAX(frame_index) FROM detections WHERE analysis_id = ?",
                             (analysis_id,))[0]  # fmt: skip
    parts: list[np.ndarray] = []
    if low is not None:
        for start in range(low, high + 1, _READ_CHUNK_FRAMES):
            rows = project.read(
                "SELECT frame_index, seq, class_id, x, y, w, h, IFNULL(score, 'nan') FROM detections "
                "WHERE analysis_id = ? AND frame_index BETWEEN ? AND ? AND (flags & ?) = 0 ORDER BY frame_index, seq",
                (analysis_id, start, start + _READ_CHUNK_FRAMES - 1, store.FLAG_INTERPOLATED),
            )
            if rows:
                parts.append(np.array([tuple(row) for row in rows], dtype=np.float64))
    table = np.concatenate(parts) if parts else np.zeros((0, 8))
    return StoredBoxes(table[:, 0].astype(np.int64), table[:, 1].astype(np.int64), table[:, 2].astype(np.int64),
                       table[:, 3:7], table[:, 7])  # fmt: skip


def _check_team(team: int) -> int:
    if team not in TEAM_NUMBERS:
        raise UserError(f"There is no team {team!r}: use 0 or 1 for the two teams, 2 for other (referees).")
    return int(team)


def team_styles(project: Project, analysis_id: int) -> dict[int, TeamStyle]:
    """Name and colour of teams 0, 1 and 2 (other) of an analysis; defaults where none was stored."""
    rows = project.read("SELECT team, name, colour FROM analysis_teams WHERE analysis_id = ?", (analysis_id,))
    stored = {row[0]: TeamStyle(row[0], row[1], row[2]) for row in rows}
    return {t: stored.get(t, TeamStyle(t, DEFAULT_TEAM_NAMES[t], DEFAULT_TEAM_COLOURS[t])) for t in TEAM_NUMBERS}


def set_team_style(project: Project, analysis_id: int, team: int, name: str | None = None,
                   colour: str | None = None) -> TeamStyle:  # fmt: skip
    """Rename and/or recolour a team of an analysis (one transaction)."""
    store.get_analysis(project, analysis_id)
    current = team_styles(project, analysis_id)[_check_team(team)]
    if name is not None and not name.strip():
        raise UserError("A team needs a name; type at least one character.")
    if colour is not None and not _COLOUR.match(colour):
        raise UserError(f"{colour!r} is not a colour; write it as #rrggbb, e.g. #e63946.")
    style = TeamStyle(team, name.strip() if name is not None else current.name, colour or current.colour)
    with project.transaction() as db:
        db.execute("INSERT OR REPLACE INTO analysis_teams(analysis_id, team, name, colour) VALUES (?, ?, ?, ?)",
                   (analysis_id, team, style.name, style.colour.lower()))  # fmt: skip
    return style


def other_team(team: int | None) -> int:
    """Where "move to the other team" sends a track: 0 <-> 1; other or unknown go to team 0."""
    return 1 if team == 0 else 0


def track_team(project: Project, analysis_id: int, track_id: int) -> int | None:
    rows = project.read("SELECT team FROM detections WHERE analysis_id = ? AND track_id = ? AND class_id = ? LIMIT 1",
                        (analysis_id, track_id, int(ClassId.PLAYER)))  # fmt: skip
    if not rows:
        raise UserError(f"Analysis {analysis_id} has no player track {track_id}. Run tracking first "
                        f"(soccer-desktop track PROJECT {analysis_id}).")  # fmt: skip
    return rows[0][0]


def move_track(project: Project, analysis_id: int, track_id: int, team: int) -> int:
    """Put every box of a player track in ``team`` and remember the choice (one transaction); returns boxes moved."""
    _check_team(team)
    track_team(project, analysis_id, track_id)
    with project.transaction() as db:
        moved = db.execute("UPDATE detections SET team = ? WHERE analysis_id = ? AND track_id = ? AND class_id = ?",
                           (team, analysis_id, track_id, int(ClassId.PLAYER))).rowcount  # fmt: skip
        db.execute("INSERT OR REPLACE INTO track_team_overrides(analysis_id, track_id, team) VALUES (?, ?, ?)",
                   (analysis_id, track_id, team))  # fmt: skip
    return int(moved)


def team_overrides(project: Project, analysis_id: int) -> dict[int, int]:
    rows = project.read("SELECT track_id, team FROM track_team_overrides WHERE analysis_id = ?", (analysis_id,))
    return {row[0]: row[1] for row in rows}


@dataclass(frozen=True)
class TrackingRecord:
    settings: dict[str, Any]
    summary: dict[str, Any]
    tracked_at: str


def tracking_record(project: Project, analysis_id: int) -> TrackingRecord | None:
    """The settings and summary of the last tracking run of an analysis, None if it was never tracked."""
    rows = project.read("SELECT settings_json, summary_json, tracked_at FROM analysis_tracking WHERE analysis_id = ?",
                        (analysis_id,))  # fmt: skip
    if not rows:
        return None
    return TrackingRecord(json.loads(rows[0][0]), json.loads(rows[0][1]), rows[0][2])


@dataclass(frozen=True)
class TrackingWrite:
    """A tracking result in store terms: new values for every detected box, and the interpolated balls."""

    frame: np.ndarray
    seq: np.ndarray
    track_id: np.ndarray  # -1: none
    team: np.ndarray  # -1: unknown
    flags: np.ndarray
    filled: list[store.Detection]
    settings: dict[str, Any]
    summary: dict[str, Any]
    kit_colours: dict[int, str]  # team -> "#rrggbb" measured from the kits


def save_tracking(project: Project, analysis_id: int, result: TrackingWrite) -> None:
    """Replace the analysis's tracking in one transaction: a re-run never leaves half old, half new ids.

    Teams keep the names (and colours) a user gave them; hand-picked teams are
    cleared, because the tracks they named no longer exist under the same ids.
    """
    styles = project.read("SELECT team FROM analysis_teams WHERE analysis_id = ?", (analysis_id,))
    named = {row[0] for row in styles}
    changes = (
        (f, s, None if t < 0 else t, None if m < 0 else m, g)
        for f, s, t, m, g in zip(result.frame.tolist(), result.seq.tolist(), result.track_id.tolist(),
                                 result.team.tolist(), result.flags.tolist(), strict=True)
    )  # fmt: skip
    with project.transaction() as db:
        store.delete_detections(project, analysis_id, store.FLAG_INTERPOLATED)
        store.update_detections(project, analysis_id, changes)
        store.add_detections(project, analysis_id, result.filled)
        db.execute("DELETE FROM track_team_overrides WHERE analysis_id = ?", (analysis_id,))
        for team, colour in result.kit_colours.items():
            if team not in named:
                db.execute("INSERT INTO analysis_teams(analysis_id, team, name, colour) VALUES (?, ?, ?, ?)",
                           (analysis_id, team, DEFAULT_TEAM_NAMES[team], colour))  # fmt: skip
        db.execute(
            "INSERT OR REPLACE INTO analysis_tracking(analysis_id, settings_json, summary_json, tracked_at) "
            "VALUES (?, ?, ?, datetime('now'))",
            (analysis_id, json.dumps(result.settings), json.dumps(result.summary)),
        )
