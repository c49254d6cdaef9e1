"""The overlay painter's pixels: two-pixel boxes where the transform puts them, labels in the box colour."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFont, QImage

from soccer_desktop.analysis.styling import StyledBox
from soccer_desktop.gui.frame_view import FrameView
from soccer_desktop.gui.overlay import FrameOverlay
from soccer_desktop.video.display import DisplayFrame

YELLOW = (255, 214, 10)


def _pixels(view: FrameView) -> np.ndarray:
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    return np.array(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())[
        :, : image.width() * 3].reshape(image.height(), image.width(), 3)  # fmt: skip


def _view(qtbot, boxes: list[StyledBox]) -> FrameView:
    view = FrameView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    view.set_frame(DisplayFrame.from_bgr(np.full((300, 400, 3), 40, np.uint8)), FrameOverlay(0, boxes))
    view.fit()
    assert view.transform.scale == 1.0 and view.transform.offset_x == 0 == view.transform.offset_y
    return view


def test_a_solid_box_is_two_pixels_wide_all_round_and_its_label_sits_above(qtbot) -> None:
    view = _view(qtbot, [StyledBox(100, 100, 40, 60, YELLOW, "#7 0.91", False)])
    pixels = _pixels(view)
    is_yellow = (pixels == YELLOW).all(axis=2)
    ring = np.zeros_like(is_yellow)
    ring[100:161, 100:141] = True
    ring[102:159, 102:139] = False
    assert (is_yellow == ring)[100:170, 90:150].all()  # exactly the two-pixel ring, nothing inside or below
    label = pixels[86:100, 100:150].astype(int)
    assert (np.abs(label - YELLOW).sum(axis=2) < 120).sum() > 20  # text in (antialiased) box colour


def test_a_dashed_box_is_one_pixel_with_gaps_and_labels_follow_the_font(qtbot) -> None:
    view = _view(qtbot, [StyledBox(50, 120, 40, 40, YELLOW, "0.55", True)])
    top_edge = (_pixels(view)[120, 50:91] == YELLOW).all(axis=1)
    assert 10 < top_edge.sum() < 41 and not (_pixels(view)[121, 52:88] == YELLOW).all(axis=1).any()
    small = _pixels(view)[100:120, 50:120].copy()
    font = QFont(view.font())
    font.setPixelSize(13)
    view.setFont(font)
    view.repaint()
    assert not np.array_equal(_pixels(view)[100:120, 50:120], small)  # the label drawn again in the new font
