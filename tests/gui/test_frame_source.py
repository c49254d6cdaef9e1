"""The decode thread's read-ahead queue: frames asked for in order come from it, in order, and never stale."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from soccer_desktop.gui.frame_source import READ_AHEAD_FRAMES, FrameSource
from soccer_desktop.video.display import DisplayFrame
from tests.media import read_index

WAIT_MS = 5000


@pytest.fixture
def source(qtbot, index_clip: Path) -> FrameSource:
    opened = FrameSource(index_clip)
    with qtbot.waitSignal(opened.sig_opened, timeout=WAIT_MS):
        opened.start()
    yield opened
    opened.close()


def _record(source: FrameSource) -> list[tuple[int, DisplayFrame, bool]]:
    received: list[tuple[int, DisplayFrame, bool]] = []
    source.sig_frame.connect(lambda index, frame, exact: received.append((index, frame, exact)))
    return received


def _ask(qtbot, source: FrameSource, received: list, index: int) -> tuple[DisplayFrame, bool]:
    """Frame ``index`` as handed over, and whether it came with its full BGR frame already made."""
    count = len(received)
    source.request(index)
    qtbot.waitUntil(lambda: len(received) > count, timeout=WAIT_MS)
    shown, frame, exact = received[-1]
    came_full = frame.has_bgr()
    assert (shown, exact) == (index, True) and read_index(frame.bgr()) == index
    return frame, came_full


def test_frames_asked_in_order_are_read_ahead_and_handed_over_from_the_queue(qtbot, source: FrameSource) -> None:
    received = _record(source)
    _ask(qtbot, source, received, 10)
    qtbot.wait(50)
    assert not source._ahead  # a seek reads nothing ahead
    _ask(qtbot, source, received, 11)
    qtbot.waitUntil(lambda: len(source._ahead) == READ_AHEAD_FRAMES, timeout=WAIT_MS)
    assert [index for index, _ in source._ahead] == list(range(12, 12 + READ_AHEAD_FRAMES))
    for index in range(12, 40):
        _ask(qtbot, source, received, index)
    assert [index for index, _, _ in received] == list(range(10, 40))
    _ask(qtbot, source, received, 43)  # playback skipped frames: the queue drops them and keeps the rest
    qtbot.waitUntil(lambda: source._ahead and source._ahead[0][0] == 44, timeout=WAIT_MS)


def test_a_seek_empties_the_queue_and_shows_exactly_the_frame_asked(qtbot, source: FrameSource) -> None:
    received = _record(source)
    for index in (100, 101):
        _ask(qtbot, source, received, index)
    qtbot.waitUntil(lambda: len(source._ahead) == READ_AHEAD_FRAMES, timeout=WAIT_MS)
    _ask(qtbot, source, received, 250)
    assert all(index > 250 for index, _ in source._ahead)
    _ask(qtbot, source, received, 7)  # back, across a keyframe
    assert not source._ahead


def test_a_newer_request_is_never_overtaken_by_an_older_one(qtbot, source: FrameSource) -> None:
    received = _record(source)
    for index in (50, 51):
        _ask(qtbot, source, received, index)
    qtbot.waitUntil(lambda: len(source._ahead) == READ_AHEAD_FRAMES, timeout=WAIT_MS)
    for target in (200, 52, 201, 202, 203, 20, 21):  # no waiting between them: each may find the decoder busy
        source.request(target)
    qtbot.waitUntil(lambda: source.is_idle() and received[-1][0] == 21, timeout=WAIT_MS)
    qtbot.wait(100)
    assert received[-1][0] == 21 and read_index(received[-1][1].bgr()) == 21


def test_queued_frames_follow_a_change_of_display_size(qtbot, source: FrameSource) -> None:
    received = _record(source)
    source.set_display_size((96, 16))
    for index in (30, 31):
        frame, came_full = _ask(qtbot, source, received, index)
    assert frame.shrunk_size() == (96, 16) and not came_full  # the view paints the small copy only
    qtbot.waitUntil(lambda: len(source._ahead) == READ_AHEAD_FRAMES, timeout=WAIT_MS)
    source.set_display_size((192, 32))
    frame, _ = _ask(qtbot, source, received, 32)  # read ahead at the old size
    assert frame.shrunk_size() == (192, 32)
    source.set_display_size(None)  # zoomed in: the full frame is made before it is handed over
    _, came_full = _ask(qtbot, source, received, 33)
    assert came_full


def test_scrubbing_shows_keyframes_and_reads_nothing_ahead(qtbot, source: FrameSource) -> None:
    received = _record(source)
    for index in (60, 61):
        _ask(qtbot, source, received, index)
    qtbot.waitUntil(lambda: len(source._ahead) == READ_AHEAD_FRAMES, timeout=WAIT_MS)
    source.request(270, exact=False)
    qtbot.waitUntil(lambda: received[-1][0] == 250, timeout=WAIT_MS)  # the keyframe before 270
    assert received[-1][2] is False and not source._ahead


class IndexAnnotator:
    """Annotates frame i with 10 * i (failing on frame 13), noting the threads it runs and is closed on."""

    def __init__(self) -> None:
        self.threads: set[int] = set()
        self.closed_on: int | None = None

    def __call__(self, index: int) -> int:
        self.threads.add(threading.get_ident())
        if index == 13:
            raise ValueError("a broken annotation")
        return 10 * index

    def close(self) -> None:
        self.closed_on = threading.get_ident()


def test_an_annotator_annotates_every_frame_on_the_decode_thread_and_is_closed_there(qtbot, source: FrameSource) -> None:
    received = _record(source)
    first = IndexAnnotator()
    source.set_annotator(first)
    for index in range(10, 20):  # served and read ahead alike
        _ask(qtbot, source, received, index)
    assert [frame.annotation for _, frame, _ in received] == [10 * i if i != 13 else None for i in range(10, 20)]
    assert first.threads and threading.get_ident() not in first.threads
    second = IndexAnnotator()
    source.set_annotator(second)  # closed at once, not with the next frame
    qtbot.waitUntil(lambda: first.closed_on is not None, timeout=WAIT_MS)
    assert first.closed_on in first.threads
    frame, _ = _ask(qtbot, source, received, 200)
    assert frame.annotation == 2000
    source.close()
    assert second.closed_on in second.threads
