"""The SQLite project store: transactions, migrations, and clear messages for bad projects."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from soccer_desktop.project.schema import SCHEMA_VERSION
from soccer_desktop.project.store import (
    DB_NAME,
    BoxSource,
    ClassId,
    NewBox,
    NewEvent,
    Project,
    ProjectError,
    ProjectLockedError,
)


def _frame(project: Project, name: str = "a.jpg"):
    return project.add_frame(project.root / "frames" / name, width=1920, height=1080)


def test_create_then_open_keeps_data_and_settings(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p", name="Cup final") as project:
        frame = _frame(project)
        project.add_boxes(frame.id, [NewBox(ClassId.BALL, 10.5, 20.25, 8, 9, source=BoxSource.MANUAL)])
    with Project.open(tmp_path / "p") as project:
        assert project.name == "Cup final"
        assert project._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert project._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        (box,) = project.boxes(frame.id)
        assert (box.class_id, box.x, box.y, box.w, box.h, box.source) == (ClassId.BALL, 10.5, 20.25, 8, 9, "manual")
        assert project.frame(frame.id).image_path == "frames/a.jpg"
        assert project.check_integrity() == []


def test_replace_pseudo_boxes_never_touches_manual_or_reviewed(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p") as project:
        frame = _frame(project)
        project.add_boxes(frame.id, [NewBox(ClassId.PLAYER, 1, 1, 10, 20, source=BoxSource.MANUAL)])
        project.add_boxes(frame.id, [NewBox(ClassId.PLAYER, 5, 5, 10, 20, 0.3, BoxSource.PSEUDO)])
        assert project.replace_pseudo_boxes(frame.id, [NewBox(ClassId.BALL, 7, 7, 8, 8, 0.9, BoxSource.PSEUDO)])
        assert sorted((b.source, b.class_id) for b in project.boxes(frame.id)) == [
            ("manual", ClassId.PLAYER), ("pseudo", ClassId.BALL)]
        project.set_reviewed(frame.id)
        assert not project.replace_pseudo_boxes(frame.id, [])
        assert len(project.boxes(frame.id)) == 2


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p") as project:
        frame = _frame(project)
        with pytest.raises(sqlite3.IntegrityError):
            project.add_boxes(frame.id, [NewBox(ClassId.PLAYER, 1, 1, 5, 5), NewBox(ClassId.PLAYER, 1, 1, -5, 5)])
        assert project.boxes(frame.id) == []


def test_update_box_rejects_unknown_fields(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p") as project:
        frame = _frame(project)
        (box_id,) = project.add_boxes(frame.id, [NewBox(ClassId.PLAYER, 1, 1, 5, 5, 0.2, BoxSource.PSEUDO)])
        box = project.update_box(box_id, x=3.0, class_id=ClassId.BALL, source=BoxSource.MANUAL)
        assert (box.x, box.class_id, box.source) == (3.0, ClassId.BALL, BoxSource.MANUAL)
        with pytest.raises(ValueError):
            project.update_box(box_id, frame_id=99)


def test_events_replace_and_filter(tmp_path: Path, index_clip: Path) -> None:
    with Project.create(tmp_path / "p") as project:
        video = project.add_video(index_clip, width=384, height=64, fps=25, frame_count=300)
        project.replace_events(video.id, [NewEvent("PASS", 1000, 25), NewEvent("SHOT", 2000, 50)])
        assert [e.label for e in project.events(video.id)] == ["PASS", "SHOT"]
        assert [e.frame_index for e in project.events(video.id, labels=["SHOT"])] == [50]
        project.replace_events(video.id, [NewEvent("GOAL", 3000, 75)])
        assert [e.label for e in project.events(video.id)] == ["GOAL"]


def test_video_file_status_detects_moved_and_changed(tmp_path: Path, index_clip: Path) -> None:
    copy = tmp_path / "clip.mp4"
    copy.write_bytes(index_clip.read_bytes())
    with Project.create(tmp_path / "p") as project:
        video = project.add_video(copy, width=384, height=64, fps=25, frame_count=300)
        assert video.file_status() == "ok"
        with copy.open("ab") as handle:
            handle.write(b"x")
        assert video.file_status() == "changed"
        moved = copy.rename(tmp_path / "moved.mp4")
        assert video.file_status() == "missing"
        assert project.relink_video(video.id, moved).file_status() == "ok"


def test_opening_a_folder_without_project_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="not a Soccer Desktop project"):
        Project.open(tmp_path)
    with pytest.raises(ProjectError, match="not a folder"):
        Project.open(tmp_path / "nowhere")


def test_newer_schema_is_refused_with_update_advice(tmp_path: Path) -> None:
    Project.create(tmp_path / "p").close()
    with sqlite3.connect(tmp_path / "p" / DB_NAME) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ProjectError, match="newer Soccer Desktop"):
        Project.open(tmp_path / "p")


def test_corrupt_database_gives_a_message_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ProjectError, match="damaged"):
        Project.open(folder)


def test_old_schema_is_migrated(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    sqlite3.connect(folder / DB_NAME).close()  # an empty database at schema 0
    with Project.open(folder) as project:
        assert project._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert project.counts()["frames"] == 0


def test_second_writer_gets_a_clear_locked_message_after_its_busy_timeout(tmp_path: Path) -> None:
    import time

    with Project.create(tmp_path / "p") as first, Project.open(tmp_path / "p", busy_timeout_ms=300) as second:
        with first.transaction():
            started = time.monotonic()
            _frame(first, "x.jpg")
            with pytest.raises(ProjectLockedError, match="another Soccer Desktop window or process"):
                _frame(second, "y.jpg")
            assert 0.25 < time.monotonic() - started < 3
        assert [f.image_path for f in second.frames()] == ["frames/x.jpg"]


def test_version_1_projects_keep_their_boxes_when_migrated(tmp_path: Path) -> None:
    from soccer_desktop.project.schema import MIGRATIONS

    folder = tmp_path / "p"
    folder.mkdir()
    with sqlite3.connect(folder / DB_NAME) as db:
        db.executescript(MIGRATIONS[0])
        db.execute("INSERT INTO frames(id, image_path, width, height) VALUES (1, 'a.jpg', 10, 10)")
        db.execute("INSERT INTO boxes(id, frame_id, class_id, x, y, w, h, source) VALUES (7, 1, 2, 1, 2, 3, 4, 'manual')")
        db.execute("PRAGMA user_version = 1")
    with Project.open(folder) as project:
        (box,) = project.boxes(1)
        assert (box.id, box.class_id, box.x, box.h) == (7, ClassId.BALL, 1, 4)
        project.delete_boxes([7])
        assert project.add_boxes(1, [NewBox(ClassId.BALL, 1, 1, 2, 2)]) == [8]  # 7 is never handed out again
        assert project.check_integrity() == []


def test_a_reader_connection_sees_commits_never_writes_and_reads_during_a_write(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p") as writer, Project.open_reader(tmp_path / "p") as reader:
        _frame(writer, "a.jpg")
        version = reader.data_version()
        assert [f.image_path for f in reader.frames()] == ["frames/a.jpg"]
        with writer.transaction():
            _frame(writer, "b.jpg")
            assert len(reader.frames()) == 1  # the write in progress neither blocks nor shows
        assert len(reader.frames()) == 2 and reader.data_version() != version
        with pytest.raises(ProjectError, match="read-only"):
            _frame(reader, "c.jpg")
    assert len(Project.open(tmp_path / "p").frames()) == 2
