"""Database schema and its migrations.

``PRAGMA user_version`` holds the schema version. ``MIGRATIONS[i]`` upgrades a
database from version ``i`` to ``i + 1``; a new schema change is a new entry,
never an edit of an old one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 0 -> 1: the first schema.
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE videos (
        id          INTEGER PRIMARY KEY,
        path        TEXT NOT NULL UNIQUE,
        size_bytes  INTEGER NOT NULL,
        mtime       REAL NOT NULL,
        width       INTEGER NOT NULL,
        height      INTEGER NOT NULL,
        fps         REAL NOT NULL,
        frame_count INTEGER NOT NULL,
        codec       TEXT NOT NULL DEFAULT '',
        added_at    TEXT NOT NULL DEFAULT (datetime('now'))
    );
    CREATE TABLE frames (
        id          INTEGER PRIMARY KEY,
        video_id    INTEGER REFERENCES videos(id) ON DELETE CASCADE,
        frame_index INTEGER,
        timestamp_s REAL,
        image_path  TEXT NOT NULL UNIQUE,
        width       INTEGER NOT NULL,
        height      INTEGER NOT NULL,
        reviewed    INTEGER NOT NULL DEFAULT 0 CHECK (reviewed IN (0, 1)),
        created_at  TEXT NOT NULL DEFAULT (datetime('now')),
        UNIQUE (video_id, frame_index)
    );
    CREATE TABLE boxes (
        id         INTEGER PRIMARY KEY,
        frame_id   INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
        class_id   INTEGER NOT NULL CHECK (class_id IN (1, 2)),
        x          REAL NOT NULL,
        y          REAL NOT NULL,
        w          REAL NOT NULL CHECK (w > 0),
        h          REAL NOT NULL CHECK (h > 0),
        score      REAL,
        source     TEXT NOT NULL CHECK (source IN ('pseudo', 'manual', 'imported')),
        track_id   INTEGER,
        detector   TEXT,
        updated_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    CREATE INDEX boxes_by_frame ON boxes(frame_id);
    CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        video_id    INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        label       TEXT NOT NULL,
        position_ms INTEGER NOT NULL,
        frame_index INTEGER NOT NULL,
        game_time   TEXT NOT NULL DEFAULT '',
        team        TEXT NOT NULL DEFAULT '',
        source_file TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX events_by_video ON events(video_id, frame_index);
    CREATE TABLE runs (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL,
        kind         TEXT NOT NULL,
        status       TEXT NOT NULL,
        directory    TEXT NOT NULL,
        config_json  TEXT NOT NULL DEFAULT '{}',
        metrics_json TEXT NOT NULL DEFAULT '{}',
        created_at   TEXT NOT NULL DEFAULT (datetime('now')),
        finished_at  TEXT
    );
    """,
    # 1 -> 2: box ids are never reused, so undo can restore a deleted box under its old id.
    """
    CREATE TABLE boxes_new (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        frame_id   INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
        class_id   INTEGER NOT NULL CHECK (class_id IN (1, 2)),
        x          REAL NOT NULL,
        y          REAL NOT NULL,
        w          REAL NOT NULL CHECK (w > 0),
        h          REAL NOT NULL CHECK (h > 0),
        score      REAL,
        source     TEXT NOT NULL CHECK (source IN ('pseudo', 'manual', 'imported')),
        track_id   INTEGER,
        detector   TEXT,
        updated_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    INSERT INTO boxes_new SELECT * FROM boxes;
    DROP TABLE boxes;
    ALTER TABLE boxes_new RENAME TO boxes;
    CREATE INDEX boxes_by_frame ON boxes(frame_id);
    """,
    # 2 -> 3: match analysis. A detector run over a video (or a frame range of it) and every
    # detection it made, keyed for fast per-frame reads during playback. Tracking writes
    # track_id/team/flags in place (flags: 1 = ghost ball, 2 = interpolated); interpolated
    # balls are rows of their own with score NULL. team: 0/1, 2 = other (referee), NULL unknown.
    """
    CREATE TABLE analyses (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id      INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        name          TEXT NOT NULL,
        detector      TEXT NOT NULL,
        settings_json TEXT NOT NULL DEFAULT '{}',
        status        TEXT NOT NULL DEFAULT 'running'
                      CHECK (status IN ('running', 'cancelled', 'failed', 'done')),
        created_at    TEXT NOT NULL DEFAULT (datetime('now')),
        finished_at   TEXT
    );
    CREATE INDEX analyses_by_video ON analyses(video_id);
    CREATE TABLE analysis_frames (
        analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
        frame_index INTEGER NOT NULL,
        PRIMARY KEY (analysis_id, frame_index)
    ) WITHOUT ROWID;
    CREATE TABLE detections (
        analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
        frame_index INTEGER NOT NULL,
        seq         INTEGER NOT NULL,
        class_id    INTEGER NOT NULL CHECK (class_id IN (1, 2)),
        x           REAL NOT NULL,
        y           REAL NOT NULL,
        w           REAL NOT NULL,
        h           REAL NOT NULL,
        score       REAL,
        track_id    INTEGER,
        team        INTEGER,
        flags       INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (analysis_id, frame_index, seq)
    ) WITHOUT ROWID;
    """,
    # 3 -> 4: evaluations: a detection source scored on a dataset split, its detections (computed once at a low
    # confidence, keyed by the dataset's COCO image id) and review requests ("send to review" from the
    # error browser: the frame tops the review queue with the reason until it is reviewed again).
    """
    CREATE TABLE evaluations (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id        INTEGER REFERENCES runs(id) ON DELETE CASCADE,
        name          TEXT NOT NULL,
        source_kind   TEXT NOT NULL CHECK (source_kind IN ('checkpoint', 'detections', 'detector')),
        source        TEXT NOT NULL,
        source_hash   TEXT NOT NULL,
        dataset_dir   TEXT NOT NULL,
        dataset_hash  TEXT NOT NULL,
        split         TEXT NOT NULL,
        settings_json TEXT NOT NULL DEFAULT '{}',
        cache_key     TEXT NOT NULL UNIQUE,
        seconds       REAL NOT NULL,
        metrics_json  TEXT NOT NULL DEFAULT '{}',
        created_at    TEXT NOT NULL DEFAULT (datetime('now'))
    );
    CREATE TABLE evaluation_detections (
        evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
        seq           INTEGER NOT NULL,
        image_id      INTEGER NOT NULL,
        class_id      INTEGER NOT NULL CHECK (class_id IN (1, 2)),
        x             REAL NOT NULL,
        y             REAL NOT NULL,
        w             REAL NOT NULL,
        h             REAL NOT NULL,
        score         REAL NOT NULL,
        PRIMARY KEY (evaluation_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE review_requests (
        frame_id     INTEGER PRIMARY KEY REFERENCES frames(id) ON DELETE CASCADE,
        reason       TEXT NOT NULL,
        requested_at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    """,
    # 4 -> 5: tracking of an analysis: the settings it last ran with, each team's name and colour (teams can
    # be renamed and recoloured), and the teams a user chose for a track by hand (team 2 = other).
    """
    CREATE TABLE analysis_tracking (
        analysis_id   INTEGER PRIMARY KEY REFERENCES analyses(id) ON DELETE CASCADE,
        settings_json TEXT NOT NULL DEFAULT '{}',
        summary_json  TEXT NOT NULL DEFAULT '{}',
        tracked_at    TEXT NOT NULL DEFAULT (datetime('now'))
    );
    CREATE TABLE analysis_teams (
        analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
        team        INTEGER NOT NULL CHECK (team IN (0, 1, 2)),
        name        TEXT NOT NULL,
        colour      TEXT NOT NULL,
        PRIMARY KEY (analysis_id, team)
    ) WITHOUT ROWID;
    CREATE TABLE track_team_overrides (
        analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
        track_id    INTEGER NOT NULL,
        team        INTEGER NOT NULL CHECK (team IN (0, 1, 2)),
        PRIMARY KEY (analysis_id, track_id)
    ) WITHOUT ROWID;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
