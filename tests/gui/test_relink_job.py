"""Relinking indexes the new file in a job (off the GUI thread); a file already in the project is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.project.store import Project
from soccer_desktop.settings import Settings
from soccer_desktop.video import frame_index
from soccer_desktop.video.library import add_video

JOB_MS = 60_000


def test_relink_runs_as_a_job_and_refuses_a_duplicate(qtbot, tmp_path: Path, index_clip: Path) -> None:
    first = Path(shutil.copy(index_clip, tmp_path / "first.mp4"))
    second = Path(shutil.copy(index_clip, tmp_path / "second.mp4"))
    with Project.create(tmp_path / "p") as project:
        video, _ = add_video(project, first)
        add_video(project, second)
    moved = tmp_path / "moved" / "first.mp4"
    moved.parent.mkdir()
    first.rename(moved)

    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.open_project(tmp_path / "p")
    messages: list[str] = []
    window.sig_message.connect(messages.append)

    frame_index.forget_in_memory()
    before = frame_index.demux_count()
    job = window.relink_video(video.id, moved)
    assert job is not None  # a job: the window stays responsive while the new file is read
    with qtbot.waitSignal(job.sig_finished, timeout=JOB_MS):
        pass
    assert frame_index.demux_count() == before + 1  # the job indexed the new file...
    assert window.project.video(video.id).path == str(moved.resolve())
    frame_index.forget_in_memory()
    frame_index.frame_index_for(window.project, window.project.video(video.id))
    assert frame_index.demux_count() == before + 1  # ...and kept its index in the project

    job = window.relink_video(video.id, second)
    with qtbot.waitSignal(job.sig_failed, timeout=JOB_MS):
        pass
    assert messages[-1] == (f"second.mp4 is already in the project as video 2. Choose the moved file of "
                            f"first.mp4 instead.")
    assert window.project.video(video.id).path == str(moved.resolve())
    window.close()
