"""Drive the real canvas panel with mouse and keyboard forever, reporting every stored edit on stdout.

Run by ``test_canvas_safety.py``, which SIGKILLs it mid-stream and checks
the project. Usage: ``python kill_editor.py PROJECT_DIR``. Lines printed:

``begin N OP IDS`` before edit N (IDS: JSON list of the boxes it may touch;
new boxes may appear too), then ``state N STATE`` once it is stored, STATE
being the frame's boxes as the canvas shows them (read back from the
project after the edit).
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("SOCCER_DESKTOP_HOME", tempfile.mkdtemp(prefix="kill-editor-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from soccer_desktop.gui.qt_env import prepare_qt_environment  # noqa: E402

prepare_qt_environment()

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from soccer_desktop.editing.keymap import Keymap  # noqa: E402
from soccer_desktop.editing.preferences import CanvasPreferences  # noqa: E402
from soccer_desktop.gui.canvas.canvas_panel import CanvasPanel  # noqa: E402
from soccer_desktop.project.store import Project  # noqa: E402

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def state_of(panel: CanvasPanel) -> list[list]:
    return [[b.id, int(b.class_id), b.x, b.y, b.w, b.h, str(b.source)] for b in panel.canvas.boxes()]


def main() -> None:
    app = QApplication.instance() or QApplication([])
    project = Project.open(sys.argv[1])
    panel = CanvasPanel(keymap=Keymap(), preferences=CanvasPreferences(threshold=0.0))
    panel.resize(1100, 650)
    panel.show()
    app.processEvents()
    panel.set_project(project)
    canvas = panel.canvas
    canvas.set_view(1.0, 10.0, 10.0)
    canvas.setFocus()
    rng = random.Random(7)
    width, height = canvas.image_size()

    def point(x: float, y: float) -> QPoint:
        return canvas.widget_point(x, y)

    def key(name: str, modifier: Qt.KeyboardModifier = NONE) -> None:
        QTest.keyClick(canvas, getattr(Qt.Key, f"Key_{name}"), modifier)

    def drag(start: QPoint, end: QPoint) -> None:
        QTest.mousePress(canvas, LEFT, NONE, start)
        for step in range(1, 5):
            QTest.mouseMove(canvas, QPoint(start.x() + (end.x() - start.x()) * step // 4,
                                           start.y() + (end.y() - start.y()) * step // 4))
        QTest.mouseRelease(canvas, LEFT, NONE, end)

    def stack_ids(step: int) -> list[int]:
        stack = panel.histories.history(panel.current_frame().id).stack
        index = stack.index() - 1 if step < 0 else stack.index()
        if not 0 <= index < stack.count():
            return []
        history = panel.histories.history(panel.current_frame().id)
        return [history.ids.actual(t) for t in stack.command(index).edit.box_ids]

    number = 0
    while True:
        number += 1
        boxes = canvas.boxes()
        choice = rng.choice(["ball", "draw", "move", "class", "delete", "undo", "redo", "nudge"] if boxes
                            else ["ball", "draw"])
        target = rng.choice(boxes) if boxes else None
        if choice in ("move", "class", "delete", "nudge") and target is not None:
            cx, cy = target.x + target.w / 2, target.y + target.h / 2
            touched = [b.id for b in boxes if b.x - 6 <= cx <= b.x + b.w + 6 and b.y - 6 <= cy <= b.y + b.h + 6]
        elif choice == "undo":
            touched = stack_ids(-1)
        elif choice == "redo":
            touched = stack_ids(1)
        else:
            touched = []
        print(f"begin {number} {choice} {json.dumps(touched)}", flush=True)
        if choice == "ball":
            key("B")
            QTest.mouseClick(canvas, LEFT, NONE, point(rng.uniform(10, width - 10), rng.uniform(10, height - 10)))
            key("Escape")
        elif choice == "draw":
            x, y = rng.uniform(0, width - 60), rng.uniform(0, height - 80)
            key("W")
            drag(point(x, y), point(x + rng.uniform(10, 50), y + rng.uniform(10, 70)))
        elif choice == "move":
            start = point(target.x + target.w / 2, target.y + target.h / 2)
            drag(start, start + QPoint(rng.randint(-30, 30), rng.randint(5, 30)))
        elif choice in ("class", "delete", "nudge"):
            QTest.mouseClick(canvas, LEFT, NONE, point(target.x + target.w / 2, target.y + target.h / 2))
            key({"class": rng.choice(["1", "2"]), "delete": "Delete", "nudge": "Right"}[choice])
        elif choice == "undo":
            key("Z", CTRL)
        else:
            key("Y", CTRL)
        print(f"state {number} {json.dumps(state_of(panel))}", flush=True)


if __name__ == "__main__":
    main()
