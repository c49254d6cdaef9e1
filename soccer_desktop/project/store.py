"""SQLite project store.

A project is a folder holding ``project.db`` (WAL mode, foreign keys on,
``synchronous=FULL``) and its media (``frames/``, ``runs/``, ``datasets/``).
Every public method that changes data is one transaction, so killing the
process at any moment leaves every committed edit intact. Connections are
per thread: a background job opens its own :class:`Project`.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from soccer_desktop.core.errors import UserError
from soccer_desktop.project.schema import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "project.db"
BUSY_TIMEOUT_MS = 5000
INTERACTIVE_BUSY_TIMEOUT_MS = 1000  # the GUI's own connection: say "busy" fast rather than freeze


class ProjectError(UserError):
    """A problem with a project that the user can act on; the message names the fix."""


class ProjectLockedError(ProjectError):
    """Another window or process holds the write lock for longer than the busy timeout."""


class ClassId(enum.IntEnum):
    PLAYER = 1
    BALL = 2

    @property
    def label(self) -> str:
        return self.name.lower()


class BoxSource(enum.StrEnum):
    PSEUDO = "pseudo"
    MANUAL = "manual"
    IMPORTED = "imported"


@dataclass(frozen=True)
class Video:
    id: int
    path: str
    size_bytes: int
    mtime: float
    width: int
    height: int
    fps: float
    frame_count: int
    codec: str

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps if self.fps else 0.0

    def file_status(self) -> str:
        """'ok', 'missing' (moved or deleted) or 'changed' (size or mtime differ)."""
        path = Path(self.path)
        if not path.exists():
            return "missing"
        stat = path.stat()
        if stat.st_size != self.size_bytes or abs(stat.st_mtime - self.mtime) > 1e-3:
            return "changed"
        return "ok"


@dataclass(frozen=True)
class Frame:
    id: int
    video_id: int | None
    frame_index: int | None
    timestamp_s: float | None
    image_path: str
    width: int
    height: int
    reviewed: bool


@dataclass(frozen=True)
class Box:
    id: int
    frame_id: int
    class_id: ClassId
    x: float
    y: float
    w: float
    h: float
    score: float | None
    source: BoxSource
    track_id: int | None = None
    detector: str | None = None


@dataclass(frozen=True)
class NewBox:
    """A box not yet stored: what detectors, importers and the canvas hand to the store."""

    class_id: ClassId
    x: float
    y: float
    w: float
    h: float
    score: float | None = None
    source: BoxSource = BoxSource.MANUAL
    track_id: int | None = None
    detector: str | None = None


@dataclass(frozen=True)
class Event:
    id: int
    video_id: int
    label: str
    position_ms: int
    frame_index: int
    game_time: str
    team: str
    source_file: str


@dataclass(frozen=True)
class NewEvent:
    label: str
    position_ms: int
    frame_index: int
    game_time: str = ""
    team: str = ""


def _row_to(cls: type, row: sqlite3.Row) -> Any:
    names = {f.name for f in fields(cls)}
    values = {key: row[key] for key in row.keys() if key in names}
    if cls is Box:
        values["class_id"] = ClassId(values["class_id"])
        values["source"] = BoxSource(values["source"])
    if cls is Frame:
        values["reviewed"] = bool(values["reviewed"])
    return cls(**values)


def _explain(error: sqlite3.Error, db_path: Path) -> ProjectError:
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return ProjectLockedError(
            f"The project {db_path.parent} is busy: another Soccer Desktop window or process "
            "is writing to it. Close the other one (or wait for its job to finish) and try again."
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return ProjectError(
            f"The project database {db_path} is damaged ({error}). Restore it from a backup, "
            "or create a new project and import your videos and labels again."
        )
    if "disk is full" in text or "disk i/o" in text:
        return ProjectError(
            f"The disk holding the project {db_path.parent} is full (or failing), so the change was not saved. "
            "Free some space on that disk, then try again."
        )
    if "readonly" in text or "read-only" in text:
        return ProjectError(
            f"The project {db_path.parent} is read-only. Copy it to a folder you can write to."
        )
    return ProjectError(f"The project database {db_path} could not be used: {error}")


class Project:
    """An open project. Use :meth:`create`, :meth:`open` or :meth:`open_or_create`."""

    def __init__(self, root: Path, connection: sqlite3.Connection) -> None:
        self.root = root
        self._db = connection

    # ----------------------------------------------------------------- opening
    @classmethod
    def create(cls, root: Path | str, name: str | None = None) -> Project:
        """Create a new project folder (or adopt an empty existing one)."""
        root = Path(root).expanduser().resolve()
        if (root / DB_NAME).exists():
            raise ProjectError(f"{root} already holds a project. Open it instead of creating one.")
        if root.exists() and not root.is_dir():
            raise ProjectError(f"{root} is a file, not a folder. Choose a folder for the project.")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProjectError(f"Cannot create the project folder {root}: {error.strerror}.") from error
        project = cls._connect(root)
        with project.transaction():
            project._db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('name', ?)", (name or root.name,)
            )
        for sub in ("frames", "runs", "datasets"):
            (root / sub).mkdir(exist_ok=True)
        return project

    @classmethod
    def open(cls, root: Path | str, busy_timeout_ms: int | None = None) -> Project:
        """Open an existing project, upgrading its schema if it is older than this app's.

        ``busy_timeout_ms`` is how long a write waits for another connection's lock
        before it fails with :class:`ProjectLockedError` (default ``BUSY_TIMEOUT_MS``).
        """
        root = Path(root).expanduser().resolve()
        if not root.is_dir():
            raise ProjectError(f"{root} is not a folder. Choose a project folder (it holds {DB_NAME}).")
        if not (root / DB_NAME).is_file():
            raise ProjectError(
                f"{root} is not a Soccer Desktop project: it has no {DB_NAME}. "
                "Choose the project folder itself, or create a new project there."
            )
        return cls._connect(root, busy_timeout_ms)

    @classmethod
    def open_reader(cls, root: Path | str) -> Project:
        """A second, read-only connection to a project already open (a background reader's own).

        SQLite connections belong to the thread that made them; this one never writes or migrates,
        and in WAL mode it never waits on the writer.
        """
        db_path = Path(root).expanduser().resolve() / DB_NAME
        try:
            connection = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True, isolation_level=None,
                                         timeout=INTERACTIVE_BUSY_TIMEOUT_MS / 1000)  # fmt: skip
            connection.row_factory = sqlite3.Row
        except sqlite3.Error as error:
            raise _explain(error, db_path) from error
        return cls(db_path.parent, connection)

    @classmethod
    def open_or_create(cls, root: Path | str) -> Project:
        root = Path(root).expanduser().resolve()
        return cls.open(root) if (root / DB_NAME).is_file() else cls.create(root)

    @classmethod
    def _connect(cls, root: Path, busy_timeout_ms: int | None = None) -> Project:
        db_path = root / DB_NAME
        busy_timeout_ms = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
        try:
            connection = sqlite3.connect(
                db_path, timeout=busy_timeout_ms / 1000, isolation_level=None
            )
        except sqlite3.Error as error:
            raise _explain(error, db_path) from error
        connection.row_factory = sqlite3.Row
        project = cls(root, connection)
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ProjectError(
                    f"The project {root} was made by a newer Soccer Desktop (schema {version}, "
                    f"this app reads up to {SCHEMA_VERSION}). Update Soccer Desktop to open it."
                )
            connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("PRAGMA foreign_keys = ON")
            project._migrate(version)
        except sqlite3.Error as error:
            connection.close()
            raise _explain(error, db_path) from error
        except ProjectError:
            connection.close()
            raise
        return project

    def _migrate(self, version: int) -> None:
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            current = self._db.execute("PRAGMA user_version").fetchone()[0]
            for step in range(current, SCHEMA_VERSION):
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ------------------------------------------------------------ transactions
    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @property
    def frames_dir(self) -> Path:
        return self.root / "frames"

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work; nested use joins the outer transaction."""
        if self._db.in_transaction:
            yield self._db
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise _explain(error, self.db_path) from error
        try:
            yield self._db
        except sqlite3.Error as error:
            self._db.execute("ROLLBACK")
            if isinstance(error, sqlite3.IntegrityError):
                raise  # a bug in the caller's data, not the user's project
            raise _explain(error, self.db_path) from error
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            self._db.execute("ROLLBACK")
            raise _explain(error, self.db_path) from error

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise _explain(error, self.db_path) from error

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows of one read-only query, without the write lock (in WAL mode readers never wait on writers)."""
        return self._query(sql, params)

    def check_integrity(self) -> list[str]:
        """Problems SQLite finds in the database file and its foreign keys (empty when sound)."""
        problems = [row[0] for row in self._query("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [
            f"row {row[1]} of {row[0]} points to a missing {row[2]}"
            for row in self._query("PRAGMA foreign_key_check")
        ]
        return problems

    # -------------------------------------------------------------------- meta
    @property
    def name(self) -> str:
        rows = self._query("SELECT value FROM meta WHERE key = 'name'")
        return rows[0][0] if rows else self.root.name

    # ------------------------------------------------------------------ videos
    def add_video(
        self, path: Path | str, *, width: int, height: int, fps: float, frame_count: int, codec: str = ""
    ) -> Video:
        """Register a video file by reference (it stays where it is); re-adding updates it."""
        path = Path(path).expanduser().resolve()
        stat = path.stat()
        with self.transaction() as db:
            db.execute(
                """INSERT INTO videos(path, size_bytes, mtime, width, height, fps, frame_count, codec)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(path) DO UPDATE SET size_bytes=excluded.size_bytes,
                     mtime=excluded.mtime, width=excluded.width, height=excluded.height,
                     fps=excluded.fps, frame_count=excluded.frame_count, codec=excluded.codec""",
                (str(path), stat.st_size, stat.st_mtime, width, height, fps, frame_count, codec),
            )
        video = self.video_by_path(path)
        assert video is not None
        return video

    def video(self, video_id: int) -> Video:
        rows = self._query("SELECT * FROM videos WHERE id = ?", (video_id,))
        if not rows:
            raise ProjectError(f"The project has no video with id {video_id}.")
        return _row_to(Video, rows[0])

    def video_by_path(self, path: Path | str) -> Video | None:
        rows = self._query(
            "SELECT * FROM videos WHERE path = ?", (str(Path(path).expanduser().resolve()),)
        )
        return _row_to(Video, rows[0]) if rows else None

    def videos(self) -> list[Video]:
        return [_row_to(Video, row) for row in self._query("SELECT * FROM videos ORDER BY id")]

    def relink_video(self, video_id: int, new_path: Path | str) -> Video:
        """Point a moved video at its new location."""
        new_path = Path(new_path).expanduser().resolve()
        stat = new_path.stat()
        with self.transaction() as db:
            self.check_relink_target(video_id, new_path)
            db.execute(
                "UPDATE videos SET path = ?, size_bytes = ?, mtime = ? WHERE id = ?",
                (str(new_path), stat.st_size, stat.st_mtime, video_id),
            )
        return self.video(video_id)

    def check_relink_target(self, video_id: int, new_path: Path | str) -> None:
        """Refuse a relink onto a file that is another video of this project (a raw IntegrityError otherwise)."""
        other = self.video_by_path(new_path)
        if other is not None and other.id != video_id:
            raise ProjectError(
                f"{Path(new_path).name} is already in the project as video {other.id}. Choose the moved file of "
                f"{Path(self.video(video_id).path).name} instead."
            )

    # ------------------------------------------------------------------ events
    def replace_events(self, video_id: int, events: Iterable[NewEvent], source_file: str = "") -> int:
        """Replace the events of a video in one transaction; returns how many were stored."""
        rows = [
            (video_id, e.label, e.position_ms, e.frame_index, e.game_time, e.team, source_file)
            for e in events
        ]
        with self.transaction() as db:
            db.execute("DELETE FROM events WHERE video_id = ?", (video_id,))
            db.executemany(
                """INSERT INTO events(video_id, label, position_ms, frame_index, game_time, team,
                   source_file) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                rows,
            )
        return len(rows)

    def events(self, video_id: int, labels: Iterable[str] | None = None) -> list[Event]:
        rows = self._query(
            "SELECT * FROM events WHERE video_id = ? ORDER BY frame_index, id", (video_id,)
        )
        wanted = None if labels is None else set(labels)
        events = [_row_to(Event, row) for row in rows]
        return [e for e in events if wanted is None or e.label in wanted]

    # ------------------------------------------------------------------ frames
    def add_frame(
        self,
        image_path: Path | str,
        *,
        width: int,
        height: int,
        video_id: int | None = None,
        frame_index: int | None = None,
        timestamp_s: float | None = None,
    ) -> Frame:
        """Register an image (stored relative to the project folder when inside it)."""
        with self.transaction() as db:
            cursor = db.execute(
                """INSERT INTO frames(video_id, frame_index, timestamp_s, image_path, width, height)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (video_id, frame_index, timestamp_s, self._relative(image_path), width, height),
            )
            frame_id = cursor.lastrowid
        assert frame_id is not None
        return self.frame(frame_id)

    def _relative(self, path: Path | str) -> str:
        path = Path(path)
        if not path.is_absolute():
            return path.as_posix()
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path.resolve())

    def image_file(self, frame: Frame) -> Path:
        """Absolute path of a frame's image."""
        path = Path(frame.image_path)
        return path if path.is_absolute() else self.root / path

    def frame(self, frame_id: int) -> Frame:
        rows = self._query("SELECT * FROM frames WHERE id = ?", (frame_id,))
        if not rows:
            raise ProjectError(f"The project has no frame with id {frame_id}.")
        return _row_to(Frame, rows[0])

    def frame_at(self, video_id: int, frame_index: int) -> Frame | None:
        rows = self._query(
            "SELECT * FROM frames WHERE video_id = ? AND frame_index = ?", (video_id, frame_index)
        )
        return _row_to(Frame, rows[0]) if rows else None

    def frames(self, video_id: int | None = None, reviewed: bool | None = None) -> list[Frame]:
        sql = "SELECT * FROM frames WHERE 1 = 1"
        params: list[Any] = []
        if video_id is not None:
            sql += " AND video_id = ?"
            params.append(video_id)
        if reviewed is not None:
            sql += " AND reviewed = ?"
            params.append(int(reviewed))
        sql += " ORDER BY video_id, frame_index, id"
        return [_row_to(Frame, row) for row in self._query(sql, params)]

    def frame_ids(self) -> list[int]:
        """Every frame id in navigation order (video, frame index, id), as :meth:`frames` sorts."""
        return [row[0] for row in self._query("SELECT id FROM frames ORDER BY video_id, frame_index, id")]

    def unreviewed_frame_ids(self) -> set[int]:
        return {row[0] for row in self._query("SELECT id FROM frames WHERE reviewed = 0")}

    def data_version(self) -> int:
        """Changes whenever another connection commits (SQLite ``PRAGMA data_version``)."""
        return int(self._query("PRAGMA data_version")[0][0])

    def set_reviewed(self, frame_id: int, reviewed: bool = True) -> None:
        with self.transaction() as db:
            db.execute("UPDATE frames SET reviewed = ? WHERE id = ?", (int(reviewed), frame_id))

    # ------------------------------------------------------------------- boxes
    def boxes(self, frame_id: int) -> list[Box]:
        rows = self._query("SELECT * FROM boxes WHERE frame_id = ? ORDER BY id", (frame_id,))
        return [_row_to(Box, row) for row in rows]

    def box(self, box_id: int) -> Box:
        rows = self._query("SELECT * FROM boxes WHERE id = ?", (box_id,))
        if not rows:
            raise ProjectError(f"The project has no box with id {box_id}.")
        return _row_to(Box, rows[0])

    def add_boxes(self, frame_id: int, boxes: Iterable[NewBox]) -> list[int]:
        """Store boxes for a frame in one transaction; returns their ids in order."""
        ids: list[int] = []
        with self.transaction() as db:
            for box in boxes:
                cursor = db.execute(
                    """INSERT INTO boxes(frame_id, class_id, x, y, w, h, score, source, track_id,
                       detector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        frame_id, int(box.class_id), box.x, box.y, box.w, box.h, box.score,
                        str(box.source), box.track_id, box.detector,
                    ),
                )
                assert cursor.lastrowid is not None
                ids.append(cursor.lastrowid)
        return ids

    def boxes_by_id(self, box_ids: Iterable[int]) -> dict[int, Box]:
        """The stored boxes among ``box_ids`` (missing ids are left out), by id."""
        ids = sorted(set(box_ids))
        found: dict[int, Box] = {}
        for start in range(0, len(ids), 500):  # SQLite limits the number of parameters
            chunk = ids[start : start + 500]
            rows = self._query(f"SELECT * FROM boxes WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
            found.update((row["id"], _row_to(Box, row)) for row in rows)
        return found

    def put_boxes(self, boxes: Iterable[Box]) -> None:
        """Write boxes with exactly these ids and fields: restores deleted boxes, overwrites others.

        Undo needs this: a deleted box comes back with its old id and every
        field, so later steps of the history that name it still find it.
        """
        rows = [
            (b.id, b.frame_id, int(b.class_id), b.x, b.y, b.w, b.h, b.score, str(b.source), b.track_id, b.detector)
            for b in boxes
        ]
        with self.transaction() as db:
            db.executemany(
                """INSERT INTO boxes(id, frame_id, class_id, x, y, w, h, score, source, track_id, detector)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET frame_id = excluded.frame_id, class_id = excluded.class_id,
                     x = excluded.x, y = excluded.y, w = excluded.w, h = excluded.h, score = excluded.score,
                     source = excluded.source, track_id = excluded.track_id, detector = excluded.detector,
                     updated_at = datetime('now')""",
                rows,
            )

    _EDITABLE = frozenset({"class_id", "x", "y", "w", "h", "score", "source", "track_id"})

    def update_box(self, box_id: int, **changes: Any) -> Box:
        """Change some fields of one box in one transaction."""
        unknown = set(changes) - self._EDITABLE
        if unknown:
            raise ValueError(f"Box fields that cannot be edited: {sorted(unknown)}")
        if changes:
            assignments = ", ".join(f"{name} = ?" for name in changes)
            values = [int(v) if isinstance(v, ClassId) else str(v) if isinstance(v, BoxSource) else v
                      for v in changes.values()]
            with self.transaction() as db:
                db.execute(
                    f"UPDATE boxes SET {assignments}, updated_at = datetime('now') WHERE id = ?",
                    (*values, box_id),
                )
        return self.box(box_id)

    def delete_boxes(self, box_ids: Iterable[int]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM boxes WHERE id = ?", [(i,) for i in box_ids])

    def replace_pseudo_boxes(self, frame_id: int, boxes: Iterable[NewBox]) -> bool:
        """Swap a frame's earlier pseudo boxes for new ones, unless a person reviewed the frame.

        Manual and imported boxes are never touched. Returns False (and stores
        nothing) for a reviewed frame.
        """
        with self.transaction() as db:
            row = db.execute("SELECT reviewed FROM frames WHERE id = ?", (frame_id,)).fetchone()
            if row is None:
                raise ProjectError(f"The project has no frame with id {frame_id}.")
            if row[0]:
                return False
            db.execute("DELETE FROM boxes WHERE frame_id = ? AND source = 'pseudo'", (frame_id,))
            self.add_boxes(frame_id, boxes)
        return True

    # ------------------------------------------------------------------ counts
    def counts(self) -> dict[str, int]:
        """Numbers for the status bar and summaries."""
        row = self._query(
            """SELECT
                 (SELECT COUNT(*) FROM videos) AS videos,
                 (SELECT COUNT(*) FROM frames) AS frames,
                 (SELECT COUNT(*) FROM frames WHERE reviewed = 1) AS reviewed,
                 (SELECT COUNT(DISTINCT frame_id) FROM boxes WHERE source = 'pseudo') AS pseudo_labelled,
                 (SELECT COUNT(*) FROM boxes WHERE class_id = 1) AS player_boxes,
                 (SELECT COUNT(*) FROM boxes WHERE class_id = 2) AS ball_boxes,
                 (SELECT COUNT(*) FROM events) AS events"""
        )[0]
        return {key: int(row[key]) for key in row.keys()}
