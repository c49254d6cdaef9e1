"""Benchmark: overlay playback in the real video panel against PyAV decoding alone.

Run as a script: ``python tests/bench/bench_playback.py [--frames N]``.

* decode alone: the frame-accurate reader reading every frame in order (PyAV, BGR arrays).
* playback: the video panel showing every frame in order as fast as it can (each frame painted with
  its own 25 boxes read from the project, the decode thread reading ahead meanwhile): the highest
  frame rate it can play without dropping frames. Targets: 1080p >= 0.7x decode alone; a 3840x1080
  panorama in a 1600 px wide window >= 0.85x. Playback can beat "decode alone": zoomed out, the panel
  converts only the small picture it shows, where decoding alone converts every full frame to BGR.
* overlay share (target <= 10%): what overlays cost the GUI thread per frame -- a repaint with the
  overlay minus one without, plus the time the panel spent getting each frame's overlay while playing
  (the decode thread makes them as it decodes; the panel makes one itself only when options changed
  since) -- as a share of the playback frame time. Also printed: what making an overlay costs the
  decode thread, and, measured whole, how much slower playback with overlays is than without.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SOCCER_DESKTOP_HOME", tempfile.mkdtemp(prefix="bench-playback-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import cv2  # noqa: E402,F401  - before Qt, as the app does

from soccer_desktop.gui.qt_env import prepare_qt_environment  # noqa: E402

prepare_qt_environment()

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from soccer_desktop.analysis import store  # noqa: E402
from soccer_desktop.gui.overlay import BackgroundOverlays, OverlaySource  # noqa: E402
from soccer_desktop.gui.video_panel import VideoPanel  # noqa: E402
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project  # noqa: E402
from soccer_desktop.video.library import add_video  # noqa: E402
from soccer_desktop.video.reader import VideoReader  # noqa: E402
from tests.detect.clips import write_pitch_clip  # noqa: E402

BOXES_PER_FRAME = 25


def wait_until(condition: object, timeout_s: float = 30.0) -> None:
    """Run the event loop (sleeping in Qt, as the app does, not spinning in Python) until ``condition``."""
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: condition() and loop.quit())  # type: ignore[operator]
    poll.start(2)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    if not condition():  # type: ignore[operator]
        loop.exec()
    poll.stop()
    if not condition():  # type: ignore[operator]
        raise TimeoutError("the panel did not get there in time")


def play_every_frame(panel: VideoPanel) -> None:
    """Show every frame in order as fast as the panel can: paint each, then ask for the next."""
    loop = QEventLoop()

    def shown(index: int) -> None:
        panel.view.repaint()  # the frame and its overlay, painted now rather than coalesced
        if index + 1 < panel.frame_count:
            panel.seek(index + 1)
        else:
            loop.quit()

    panel.sig_frame_shown.connect(shown)
    panel.seek(1)
    loop.exec()
    panel.sig_frame_shown.disconnect(shown)


def decode_alone(path: Path, frames: int) -> float:
    with VideoReader(path) as reader:
        started = time.perf_counter()
        for index in range(frames):
            reader.read(index)
        return frames / (time.perf_counter() - started)


def make_overlays_ms(project: Project, analysis_id: int, frames: int) -> float:
    """What the decode thread spends per frame making overlays in order, from a cold start (reads included)."""
    source = BackgroundOverlays(OverlaySource(project, analysis_id))
    started = time.perf_counter()
    for index in range(frames):
        source(index)
    elapsed = time.perf_counter() - started
    source.close()
    return elapsed * 1000 / frames


def case(name: str, folder: Path, width: int, height: int, window_width: int, frames: int) -> None:
    clip = write_pitch_clip(folder / f"{name}.mp4", frames=frames, width=width, height=height)
    rng = random.Random(0)
    with Project.create(folder / name) as project:
        video, _ = add_video(project, clip)
        analysis = store.create_analysis(project, video.id, "bench", "bench")
        store.write_frames(project, analysis.id, [
            (i, [NewBox(ClassId.PLAYER if k else ClassId.BALL, rng.uniform(0, width - 40), rng.uniform(0, height - 80),
                        30 if k else 9, 70 if k else 9, rng.uniform(0.2, 1.0), BoxSource.PSEUDO)
                 for k in range(BOXES_PER_FRAME)])
            for i in range(frames)])  # fmt: skip
        decode_fps = max(decode_alone(clip, frames) for _ in range(2))

        panel = VideoPanel()
        panel.resize(window_width, round(window_width * 0.45))
        panel.show()
        panel.open_video(clip)
        wait_until(lambda: panel.shown_index == 0)
        panel.show_analyses(project, video.id)
        def best_fps() -> float:
            best = 0.0
            for _ in range(2):
                panel.seek(0)
                wait_until(lambda: panel.shown_index == 0)
                started = time.perf_counter()
                play_every_frame(panel)
                best = max(best, (frames - 1) / (time.perf_counter() - started))
            return best

        panel.overlay_controls.choose(None)
        bare_fps = best_fps()
        panel.overlay_controls.choose(analysis.id)
        overlay_of = panel._overlay_of
        fetching = [0.0, 0]  # seconds spent getting overlays on the GUI thread, frames

        def timed_overlay_of(index: int, frame: object) -> object:
            started = time.perf_counter()
            try:
                return overlay_of(index, frame)  # type: ignore[arg-type]
            finally:
                fetching[0] += time.perf_counter() - started
                fetching[1] += 1

        panel._overlay_of = timed_overlay_of  # type: ignore[method-assign]
        best = best_fps()
        panel._overlay_of = overlay_of  # type: ignore[method-assign]
        assert panel.view.overlay is not None and len(panel.view.overlay.boxes) == BOXES_PER_FRAME
        fetch_ms = fetching[0] * 1000 / fetching[1]

        def paint_ms(repeats: int = 40) -> float:
            started = time.perf_counter()
            for _ in range(repeats):
                panel.view.repaint()
            return (time.perf_counter() - started) * 1000 / repeats

        overlay = panel.view.overlay
        with_overlay = min(paint_ms() for _ in range(3))
        panel.view.set_overlay(None)
        without = min(paint_ms() for _ in range(3))
        panel.view.set_overlay(overlay)
        made_ms = make_overlays_ms(project, analysis.id, frames)
        frame_ms = 1000 / best
        share = (with_overlay - without + fetch_ms) / frame_ms
        panel.close_video()
        panel.deleteLater()
        ratio = best / decode_fps
        print(f"{name}: {width}x{height} in a {window_width} px window, {BOXES_PER_FRAME} boxes/frame")
        print(f"  decode alone {decode_fps:.1f} fps; playback with overlays {best:.1f} fps; ratio {ratio:.2f}x "
              f"(without overlays {bare_fps:.1f} fps, {bare_fps / decode_fps:.2f}x)")
        print(f"  GUI thread: paint {without:.2f} ms bare, {with_overlay:.2f} ms with overlay, getting the overlay "
              f"{fetch_ms:.3f} ms; overlay share of the frame time {100 * share:.1f}%")
        print(f"  decode thread: reading and styling an overlay {made_ms:.3f} ms/frame; playback with overlays "
              f"{100 * (1 - best / bare_fps):.1f}% slower than without")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=250)
    args = parser.parse_args()
    QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="bench-playback-") as folder:
        case("1080p", Path(folder), 1920, 1080, 1280, args.frames)
        case("panorama", Path(folder), 3840, 1080, 1600, args.frames)
    print("targets: 1080p >= 0.70x, panorama >= 0.85x, overlay share <= 10%")


if __name__ == "__main__":
    main()
