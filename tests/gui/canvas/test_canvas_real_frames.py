"""The canvas on real 2160x1080 match frames with their hand-made YOLO boxes (balls of about 12 px)."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import QPoint, Qt

from soccer_desktop.editing.keymap import Keymap
from soccer_desktop.editing.preferences import CanvasPreferences
from soccer_desktop.gui.canvas.canvas_panel import CanvasPanel
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project
from tests.gui.canvas.conftest import drag, key

YOLO_CLASSES = {0: ClassId.PLAYER, 1: ClassId.BALL}
FRAMES = ("G_20231125_TOP_B_1st_4_002", "G_20231125_TOP_B_1st_4_007")


def import_frame(project: Project, folder: Path, stem: str) -> int:
    """Copy one shared image into the project and store its YOLO boxes (class 0 player, 1 ball)."""
    (image,) = (folder / "images").glob(f"{stem}_*.jpg")
    target = project.frames_dir / image.name
    shutil.copyfile(image, target)
    height, width = cv2.imread(str(target)).shape[:2]
    frame = project.add_frame(target, width=width, height=height)
    boxes = []
    for line in (folder / "labels" / f"{image.stem}.txt").read_text().split("\n"):
        if line.strip():
            number, cx, cy, w, h = (float(v) for v in line.split())
            boxes.append(NewBox(YOLO_CLASSES[int(number)], (cx - w / 2) * width, (cy - h / 2) * height, w * width,
                                h * height, source=BoxSource.IMPORTED))
    project.add_boxes(frame.id, boxes)
    return frame.id


@pytest.fixture
def real_panel(qtbot, tmp_path: Path, shared_frames: Path) -> CanvasPanel:
    project = Project.create(tmp_path / "real")
    for stem in FRAMES:
        import_frame(project, shared_frames, stem)
    panel = CanvasPanel(keymap=Keymap(), preferences=CanvasPreferences())
    panel.resize(1200, 700)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_project(project)
    panel.canvas.setFocus()
    yield panel
    panel.set_project(None)
    project.close()


def test_real_frame_shows_every_box_and_true_pixels(qtbot, real_panel: CanvasPanel) -> None:
    canvas = real_panel.canvas
    project = real_panel.project
    assert canvas.image_size() == (2160, 1080) and canvas.is_fitted()
    assert len(canvas.visible_boxes()) == len(project.boxes(1)) > 20
    balls = [b for b in project.boxes(1) if b.class_id == ClassId.BALL]
    assert len(balls) == 4 and all(b.w < 30 for b in balls)
    image = cv2.imread(str(project.image_file(project.frame(1))))
    canvas.set_view(1.0, -500.0, -300.0)
    key(qtbot, canvas, "H")  # boxes hidden: compare the frame's own pixels
    shown = canvas.grab().toImage()
    for x, y in ((600, 400), (800, 500), (1000, 700)):
        point = canvas.widget_point(x, y)
        colour = shown.pixelColor(point)
        blue, green, red = (int(v) for v in image[y, x])
        assert (colour.red(), colour.green(), colour.blue()) == (red, green, blue)


def test_select_a_tiny_ball_zoom_to_it_and_resize_it_by_one_pixel(qtbot, real_panel: CanvasPanel) -> None:
    canvas = real_panel.canvas
    project = real_panel.project
    ball = next(b for b in project.boxes(1) if b.class_id == ClassId.BALL and b.w > 5)
    centre = canvas.widget_point(ball.x + ball.w / 2, ball.y + ball.h / 2)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre)  # about 5 screen px at fit zoom
    assert canvas.selected_ids() == (ball.id,)
    key(qtbot, canvas, "Z")
    assert canvas.transform.scale == 16.0
    corner = canvas.widget_point(ball.x + ball.w, ball.y + ball.h)
    drag(qtbot, canvas, corner, corner + QPoint(16, -16))  # one image pixel wider, one less tall
    stored = project.box(ball.id)
    assert stored.w == pytest.approx(ball.w + 1, abs=0.07) and stored.h == pytest.approx(ball.h - 1, abs=0.07)
    assert (stored.x, stored.y) == (ball.x, ball.y)
    key(qtbot, canvas, "Z", Qt.KeyboardModifier.ControlModifier)
    assert project.box(ball.id) == ball


def test_ball_tool_and_loupe_on_a_real_ball(qtbot, real_panel: CanvasPanel) -> None:
    canvas = real_panel.canvas
    project = real_panel.project
    ball = next(b for b in project.boxes(1) if b.class_id == ClassId.BALL)
    cx, cy = ball.x + ball.w / 2, ball.y + ball.h / 2
    canvas.set_view(2.0, canvas.width() / 2 - cx * 2, canvas.height() / 2 - cy * 2)
    key(qtbot, canvas, "L")
    target = canvas.widget_point(cx, cy)
    qtbot.mouseMove(canvas, target)
    loupe = canvas._loupe_rect()
    assert loupe is not None
    ix, iy = canvas.transform.to_image(target.x(), target.y())
    image = cv2.imread(str(project.image_file(project.frame(1))))
    shown = canvas.grab().toImage()
    colour = shown.pixelColor(loupe.center().x() + 1, loupe.center().y() + 1)  # magnified pixel under the cursor
    blue, green, red = (int(v) for v in image[int(iy), int(ix)])
    assert max(abs(colour.red() - red), abs(colour.green() - green), abs(colour.blue() - blue)) <= 2
    key(qtbot, canvas, "B")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=target)
    new = project.boxes(1)[-1]
    assert new.class_id == ClassId.BALL and new.source == BoxSource.MANUAL and new.w == 12
    assert (new.x + new.w / 2, new.y + new.h / 2) == pytest.approx((ix, iy), abs=1e-6)


def test_moving_between_real_frames_keeps_the_view(qtbot, real_panel: CanvasPanel) -> None:
    canvas = real_panel.canvas
    canvas.set_view(3.0, -2000.0, -1200.0)
    key(qtbot, canvas, "D")
    assert real_panel.current_frame().id == 2
    assert (canvas.transform.scale, canvas.transform.offset_x) == (3.0, -2000.0)
    assert len(canvas.boxes()) == len(real_panel.project.boxes(2))
    assert real_panel.images.hits >= 1  # the neighbour was decoded ahead of time
