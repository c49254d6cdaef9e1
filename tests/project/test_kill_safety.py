"""Killing the process in the middle of a stream of edits loses no committed edit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from soccer_desktop.project.store import Project

EDITOR = textwrap.dedent(
    """
    import sys
    from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project

    project = Project.open(sys.argv[1])
    frame = project.frames()[0]
    for number in range(1_000_000):
        if number % 3 == 2:
            boxes = project.boxes(frame.id)
            project.update_box(boxes[-1].id, x=float(number))
            print("move", boxes[-1].id, number, flush=True)
        else:
            (box_id,) = project.add_boxes(
                frame.id, [NewBox(ClassId.PLAYER, float(number), 2.0, 10.0, 20.0, source=BoxSource.MANUAL)]
            )
            print("add", box_id, number, flush=True)
    """
)


def test_sigkill_during_edits_keeps_every_committed_edit(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    with Project.create(folder) as project:
        project.add_frame(folder / "frames" / "f.jpg", width=100, height=100)
    process = subprocess.Popen(
        [sys.executable, "-c", EDITOR, str(folder)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    )
    assert process.stdout is not None
    committed: list[tuple[str, int, int]] = []
    deadline = time.monotonic() + 60
    while len(committed) < 150 and time.monotonic() < deadline:
        kind, box_id, number = process.stdout.readline().split()
        committed.append((kind, int(box_id), int(number)))
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert len(committed) >= 150, "the editor did not get going"

    with Project.open(folder) as project:
        assert project.check_integrity() == []
        boxes = {box.id: box for box in project.boxes(project.frames()[0].id)}
        expected_x: dict[int, float] = {}
        for kind, box_id, number in committed:
            expected_x[box_id] = float(number)
        for box_id, x in expected_x.items():
            assert box_id in boxes, f"committed box {box_id} was lost"
            # A later edit may have been committed but not yet reported before the kill.
            assert boxes[box_id].x >= x
