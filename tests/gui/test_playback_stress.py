"""Guards against PySide6 6.12.0's crash after ~5,000 calls of methods returning None (PITFALLS)."""

from __future__ import annotations

import numpy as np

from soccer_desktop.gui.frame_view import FrameView

PAINTS = 100_000


class CountingView(FrameView):
    paints = 0

    def paintEvent(self, event) -> None:  # noqa: ANN001
        self.paints += 1
        super().paintEvent(event)


def test_frame_view_survives_100k_paints(qtbot) -> None:
    view = CountingView()
    view.resize(160, 90)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.windowHandle() is not None and view.windowHandle().isExposed())
    frames = [np.full((36, 64, 3), value, np.uint8) for value in (0, 128, 255)]
    for number in range(PAINTS):
        view.set_frame(frames[number % 3])
        view.repaint()
    assert view.paints >= PAINTS
    assert view.frame_size() == (64, 36)
