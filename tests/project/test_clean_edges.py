"""Clean edges: a full disk, a read-only folder, a duplicate relink each give one line and change nothing."""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from soccer_desktop.core import atomic
from soccer_desktop.core.disk import DiskError, disk_error
from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.project.store import Project, ProjectError
from soccer_desktop.settings import Settings
from soccer_desktop.video.extract import ExtractionStrategy, extract_frames
from soccer_desktop.video.library import add_video
from tests.dataset.builders import add_video_frames, ball, player
from tests.readonly import make_read_only, run_read_only, shared_folder


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "project") as opened:
        yield opened


def _full_disk_after(monkeypatch: pytest.MonkeyPatch, good_writes: int) -> list[int]:
    """Every whole-file write past the first ``good_writes`` fails the way a full disk does: at fsync."""
    real_fsync, calls = os.fsync, [0]

    def fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            calls[0] += 1
            if calls[0] > good_writes:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    return calls


def _files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()
            and not p.name.startswith("project.db")}


def _one_line(text: str) -> bool:
    return "\n" not in text and "Traceback" not in text and "Errno" not in text


@pytest.mark.parametrize(("code", "words"), [
    (errno.ENOSPC, "The disk is full: frame 3 could not be written to /x. Free some space"),
    (errno.EROFS, "/x is on a read-only disk: frame 3 could not be written. Copy the project"),
    (errno.EACCES, "/x is read-only for you (permission denied): frame 3 could not be written. Make the folder"),
])
def test_write_failures_are_one_line_naming_the_problem_and_the_fix(code: int, words: str) -> None:
    message = str(disk_error(OSError(code, os.strerror(code)), "frame 3", Path("/x")))
    assert message.startswith(words)
    assert _one_line(message)


def test_a_full_disk_during_extraction_leaves_every_file_with_its_frame(
    tmp_path: Path, index_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Project.create(tmp_path / "p") as project:
        video, _ = add_video(project, index_clip)  # its frame index is written before the disk fills
        calls = _full_disk_after(monkeypatch, 3)
        with pytest.raises(DiskError) as caught:
            extract_frames(project, None, ExtractionStrategy(every_n=10, min_change=0))
        assert calls[0] > 3
        message = str(caught.value)
        assert message.startswith("The disk is full: frame ") and "index.mp4 could not be written to" in message
        assert message.endswith("Free some space on that disk, then try again.") and _one_line(message)
        on_disk = sorted(p.relative_to(project.root).as_posix() for p in project.frames_dir.rglob("*") if p.is_file())
        assert on_disk == sorted(frame.image_path for frame in project.frames(video.id))
        assert len(on_disk) == 3
        assert project.check_integrity() == []

        monkeypatch.undo()  # space freed: the next run adds the rest
        assert extract_frames(project, None, ExtractionStrategy(every_n=10, min_change=0)).added == 27


def test_a_full_disk_during_export_keeps_the_earlier_export(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_video_frames(project, "a.mp4", range(0, 25 * 40, 25), boxes_for=lambda i: [player(), ball()])
    out = tmp_path / "out"
    export_dataset(project, out)
    before = _files(out)
    manifest = json.loads((out / "dataset_manifest.json").read_text())

    def full(self: object, relative: str, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("soccer_desktop.dataset.export._Writer.write_annotation", full)
    with pytest.raises(DiskError) as caught:
        export_dataset(project, out, seed=3, replace=True)  # replacing an export no run used
    assert str(caught.value) == (f"The disk is full: the dataset could not be written to {tmp_path}. "
                                 "Free some space on that disk, then try again.")
    assert _files(out) == before
    assert json.loads((out / "dataset_manifest.json").read_text()) == manifest
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_a_full_disk_while_saving_settings_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    Settings().save(path)
    before = path.read_bytes()
    settings = Settings()
    settings.remember_video(tmp_path / "match.mp4")
    _full_disk_after(monkeypatch, 0)
    with pytest.raises(DiskError, match=r"^The disk is full: the settings could not be written"):
        settings.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temporary file left


def test_a_read_only_project_folder_is_named_and_left_as_it_was(tmp_path: Path) -> None:
    folder = shared_folder(tmp_path)
    with Project.create(folder / "p") as project:
        add_video_frames(project, "a.mp4", range(0, 250, 25), boxes_for=lambda i: [player()])
    make_read_only(folder / "p")
    before = _files(folder / "p")

    def open_it() -> object:
        with Project.open(folder / "p") as project:
            return project.counts()

    kind, message = run_read_only(open_it)
    assert (kind, message) == ("ProjectError", f"The project {folder / 'p'} is read-only. "
                                               "Copy it to a folder you can write to.")
    assert _files(folder / "p") == before
    assert not (folder / "p" / "project.db-wal").exists()


def test_exporting_into_a_read_only_folder_says_so(tmp_path: Path) -> None:
    folder = shared_folder(tmp_path)
    with Project.create(tmp_path / "p") as project:
        add_video_frames(project, "a.mp4", range(0, 25 * 40, 25), boxes_for=lambda i: [player(), ball()])
    (folder / "datasets").mkdir()
    make_read_only(folder / "datasets")
    project_root = tmp_path / "p"
    project_root.chmod(0o755)

    def export() -> object:
        with Project.open(project_root, busy_timeout_ms=1000) as opened:
            return export_dataset(opened, folder / "datasets" / "first")

    if os.geteuid() == 0:  # the unprivileged child must be able to open (and write) the project itself
        os.chown(project_root, 65534, 65534)
        for path in project_root.rglob("*"):
            os.chown(path, 65534, 65534)
    kind, message = run_read_only(export)
    assert kind == "DiskError"
    assert message == (f"{folder / 'datasets'} is read-only for you (permission denied): the dataset could not be "
                       "written. Make the folder writable, or copy the project to a folder you can write to.")
    assert list((folder / "datasets").iterdir()) == []


def test_relinking_onto_another_video_of_the_project_changes_nothing(tmp_path: Path, index_clip: Path) -> None:
    import shutil

    from soccer_desktop.cli import main

    other = Path(shutil.copy(index_clip, tmp_path / "other.mp4"))
    with Project.create(tmp_path / "p") as project:
        add_video(project, index_clip)
        add_video(project, other)
    assert main(["video", "relink", str(tmp_path / "p"), "1", str(other)]) == 2
    with Project.open(tmp_path / "p") as project:
        assert [Path(v.path).name for v in project.videos()] == ["index.mp4", "other.mp4"]


def test_a_duplicate_relink_in_the_store_is_not_a_raw_integrity_error(tmp_path: Path, index_clip: Path) -> None:
    import shutil

    other = Path(shutil.copy(index_clip, tmp_path / "other.mp4"))
    with Project.create(tmp_path / "p") as project:
        first, _ = add_video(project, index_clip)
        add_video(project, other)
        with pytest.raises(ProjectError, match="already in the project"):
            project.relink_video(first.id, other)
