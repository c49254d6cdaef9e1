"""The video panel: frame-accurate playback, stepping, scrubbing, zoom, event markers.

Decoding happens on a :class:`FrameSource` thread; the panel only asks for
frames and paints what arrives.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.core.errors import UserError
from soccer_desktop.editing.shortcuts import VIDEO_PLAYER_KEYS
from soccer_desktop.gui.frame_source import FrameSource
from soccer_desktop.gui.frame_view import FrameView
from soccer_desktop.gui.overlay import BackgroundOverlays, FrameOverlay, MadeOverlay, OverlayControls, OverlaySource
from soccer_desktop.gui.timeline import Marker, Timeline
from soccer_desktop.gui.track_menu import TrackMenu

if TYPE_CHECKING:
    from soccer_desktop.project.store import Project
    from soccer_desktop.video.display import DisplayFrame
    from soccer_desktop.video.reader import VideoInfo

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
POSITION_REFRESH_MS = 16  # timecode, frame box and timeline change at most once per screen refresh


def timecode(frame_index: int, fps: float, seconds_at: float | None = None) -> str:
    """``hh:mm:ss.ff`` (ff = frame within the second).

    ``seconds_at``: the frame's real time (from its timestamp); variable-frame-rate files need it,
    since ``frame_index / fps`` drifts from the truth there.
    """
    if fps <= 0:
        return "--:--:--.--"
    whole_fps = max(1, int(round(fps)))
    if seconds_at is not None:
        frame_index = int(seconds_at * whole_fps + 1e-6)  # frame slots of 1/fps s, from the real time
    seconds, frame = divmod(frame_index, whole_fps)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{frame:02d}"


class VideoPanel(QWidget):
    """Plays one video at a time."""

    sig_frame_shown = Signal(int)
    """The exact frame now on screen."""
    sig_error = Signal(str)
    sig_opened = Signal(object)
    """A video opened: its VideoInfo."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source: FrameSource | None = None
        self._start_frame = 0
        self._shown = -1
        self._shown_any = -1  # the frame on screen, exact or the keyframe shown while scrubbing
        self._target = 0
        self._speed = 1.0
        self._playing = False
        self._play_started_at = 0.0
        self._play_started_frame = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_tick)
        self._position_shown_at = 0.0
        self._position_timer = QTimer(self)  # shows the last frame's position when frames came too fast
        self._position_timer.setSingleShot(True)
        self._position_timer.timeout.connect(self._show_position)

        self.view = FrameView()
        self.overlay_controls = OverlayControls()
        self.track_menu = TrackMenu(self.view, self.overlay_controls)
        self._overlay: OverlaySource | None = None
        self._project: Project | None = None
        self.timeline = Timeline()
        self._info = QLabel("No video")
        self._timecode = QLabel("--:--:--.--")
        self._frame_box = QSpinBox()
        self._frame_box.setKeyboardTracking(False)
        self._frame_box.setRange(0, 0)
        self._speed_box = QComboBox()
        for speed in SPEEDS:
            self._speed_box.addItem(f"{speed:g}×", speed)
        self._speed_box.setCurrentIndex(SPEEDS.index(1.0))

        style = self.style()
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self.play_button = self._button("Play", "Play/pause (Space)", self.toggle_play)
        self.play_button.setIcon(self._play_icon)
        first = self._button("First", "First frame (Home)", self.go_start)
        first.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward))
        last = self._button("Last", "Last frame (End)", self.go_end)
        last.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward))
        transport = QHBoxLayout()
        transport.addWidget(first)
        transport.addWidget(self._button("−10", "Back 10 frames (Shift+Left)", lambda: self.step(-10)))
        transport.addWidget(self._button("−1", "Previous frame (Left)", lambda: self.step(-1)))
        transport.addWidget(self.play_button)
        transport.addWidget(self._button("+1", "Next frame (Right)", lambda: self.step(1)))
        transport.addWidget(self._button("+10", "Forward 10 frames (Shift+Right)", lambda: self.step(10)))
        transport.addWidget(last)
        transport.addWidget(QLabel("Speed"))
        transport.addWidget(self._speed_box)
        transport.addSpacing(12)
        transport.addWidget(self._timecode)
        transport.addWidget(QLabel("Frame"))
        transport.addWidget(self._frame_box)
        transport.addStretch(1)
        transport.addWidget(self._button("Fit", "Fit the frame to the window (F)", self.view.fit))
        transport.addWidget(self._button("1:1", "Actual pixels (1)", self.view.actual_size))
        transport.addWidget(self._info)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.overlay_controls)
        layout.addWidget(self.timeline)
        layout.addLayout(transport)

        self.timeline.sig_scrubbing.connect(lambda index: self._request(index, exact=False))
        self.timeline.sig_scrub_released.connect(self.seek)
        self.timeline.sig_marker_clicked.connect(self.seek)
        self._frame_box.valueChanged.connect(self._on_frame_box)
        self._speed_box.currentIndexChanged.connect(lambda i: self.set_speed(SPEEDS[i]))
        self.overlay_controls.sig_changed.connect(self._overlay_changed)
        self.view.sig_view_changed.connect(self._send_display_size)
        self.overlay_controls.sig_error.connect(self.sig_error)
        self._add_shortcuts()
        self._set_enabled(False)

    def _button(self, text: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _add_shortcuts(self) -> None:
        slots = {
            "toggle_play": self.toggle_play,
            "next_frame": lambda: self.step(1),
            "previous_frame": lambda: self.step(-1),
            "forward_10": lambda: self.step(10),
            "back_10": lambda: self.step(-10),
            "first_frame": self.go_start,
            "last_frame": self.go_end,
            "fit": self.view.fit,
            "actual_size": self.view.actual_size,
            "zoom_in": lambda: self.view.zoom(1.25),
            "zoom_out": lambda: self.view.zoom(0.8),
        }
        for action_id, key, _title in VIDEO_PLAYER_KEYS:  # the table Help › Keyboard shortcuts lists
            slot = slots[action_id]
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in self.findChildren(QToolButton) + [self._frame_box, self._speed_box, self.timeline]:
            widget.setEnabled(enabled)

    # ------------------------------------------------------------ open/close
    def open_video(self, path: Path, start_frame: int = 0, index_cache: Path | None = None) -> None:
        """Start showing a video at ``start_frame``; problems arrive as ``sig_error``.

        ``index_cache``: the project's frame-index folder, so a project video is not demuxed again.

        The same video, already open, is not opened again: it just seeks.
        """
        if self._source is not None and self._source.path == Path(path) and self._source.info is not None:
            self.seek(start_frame)
            return
        self.close_video()
        self._start_frame = start_frame
        source = FrameSource(Path(path), index_cache=index_cache)
        self._source = source
        source.sig_opened.connect(self._on_opened)
        source.sig_frame.connect(self._on_frame)
        source.sig_error.connect(self._on_source_error)
        self._hand_overlay_to_decoder()
        source.start()

    def _on_opened(self, info: VideoInfo) -> None:
        if self._source is None or self._source.info is not info:
            return
        self._info.setText(
            f"{info.width}×{info.height} · {info.fps:g} fps · {info.frame_count} frames · "
            f"{timecode(info.frame_count, info.fps)}"
        )
        self._frame_box.blockSignals(True)
        self._frame_box.setRange(0, info.frame_count - 1)
        self._frame_box.blockSignals(False)
        self.timeline.set_frame_count(info.frame_count)
        self._set_enabled(True)
        self._shown = -1
        self.view.fit()
        self.seek(self._start_frame)
        self.sig_opened.emit(info)

    def close_video(self) -> None:
        self.pause()
        self._position_timer.stop()
        if self._source is not None:
            self._source.sig_opened.disconnect(self._on_opened)
            self._source.sig_frame.disconnect(self._on_frame)
            self._source.sig_error.disconnect(self._on_source_error)
            self._source.close()
            self._source = None
        self.view.set_frame(None)
        self._shown_any = -1
        self.timeline.set_frame_count(0)
        self.timeline.set_markers([])
        self._info.setText("No video")
        self._set_enabled(False)

    @property
    def video_path(self) -> Path | None:
        return None if self._source is None else self._source.path

    @property
    def fps(self) -> float:
        return 0.0 if self._source is None or self._source.info is None else self._source.info.fps

    @property
    def frame_count(self) -> int:
        return 0 if self._source is None or self._source.info is None else self._source.info.frame_count

    @property
    def shown_index(self) -> int:
        """The exact frame on screen (-1 before the first one arrives)."""
        return self._shown

    def set_markers(self, markers: list[Marker]) -> None:
        self.timeline.set_markers(markers)

    # -------------------------------------------------------------- overlays
    def show_analyses(self, project: Project | None, video_id: int | None, select: int | None = None) -> None:
        """Offer the stored analyses of the project video shown (None: a video outside any project)."""
        self._project = project
        self.overlay_controls.set_video(project, video_id, select)

    def _overlay_changed(self) -> None:
        analysis_id = self.overlay_controls.analysis_id()
        if self._project is None or analysis_id is None:
            self._overlay = None
        else:
            self._overlay = OverlaySource(self._project, analysis_id, self.overlay_controls.options())
        self._hand_overlay_to_decoder()
        index = self.view.overlay.frame_index if self.view.overlay is not None else self._shown_any
        self.view.set_overlay(self._overlay_for(index))

    def _hand_overlay_to_decoder(self) -> None:
        """The decode thread makes the overlay of each frame it decodes, for the analysis and options shown."""
        if self._source is not None:
            self._source.set_annotator(None if self._overlay is None else BackgroundOverlays(self._overlay))

    def _overlay_of(self, index: int, frame: DisplayFrame) -> FrameOverlay | None:
        """The overlay the decode thread made with the frame, unless made for an analysis or options since changed."""
        made = frame.annotation
        if isinstance(made, MadeOverlay) and made.source is self._overlay and made.overlay.frame_index == index:
            return made.overlay
        return self._overlay_for(index)

    def _overlay_for(self, index: int) -> FrameOverlay | None:
        if self._overlay is None or index < 0:
            return None
        try:
            return self._overlay.for_frame(index)
        except UserError as error:  # the project went busy or the analysis was deleted elsewhere
            self._overlay = None
            self._hand_overlay_to_decoder()
            self.sig_error.emit(str(error))
            return None

    # -------------------------------------------------------------- movement
    def seek(self, index: int) -> None:
        """Show exactly frame ``index`` (clamped to the video)."""
        self.pause()
        self._request(index, exact=True)

    def step(self, count: int) -> None:
        base = self._target if self._source is not None else 0
        self.seek(base + count)

    def go_start(self) -> None:
        self.seek(0)

    def go_end(self) -> None:
        self.seek(self.frame_count - 1)

    def _request(self, index: int, exact: bool) -> None:
        if self._source is None or self._source.info is None:
            return
        index = max(0, min(int(index), self.frame_count - 1))
        self._target = index
        self._source.request(index, exact)  # the timeline moves when the frame is shown (or with the mouse)

    def _on_frame_box(self, value: int) -> None:
        if value != self._shown:
            self.seek(value)

    # -------------------------------------------------------------- playback
    def is_playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        if self.frame_count == 0 or self._playing:
            return
        if self._target >= self.frame_count - 1:
            self._request(0, exact=True)
        self._playing = True
        self._play_started_at = time.monotonic()
        self._play_started_frame = max(self._shown, 0)
        self.play_button.setIcon(self._pause_icon)
        self._timer.start(max(1, int(1000 / (self.fps * self._speed * 2))))

    def pause(self) -> None:
        if not self._playing:
            return
        self._playing = False
        self._timer.stop()
        self.play_button.setIcon(self._play_icon)

    def toggle_play(self) -> None:
        self.pause() if self._playing else self.play()

    def set_speed(self, speed: float) -> None:
        self._speed = speed
        index = self._speed_box.findData(speed)
        if index >= 0 and index != self._speed_box.currentIndex():
            self._speed_box.setCurrentIndex(index)
        if self._playing:
            self.pause()
            self.play()

    @property
    def speed(self) -> float:
        return self._speed

    def _on_tick(self) -> None:
        """Ask for the frame the clock says is due, once the previous one has arrived."""
        if self._source is None or not self._source.is_idle():
            return
        elapsed = (time.monotonic() - self._play_started_at) * self._speed
        index = self._source.index
        if index is not None:  # by the real timestamps: right for variable-frame-rate files too
            due = index.frame_shown_at(index.time_of(self._play_started_frame) + elapsed)
        else:
            due = self._play_started_frame + int(elapsed * self.fps)
        if self._shown >= self.frame_count - 1:
            self.pause()
            return
        if due > self._shown:
            self._request(min(due, self.frame_count - 1), exact=True)

    # ---------------------------------------------------------------- frames
    def _timecode_of(self, frame: int) -> str:
        index = self._source.index if self._source is not None else None
        return timecode(frame, self.fps, index.time_of(frame) if index is not None else None)

    def _on_frame(self, index: int, frame: DisplayFrame, exact: bool) -> None:
        self._shown_any = index
        self.view.set_frame(frame, self._overlay_of(index, frame))  # picture and boxes of one frame, together
        self._send_display_size()
        if not exact:
            self._timecode.setText(f"≈ {self._timecode_of(index)}")
            return
        self._shown = index
        waited_ms = (time.monotonic() - self._position_shown_at) * 1000
        if waited_ms >= POSITION_REFRESH_MS:
            self._show_position()
        elif not self._position_timer.isActive():
            self._position_timer.start(max(1, int(POSITION_REFRESH_MS - waited_ms)))
        self.sig_frame_shown.emit(index)

    def _show_position(self) -> None:
        """Timecode, frame box and timeline show the exact frame on screen.

        Not for every frame of a fast run of frames (the screen could not show them): each costs a
        relayout and three repaints, as much as the frame's own picture.
        """
        self._position_timer.stop()
        self._position_shown_at = time.monotonic()
        index = self._shown
        if index < 0:
            return
        self._timecode.setText(self._timecode_of(index))
        self._frame_box.blockSignals(True)
        self._frame_box.setValue(index)
        self._frame_box.blockSignals(False)
        if not self.timeline.is_dragging():
            self.timeline.set_position(index)

    def _send_display_size(self) -> None:
        """The decoder makes the next frames at the size they are shown (a zoom or resize changes it at once)."""
        if self._source is not None:
            self._source.set_display_size(self.view.display_size())

    def _on_source_error(self, message: str) -> None:
        opened = self._source is not None and self._source.info is not None
        if not opened:
            self.close_video()
        self.pause()
        self.sig_error.emit(message)
