"""Projects with frames and boxes for the canvas tests, and helpers that drive the canvas like a person."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from soccer_desktop.editing.keymap import Keymap
from soccer_desktop.editing.preferences import CanvasPreferences
from soccer_desktop.gui.canvas.canvas_panel import CanvasPanel
from soccer_desktop.gui.canvas.canvas_widget import CanvasWidget
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project

FRAME_W, FRAME_H = 800, 400


def write_frame(path: Path, seed: int, width: int = FRAME_W, height: int = FRAME_H) -> None:
    rng = np.random.default_rng(seed)
    image = (rng.integers(0, 30, (height, width, 1)) + np.array([40, 110 + seed * 10, 40])).astype(np.uint8)
    cv2.imwrite(str(path), image)


def make_project(folder: Path, frames: int = 3) -> Project:
    """Frames 1..n (video order); frame 1 holds a manual player, a pseudo player and a pseudo ball."""
    project = Project.create(folder)
    for index in range(frames):
        path = project.frames_dir / f"frame_{index:03d}.jpg"
        write_frame(path, index)
        project.add_frame(path, width=FRAME_W, height=FRAME_H)
    project.add_boxes(1, [
        NewBox(ClassId.PLAYER, 100, 100, 40, 80, source=BoxSource.MANUAL),
        NewBox(ClassId.PLAYER, 300, 100, 40, 80, score=0.9, source=BoxSource.PSEUDO, detector="rfdetr"),
        NewBox(ClassId.BALL, 500, 200, 10, 10, score=0.2, source=BoxSource.PSEUDO, detector="rfdetr"),
    ])
    return project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "project")
    yield project
    project.close()


@pytest.fixture
def panel(qtbot, project: Project) -> CanvasPanel:
    widget = CanvasPanel(keymap=Keymap(), preferences=CanvasPreferences(threshold=0.0))
    widget.resize(1100, 650)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_project(project)
    widget.canvas.set_view(1.0, 10.0, 10.0)  # image pixel (x, y) at widget (x + 10, y + 10)
    widget.canvas.setFocus()
    yield widget
    widget.set_project(None)


def at(canvas: CanvasWidget, x: float, y: float) -> QPoint:
    return canvas.widget_point(x, y)


def drag(qtbot, canvas: CanvasWidget, start: QPoint, end: QPoint, steps: int = 6,
         button: Qt.MouseButton = Qt.MouseButton.LeftButton,
         modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.mousePress(canvas, button, modifier, start)
    for step in range(1, steps + 1):
        qtbot.mouseMove(canvas, QPoint(round(start.x() + (end.x() - start.x()) * step / steps),
                                       round(start.y() + (end.y() - start.y()) * step / steps)))
    qtbot.mouseRelease(canvas, button, modifier, end)


def key(qtbot, canvas: CanvasWidget, name: str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(canvas, getattr(Qt.Key, f"Key_{name}"), modifier)


def geometry_of(project: Project, box_id: int) -> tuple[float, float, float, float]:
    box = project.box(box_id)
    return box.x, box.y, box.w, box.h


def snapshot(project: Project, frame_id: int = 1) -> list[tuple]:
    return [(b.id, int(b.class_id), b.x, b.y, b.w, b.h, str(b.source), b.score) for b in project.boxes(frame_id)]
