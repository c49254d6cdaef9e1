"""Import tracking labels tied to a video: SoccerTrack v1 bounding-box CSV and MOT ``gt.txt``.

Both name frames of one video, so the video is registered and only the
labelled frames are stored (as JPEGs) in the project. ``every=N`` keeps
frames whose index is a multiple of N: these files label every frame, and a
few frames a second are plenty for training a detector.

SoccerTrack v1 CSV (as written by sportslabkit): optional leading
``#key:value`` lines, then three header rows (TeamID, PlayerID and
Attributes per column; the first cell may hold those words), an optional
``frame`` row, then one row per frame whose first cell is the frame index
(0-based) and whose cells give ``bb_left, bb_top, bb_width, bb_height`` per
(team, player). Empty cells mean the object is not in that frame. TeamID 3
is the ball; everyone else is a player. Each (team, player) becomes a
track id, numbered in column order from 1.

MOT: ``frame, id, left, top, width, height[, flag[, class[, visibility]]]``
with frames numbered from 1. A flag of 0 marks a line to ignore. Class 1 is
a player and 2 the ball (as Soccer Desktop writes them); without a class
(or -1) a line is a player unless a ``gameinfo.ini`` beside the sequence
(SoccerNet tracking) names its track id a ball. Other classes are left out
and counted.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Sequence
from pathlib import Path

from soccer_desktop.core.jobs import CancelCheck, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.dataset.common import DatasetError
from soccer_desktop.dataset.importing import ImportResult, LabelledVideoFrame, check_every, commit_video_frames
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project

BOX_ATTRIBUTES = ("bb_left", "bb_top", "bb_width", "bb_height")
SOCCERTRACK_BALL_TEAM = 3
_GAMEINFO_TRACK = re.compile(r"^\s*trackletID_(\d+)\s*=\s*([^;\n]*)", re.IGNORECASE | re.MULTILINE)


def _read_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise DatasetError(f"{path} does not exist. Choose the {what}.")
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"{path} cannot be read ({error}). Choose a UTF-8 text {what}.") from None


def _box(where: str, cells: Sequence[str], class_id: ClassId, track_id: int | None) -> NewBox:
    try:
        x, y, w, h = (float(cell) for cell in cells)
    except ValueError:
        raise DatasetError(f"{where}: {list(cells)} are not four numbers (left, top, width, height).") from None
    if not all(math.isfinite(v) for v in (x, y, w, h)):
        raise DatasetError(f"{where}: {list(cells)} are not finite numbers.")
    if w <= 0 or h <= 0:
        raise DatasetError(f"{where}: the box is {w:g}x{h:g}; width and height must be positive. Fix the file.")
    return NewBox(class_id, x, y, w, h, source=BoxSource.IMPORTED, track_id=track_id)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_soccertrack_csv(path: Path, every: int = 1) -> list[LabelledVideoFrame]:
    """Read a SoccerTrack v1 bounding-box CSV; raises naming the first bad line."""
    check_every(every)
    lines = _read_text(path, "SoccerTrack bounding-box CSV").splitlines()
    skipped = 0
    while skipped < len(lines) and lines[skipped].startswith("#"):
        skipped += 1
    rows = list(csv.reader(lines[skipped:]))
    if len(rows) < 3:
        raise DatasetError(
            f"{path.name} lacks the three header rows (TeamID, PlayerID, Attributes) of a SoccerTrack CSV. "
            "Choose a bounding-box CSV from SoccerTrack."
        )
    teams, players, attributes = rows[0], rows[1], rows[2]
    columns: dict[tuple[str, str], dict[str, int]] = {}
    for column, attribute in enumerate(attributes[1:], start=1):
        if attribute.strip() in BOX_ATTRIBUTES:
            team = teams[column].strip() if column < len(teams) else ""
            player = players[column].strip() if column < len(players) else ""
            columns.setdefault((team, player), {})[attribute.strip()] = column
    if not columns:
        raise DatasetError(
            f"{path.name}: line {skipped + 3} (Attributes) names no bb_left, bb_top, bb_width, bb_height columns. "
            "Choose a SoccerTrack bounding-box CSV (not a coordinates file)."
        )
    for (team, player), found in columns.items():
        missing = [a for a in BOX_ATTRIBUTES if a not in found]
        if missing:
            raise DatasetError(f"{path.name}: team {team} player {player} has no {', '.join(missing)} column.")
    tracks = {key: number for number, key in enumerate(columns, start=1)}
    classes = {key: ClassId.BALL if _number(key[0]) == SOCCERTRACK_BALL_TEAM else ClassId.PLAYER for key in columns}
    first = 3
    if len(rows) > 3 and rows[3] and _number(rows[3][0]) is None and not any(c.strip() for c in rows[3][1:]):
        first = 4  # the index-name row pandas writes ("frame,,,,")
    frames: list[LabelledVideoFrame] = []
    for row_number in range(first, len(rows)):
        row = rows[row_number]
        where = f"{path.name}: line {skipped + row_number + 1}"
        if not any(cell.strip() for cell in row):
            continue
        index = _number(row[0])
        if index is None or not index.is_integer() or index < 0:
            raise DatasetError(f"{where} starts with {row[0]!r}; expected the frame number (0, 1, 2, …).")
        if int(index) % every:
            continue
        boxes: list[NewBox] = []
        for key, found in columns.items():
            cells = [row[found[a]].strip() if found[a] < len(row) else "" for a in BOX_ATTRIBUTES]
            if all(cell == "" or cell.lower() == "nan" for cell in cells):
                continue
            boxes.append(_box(f"{where} (team {key[0]} player {key[1]})", cells, classes[key], tracks[key]))
        frames.append(LabelledVideoFrame(int(index), boxes, where))
    if not frames:
        raise DatasetError(f"{path.name} has no frame rows. Choose a SoccerTrack bounding-box CSV with labels.")
    return frames


def _ball_tracks(gt_file: Path) -> set[int]:
    """Track ids a SoccerNet ``gameinfo.ini`` beside the sequence names as the ball."""
    folder = gt_file.parent.parent if gt_file.parent.name == "gt" else gt_file.parent
    info = folder / "gameinfo.ini"
    if not info.is_file():
        return set()
    text = _read_text(info, "gameinfo.ini")
    return {int(number) for number, name in _GAMEINFO_TRACK.findall(text) if "ball" in name.lower()}


def _mot_file(source: Path) -> Path:
    """The gt.txt SOURCE stands for: the file, or ``gt/gt.txt`` of a sequence folder."""
    if source.is_dir():
        for candidate in (source / "gt" / "gt.txt", source / "gt.txt"):
            if candidate.is_file():
                return candidate
        raise DatasetError(f"{source} has no gt/gt.txt. Choose a MOT gt.txt or the sequence folder holding gt/.")
    return source


def parse_mot(source: Path, every: int = 1) -> tuple[list[LabelledVideoFrame], dict[str, int]]:
    """Read a MOT ground-truth file; returns the frames and the counts of lines left out by kind."""
    check_every(every)
    path = _mot_file(source)
    text = _read_text(path, "MOT gt.txt")
    balls = _ball_tracks(path)
    dropped: dict[str, int] = {}
    frames: dict[int, LabelledVideoFrame] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}: line {number}"
        cells = [cell.strip() for cell in line.split(",")]
        if len(cells) < 6:
            raise DatasetError(
                f"{where} has {len(cells)} values; expected at least frame, id, left, top, width, height."
            )
        values = [_number(cell) for cell in cells]
        if values[0] is None or not values[0].is_integer() or values[0] < 1:
            raise DatasetError(f"{where} has frame {cells[0]!r}; MOT frames are whole numbers from 1.")
        if values[1] is None or not values[1].is_integer():
            raise DatasetError(f"{where} has id {cells[1]!r}; expected a whole number (-1 for none).")
        if len(values) > 6 and values[6] == 0:
            dropped["ignored (flag 0)"] = dropped.get("ignored (flag 0)", 0) + 1
            continue
        track = int(values[1])
        kind = int(values[7]) if len(values) > 7 and values[7] is not None else -1
        if kind == 2 or (kind == -1 and track in balls):
            class_id = ClassId.BALL
        elif kind in (-1, 1):
            class_id = ClassId.PLAYER
        else:
            dropped[f"MOT class {kind}"] = dropped.get(f"MOT class {kind}", 0) + 1
            continue
        index = int(values[0]) - 1
        if index % every:
            continue
        box = _box(where, cells[2:6], class_id, track if track >= 0 else None)
        earlier = frames.get(index)
        frames[index] = LabelledVideoFrame(index, ([] if earlier is None else earlier.boxes) + [box],
                                           earlier.where if earlier else where)
    if not frames:
        raise DatasetError(f"{path.name} has no boxes to import. Choose a MOT gt.txt with labels.")
    return list(frames.values()), dropped


def import_soccertrack_csv(
    project: Project,
    source: Path | str,
    video: Path | str,
    *,
    reviewed: bool = True,
    every: int = 1,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> ImportResult:
    """Import a SoccerTrack v1 bounding-box CSV with the video it labels."""
    source = Path(source).expanduser().resolve()
    frames = parse_soccertrack_csv(source, every)
    return commit_video_frames(project, source, Path(video).expanduser().resolve(), frames, reviewed=reviewed,
                               dropped={}, progress=progress, cancel=cancel)


def import_mot(
    project: Project,
    source: Path | str,
    video: Path | str,
    *,
    reviewed: bool = True,
    every: int = 1,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> ImportResult:
    """Import a MOT ``gt.txt`` (or a sequence folder holding ``gt/gt.txt``) with the video it labels."""
    source = Path(source).expanduser().resolve()
    frames, dropped = parse_mot(source, every)
    return commit_video_frames(project, source, Path(video).expanduser().resolve(), frames, reviewed=reviewed,
                               dropped=dropped, progress=progress, cancel=cancel)
