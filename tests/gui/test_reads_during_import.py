"""A long import in another process holds the write lock; the window still pages through frames.

SQLite in WAL mode lets readers go on while a writer holds its transaction, so none of
the window's reads may take a write lock (``BEGIN IMMEDIATE``) or wait for one. The child
process below keeps an import's transaction open until the test says so: every page the
window turns meanwhile must show its frame, and nothing may report the project busy.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.project.store import INTERACTIVE_BUSY_TIMEOUT_MS, Project
from soccer_desktop.settings import Settings
from tests.dataset.builders import add_video_frames, player

IMPORTER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from soccer_desktop.project.store import NewBox, ClassId, Project

    root, holding, release = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    with Project.open(root) as project, project.transaction():
        for number in range(200):  # an import: rows added inside one long transaction
            frame = project.add_frame(root / "frames" / f"imported-{number}.jpg", width=64, height=48)
            project.add_boxes(frame.id, [NewBox(ClassId.PLAYER, 1, 1, 5, 9)])
        holding.touch()
        deadline = time.monotonic() + 60
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
""")


def test_the_window_pages_through_frames_while_an_import_holds_the_write_lock(qtbot, tmp_path: Path) -> None:
    with Project.create(tmp_path / "p") as project:
        add_video_frames(project, "a.mp4", range(0, 25 * 12, 25), boxes_for=lambda i: [player()], reviewed=False)
        frame_ids = project.frame_ids()
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.open_project(tmp_path / "p")
    errors: list[str] = []
    window.canvas_panel.sig_error.connect(errors.append)

    holding, release = tmp_path / "holding", tmp_path / "release"
    child = subprocess.Popen([sys.executable, "-c", IMPORTER, str(tmp_path / "p"), str(holding), str(release)],
                             cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.monotonic() + 60
        while not holding.exists():
            assert child.poll() is None and time.monotonic() < deadline, "the importer did not start"
            time.sleep(0.05)

        window.open_frame(frame_ids[0])
        shown = [window.canvas_panel.current_frame().id]
        for _ in frame_ids[1:]:
            window.canvas_panel.next_frame()
            qtbot.wait(20)
            shown.append(window.canvas_panel.current_frame().id)
        window.refresh_project()  # the project panel's counts: reads too
        with Project.open(tmp_path / "p", busy_timeout_ms=INTERACTIVE_BUSY_TIMEOUT_MS) as second:
            assert second.counts()["frames"] == len(frame_ids)  # opening the project meanwhile works too
        assert shown == frame_ids
        assert errors == []
        assert "busy" not in window.statusBar().currentMessage()
        assert child.poll() is None and not release.exists()  # the import still held its lock all along
        assert window.project.counts()["frames"] == len(frame_ids)  # it has not committed yet
    finally:
        release.touch()
        child.wait(timeout=60)
    assert child.returncode == 0
    assert window.project.counts()["frames"] == len(frame_ids) + 200
    window.close()
