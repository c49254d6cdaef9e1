"""Nothing lost: edits survive SIGKILL, a locked project gives a clear message, outside changes are noticed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt

from soccer_desktop.gui.canvas.canvas_panel import CanvasPanel
from soccer_desktop.project.store import Project
from tests.gui.canvas.conftest import at, drag, geometry_of, key, make_project, snapshot

ROOT = Path(__file__).resolve().parents[3]
CTRL = Qt.KeyboardModifier.ControlModifier
LOCKER = (
    "import sqlite3, sys\n"
    "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "db.execute('BEGIN IMMEDIATE')\n"
    "db.execute('UPDATE meta SET value = value')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.readline()\n"
    "db.execute('COMMIT')\n"
)


def test_sigkill_while_editing_through_the_canvas_loses_no_stored_edit(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    make_project(folder).close()
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("kill_editor.py")), str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "SOCCER_DESKTOP_HOME": str(tmp_path / "home")},
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while sum(line.startswith("state") for line in lines) < 60 and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    rest = process.stdout.read()  # not communicate(): it would skip what readline() already buffered
    errors = process.stderr.read()
    lines += [line for line in rest.split("\n")[:-1] if line]  # after the last newline: a cut-off line
    states = [line for line in lines if line.startswith("state")]
    assert len(states) >= 60, f"the editor did not get going:\n{errors[-3000:]}"
    kinds = {line.split()[2] for line in lines if line.startswith("begin")}
    assert {"ball", "draw", "move", "undo", "redo"} <= kinds

    _, number, payload = states[-1].split(" ", 2)
    printed = {row[0]: row for row in json.loads(payload)}
    after = [line for line in lines if line.startswith(f"begin {int(number) + 1} ")]
    may_change = set(json.loads(after[0].split(" ", 3)[3])) if after else set()
    with Project.open(folder) as project:
        assert project.check_integrity() == []
        stored = {b.id: [b.id, int(b.class_id), b.x, b.y, b.w, b.h, str(b.source)] for b in project.boxes(1)}
    for box_id, row in printed.items():
        if box_id not in may_change:
            assert stored.get(box_id) == row, f"edit of box {box_id} shown before the kill was lost"
    for box_id in set(stored) - set(printed):
        assert after, f"box {box_id} appeared without an edit in progress:\n" + "\n".join(
            line[:300] for line in lines[-6:]) + f"\nstored: {stored}"


def test_an_edit_refused_by_a_locked_project_is_shown_and_not_recorded(qtbot, panel: CanvasPanel,
                                                                       project: Project) -> None:
    canvas = panel.canvas
    drag(qtbot, canvas, at(canvas, 120, 140), at(canvas, 130, 140))  # one step in the history
    stack = panel.histories.history(1).stack
    assert stack.count() == 1 and stack.index() == 1
    project._db.execute("PRAGMA busy_timeout = 200")  # the default waits 5 s before giving up
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(project.db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    errors: list[str] = []
    panel.sig_error.connect(errors.append)
    try:
        assert locker.stdout.readline().strip() == "locked"
        before = snapshot(project)
        drag(qtbot, canvas, at(canvas, 320, 140), at(canvas, 340, 160))
        assert "busy" in canvas.message() and "another Soccer Desktop window or process" in canvas.message()
        assert errors and "Traceback" not in errors[0]
        assert snapshot(project) == before and stack.count() == 1
        assert canvas.boxes() == project.boxes(1)  # the dragged preview is gone: the canvas shows what is stored
        key(qtbot, canvas, "Z", CTRL)  # undo refused: the history stays where the database is
        assert stack.index() == 1 and geometry_of(project, 1)[0] == 110
        key(qtbot, canvas, "Space")  # reviewed mark refused too: stay on the frame
        assert panel.current_frame().id == 1 and not project.frame(1).reviewed
    finally:
        locker.communicate("\n", timeout=10)
    key(qtbot, canvas, "Z", CTRL)
    assert stack.index() == 0 and geometry_of(project, 1)[0] == 100
    key(qtbot, canvas, "Y", CTRL)
    assert stack.index() == 1 and geometry_of(project, 1)[0] == 110


def test_changes_from_another_process_are_shown_and_stale_undo_is_refused(qtbot, panel: CanvasPanel,
                                                                         project: Project) -> None:
    canvas = panel.canvas
    drag(qtbot, canvas, at(canvas, 120, 140), at(canvas, 130, 140))
    with Project.open(project.root) as other:  # a second window on the same project
        other.update_box(1, x=400.0)
        other.delete_boxes([3])
    panel._poll_for_outside_changes()
    assert canvas.boxes() == project.boxes(1) and [b.id for b in canvas.boxes()] == [1, 2]
    key(qtbot, canvas, "Z", CTRL)
    assert "changed outside this editor" in canvas.message()
    assert geometry_of(project, 1)[0] == 400  # nothing overwritten
    assert panel.histories.history(1).stack.count() == 0  # that history no longer matches: dropped


def test_missing_image_shows_the_boxes_on_a_placeholder(qtbot, panel: CanvasPanel, project: Project) -> None:
    project.image_file(project.frame(2)).unlink()
    panel.images.close()  # wait for the prefetch of frame 2 and drop it
    key(qtbot, panel.canvas, "D")
    assert panel.current_frame().id == 2 and not panel.canvas.has_image()
    assert "missing or unreadable" in panel.canvas.message()
    panel.canvas.repaint()
    key(qtbot, panel.canvas, "D")
    assert panel.canvas.has_image() and panel.canvas.message() == ""
