"""Stored match analyses: a detector run over a video and every detection it made.

An analysis is one row of ``analyses`` (video, name, detector, settings,
status); ``analysis_frames`` lists the frames it has finished, and
``detections`` holds its boxes keyed by ``(analysis_id, frame_index, seq)``,
so one frame's boxes are one short range read of the primary key (well under
a millisecond on a 90-minute match) and never need the write lock.

A chunk of frames is written in one transaction together with the marks that
say they are done: a killed job leaves every frame either finished with all of
its boxes or not started, which is what makes resume exact. Writing a frame
again replaces its boxes, so overlapping shards never double a frame.

Tracking (engineer 12's layer) fills ``track_id``, ``team`` and ``flags`` in
place (:func:`update_detections`) and adds interpolated balls as rows of their
own (:func:`add_detections`, score None, ``FLAG_INTERPOLATED``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from soccer_desktop.project.store import ClassId, NewBox, Project, ProjectError

FLAG_GHOST = 1  # a ball candidate far from the ball's trajectory
FLAG_INTERPOLATED = 2  # a ball placed between detections by the trajectory model (score None)
BALL_TRACK_ID = 0  # the track id of the ball's one trajectory after tracking; players count from 1
STATUSES = ("running", "cancelled", "failed", "done")
EXPORT_CHUNK_FRAMES = 2000


class Detection(NamedTuple):
    """One stored box in frame pixels (top-left corner and size)."""

    frame_index: int
    seq: int  # order within the frame; with the frame index, the box's identity
    class_id: int
    x: float
    y: float
    w: float
    h: float
    score: float | None
    track_id: int | None = None
    team: int | None = None  # 0/1 the two teams, 2 other (referee), None unknown
    flags: int = 0


@dataclass(frozen=True)
class Analysis:
    id: int
    video_id: int
    name: str
    detector: str
    settings: dict[str, Any] = field(default_factory=dict)
    status: str = "running"
    created_at: str = ""
    finished_at: str | None = None

    @property
    def fingerprint(self) -> str:
        """What makes two runs the same analysis (shards and resumed runs join it); stored in settings."""
        return str(self.settings.get("fingerprint", ""))


_COLUMNS = "frame_index, seq, class_id, x, y, w, h, score, track_id, team, flags"


def _analysis(row: Any) -> Analysis:
    try:
        settings = json.loads(row["settings_json"] or "{}")
    except ValueError:
        settings = {}
    return Analysis(row["id"], row["video_id"], row["name"], row["detector"],
                    settings if isinstance(settings, dict) else {}, row["status"], row["created_at"],
                    row["finished_at"])  # fmt: skip


# ------------------------------------------------------------------ analyses


def create_analysis(project: Project, video_id: int, name: str, detector: str,
                    settings: dict[str, Any] | None = None) -> Analysis:  # fmt: skip
    """A new, empty analysis of a video (status ``running``)."""
    project.video(video_id)  # a clear error for an unknown video
    with project.transaction() as db:
        cursor = db.execute(
            "INSERT INTO analyses(video_id, name, detector, settings_json) VALUES (?, ?, ?, ?)",
            (video_id, name.strip() or detector, detector, json.dumps(settings or {}, default=str)),
        )
        analysis_id = int(cursor.lastrowid or 0)
    return get_analysis(project, analysis_id)


def get_analysis(project: Project, analysis_id: int) -> Analysis:
    rows = project.read("SELECT * FROM analyses WHERE id = ?", (analysis_id,))
    if not rows:
        raise ProjectError(
            f"The project has no analysis with id {analysis_id}. List them with the analysis box of the "
            "video panel (or start one: soccer-desktop analyze PROJECT --video ID ...)."
        )
    return _analysis(rows[0])


def list_analyses(project: Project, video_id: int | None = None) -> list[Analysis]:
    """Analyses, newest first (of one video when ``video_id`` is given)."""
    if video_id is None:
        rows = project.read("SELECT * FROM analyses ORDER BY id DESC")
    else:
        rows = project.read("SELECT * FROM analyses WHERE video_id = ? ORDER BY id DESC", (video_id,))
    return [_analysis(row) for row in rows]


def find_analysis(project: Project, video_id: int, fingerprint: str) -> Analysis | None:
    """The newest analysis of ``video_id`` run with exactly these settings (to resume it or add a shard)."""
    for analysis in list_analyses(project, video_id):
        if analysis.fingerprint == fingerprint:
            return analysis
    return None


def rename_analysis(project: Project, analysis_id: int, name: str) -> Analysis:
    name = name.strip()
    if not name:
        raise ProjectError("An analysis needs a name; type at least one character.")
    get_analysis(project, analysis_id)
    with project.transaction() as db:
        db.execute("UPDATE analyses SET name = ? WHERE id = ?", (name, analysis_id))
    return get_analysis(project, analysis_id)


def delete_analysis(project: Project, analysis_id: int) -> None:
    """Remove an analysis with all its detections (one transaction)."""
    get_analysis(project, analysis_id)
    with project.transaction() as db:
        db.execute("DELETE FROM detections WHERE analysis_id = ?", (analysis_id,))
        db.execute("DELETE FROM analysis_frames WHERE analysis_id = ?", (analysis_id,))
        db.execute("DELETE FROM analyses WHERE id = ?", (analysis_id,))


def set_status(project: Project, analysis_id: int, status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown analysis status {status!r}")
    finished = "datetime('now')" if status == "done" else "NULL"
    with project.transaction() as db:
        db.execute(f"UPDATE analyses SET status = ?, finished_at = {finished} WHERE id = ?", (status, analysis_id))


# ------------------------------------------------------------------- writing


def write_frames(project: Project, analysis_id: int, frames: Sequence[tuple[int, Sequence[NewBox]]]) -> int:
    """Store the boxes of a chunk of frames and mark them done, in one transaction; returns boxes written.

    A frame written before (an overlapping shard, a re-run) has its boxes replaced, never doubled.
    """
    rows = [
        (analysis_id, index, seq, int(box.class_id), box.x, box.y, box.w, box.h, box.score, box.track_id)
        for index, boxes in frames
        for seq, box in enumerate(boxes)
    ]
    marks = [(analysis_id, index) for index, _ in frames]
    with project.transaction() as db:
        db.executemany("DELETE FROM detections WHERE analysis_id = ? AND frame_index = ?", marks)
        db.executemany(
            "INSERT INTO detections(analysis_id, frame_index, seq, class_id, x, y, w, h, score, track_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.executemany("INSERT OR IGNORE INTO analysis_frames(analysis_id, frame_index) VALUES (?, ?)", marks)
    return len(rows)


def add_detections(project: Project, analysis_id: int, detections: Iterable[Detection]) -> None:
    """Add boxes made after detection (interpolated balls); ``seq`` is taken as given, so pick unused ones.

    :func:`next_seq` gives the first free ``seq`` of a frame.
    """
    rows = [(analysis_id, *d) for d in detections]
    with project.transaction() as db:
        db.executemany(f"INSERT INTO detections(analysis_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       rows)  # fmt: skip


def next_seq(project: Project, analysis_id: int, frame_index: int) -> int:
    rows = project.read("SELECT COALESCE(MAX(seq) + 1, 0) FROM detections WHERE analysis_id = ? AND frame_index = ?",
                        (analysis_id, frame_index))  # fmt: skip
    return int(rows[0][0])


def update_detections(project: Project, analysis_id: int,
                      changes: Iterable[tuple[int, int, int | None, int | None, int]]) -> None:  # fmt: skip
    """Set ``(frame_index, seq) -> track_id, team, flags`` for many boxes in one transaction."""
    rows = [(track, team, flags, analysis_id, frame, seq) for frame, seq, track, team, flags in changes]
    with project.transaction() as db:
        db.executemany(
            "UPDATE detections SET track_id = ?, team = ?, flags = ? WHERE analysis_id = ? AND frame_index = ? "
            "AND seq = ?",
            rows,
        )


def delete_detections(project: Project, analysis_id: int, flags: int) -> int:
    """Remove boxes carrying any of ``flags`` (e.g. the interpolated balls before tracking runs again)."""
    with project.transaction() as db:
        cursor = db.execute("DELETE FROM detections WHERE analysis_id = ? AND (flags & ?) != 0", (analysis_id, flags))
        return cursor.rowcount


# ------------------------------------------------------------------- reading


def done_frames(project: Project, analysis_id: int, first: int = 0, last: int | None = None) -> set[int]:
    """Indices of finished frames in ``first..last`` (inclusive; ``last`` None: to the end)."""
    rows = project.read(
        "SELECT frame_index FROM analysis_frames WHERE analysis_id = ? AND frame_index BETWEEN ? AND ?",
        (analysis_id, first, 2**62 if last is None else last),
    )
    return {row[0] for row in rows}


def done_count(project: Project, analysis_id: int) -> int:
    return int(project.read("SELECT COUNT(*) FROM analysis_frames WHERE analysis_id = ?", (analysis_id,))[0][0])


def detection_count(project: Project, analysis_id: int) -> int:
    return int(project.read("SELECT COUNT(*) FROM detections WHERE analysis_id = ?", (analysis_id,))[0][0])


def frame_detections(project: Project, analysis_id: int, frame_index: int) -> list[Detection]:
    """One frame's boxes in ``seq`` order: a primary-key range read, fast enough to run per painted frame."""
    rows = project.read(
        f"SELECT {_COLUMNS} FROM detections WHERE analysis_id = ? AND frame_index = ? ORDER BY seq",
        (analysis_id, frame_index),
    )
    return [Detection(*row) for row in rows]


def detections_between(project: Project, analysis_id: int, first: int, last: int,
                       class_id: ClassId | int | None = None) -> list[Detection]:  # fmt: skip
    """Boxes of frames ``first..last`` (inclusive) in frame order, optionally of one class."""
    sql = f"SELECT {_COLUMNS} FROM detections WHERE analysis_id = ? AND frame_index BETWEEN ? AND ?"
    params: list[Any] = [analysis_id, first, last]
    if class_id is not None:
        sql += " AND class_id = ?"
        params.append(int(class_id))
    rows = project.read(sql + " ORDER BY frame_index, seq", params)
    return [Detection(*row) for row in rows]


def iter_detections(project: Project, analysis_id: int, chunk_frames: int = EXPORT_CHUNK_FRAMES) -> Iterator[Detection]:
    """Every box of an analysis in frame order, read a chunk of frames at a time (exports, tracking)."""
    rows = project.read(
        "SELECT MIN(frame_index), MAX(frame_index) FROM detections WHERE analysis_id = ?", (analysis_id,)
    )
    low, high = rows[0]
    if low is None:
        return
    for start in range(low, high + 1, chunk_frames):
        yield from detections_between(project, analysis_id, start, min(start + chunk_frames - 1, high))
