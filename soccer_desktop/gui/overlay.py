"""Detections drawn over the video: the painter, the per-frame lookup, and the panel's overlay controls.

The decode thread makes each frame's overlay as it decodes the frame
(:class:`BackgroundOverlays`, with a read-only connection of its own) and the
video panel hands frame and overlay to the view together, so the boxes can
never lag the picture and the GUI thread only paints them. An overlay made
for options since changed is made again by the panel's :class:`OverlaySource`.
What is shown and in which colour is decided by
:mod:`soccer_desktop.analysis.styling` (shared with the rendered MP4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QSlider,
    QToolButton,
    QWidget,
)

from soccer_desktop.analysis import store
from soccer_desktop.analysis.styling import CLASS_COLOURS, OverlayOptions, StyledBox, TrailPoint, ball_trail, styled_boxes
from soccer_desktop.core.errors import UserError
from soccer_desktop.gui.view_transform import ViewTransform
from soccer_desktop.project.store import ClassId, Project

TRAIL_RADIUS = 4
_LABEL_CACHE_LIMIT = 2000


@dataclass(frozen=True)
class FrameOverlay:
    """What to draw over one frame: its index (the picture it belongs to), boxes and the ball trail."""

    frame_index: int
    boxes: list[StyledBox] = field(default_factory=list)
    trail: list[TrailPoint] = field(default_factory=list)


class OverlaySource:
    """One analysis's boxes for any frame, read from the project a block of frames at a time.

    A block is one primary-key range read (a few milliseconds for 100 frames); playback then finds
    each frame and its ball trail in memory. A commit by another connection (a running analysis,
    tracking) changes the database's data version and drops the blocks read before it.
    """

    BLOCK_FRAMES = 100
    KEPT_BLOCKS = 3

    def __init__(self, project: Project, analysis_id: int, options: OverlayOptions | None = None) -> None:
        self.project = project
        self.analysis_id = analysis_id
        self.options = options or OverlayOptions()
        self._blocks: dict[int, _Block] = {}
        self._version: int | None = None

    def for_frame(self, index: int) -> FrameOverlay:
        version = self.project.data_version()
        if version != self._version:
            self._blocks.clear()
            self._version = version
        detections = self._block(index).frames.get(index, [])
        trail: list[TrailPoint] = []
        if self.options.trail_frames > 0 and index > 0:
            balls = [d for i in range(max(0, index - self.options.trail_frames), index)
                     for d in self._block(i).balls.get(i, ())]  # fmt: skip
            trail = ball_trail(balls, index, self.options)
        return FrameOverlay(index, styled_boxes(detections, self.options), trail)

    def _block(self, index: int) -> _Block:
        number = index // self.BLOCK_FRAMES
        block = self._blocks.get(number)
        if block is None:
            if len(self._blocks) >= self.KEPT_BLOCKS:
                del self._blocks[next(iter(self._blocks))]
            first = number * self.BLOCK_FRAMES
            block = _Block()
            for row in store.detections_between(self.project, self.analysis_id, first, first + self.BLOCK_FRAMES - 1):
                block.frames.setdefault(row.frame_index, []).append(row)
                if row.class_id == ClassId.BALL:
                    block.balls.setdefault(row.frame_index, []).append(row)
            self._blocks[number] = block
        return block


class MadeOverlay(NamedTuple):
    """An overlay made on the decode thread, and the source whose copy made it."""

    source: OverlaySource
    overlay: FrameOverlay


class BackgroundOverlays:
    """A :class:`FrameSource` annotator: the overlays of an :class:`OverlaySource`, made on the decode thread.

    It reads the same analysis with the same options through its own read-only connection, opened on
    first use by the thread that uses it (SQLite connections belong to one thread).
    """

    def __init__(self, source: OverlaySource) -> None:
        self.source = source
        self._copy: OverlaySource | None = None

    def __call__(self, index: int) -> MadeOverlay:
        if self._copy is None:
            reader = Project.open_reader(self.source.project.root)
            self._copy = OverlaySource(reader, self.source.analysis_id, self.source.options)
        return MadeOverlay(self.source, self._copy.for_frame(index))

    def close(self) -> None:
        if self._copy is not None:
            self._copy.project.close()
            self._copy = None


@dataclass
class _Block:
    """One block of frames' detections, and their balls apart (the trail reads a dozen frames of them)."""

    frames: dict[int, list[store.Detection]] = field(default_factory=dict)
    balls: dict[int, list[store.Detection]] = field(default_factory=dict)


class OverlayPainter:
    """Paints a :class:`FrameOverlay` through a view transform; colours, pens, labels and trail dots are cached."""

    def __init__(self) -> None:
        self._pens: dict[tuple[tuple[int, int, int], bool], QPen] = {}
        self._colours: dict[tuple[int, int, int], QColor] = {}
        self._labels: dict[tuple[str, tuple[int, int, int]], QImage] = {}
        self._label_style: tuple[QFont, float] | None = None  # the font and pixel ratio the labels were drawn with
        self._trail_dots: dict[int, QImage] = {}

    def paint(self, painter: QPainter, transform: ViewTransform, overlay: FrameOverlay, font: QFont,
              pixel_ratio: float) -> None:  # fmt: skip
        """Whole-pixel boxes and labels copied from images: this runs for every frame played.

        ``painter`` is a widget's fresh one (no antialiasing, no brush: setting them again costs more than a
        box); labels are drawn in ``font`` for a screen of ``pixel_ratio`` device pixels per pixel.
        """
        scale, dx, dy = transform.scale, transform.offset_x + 0.5, transform.offset_y + 0.5  # +0.5: int() rounds
        if self._label_style != (font, pixel_ratio):
            self._labels.clear()  # another font, or the window moved to another screen
            self._label_style = (font, pixel_ratio)
        for x, y, w, h, colour, label, dashed, ghost, *_ in overlay.boxes:
            if ghost:  # a hollow ring: a ball candidate the trajectory rejected
                painter.setPen(self._pen(colour, True))
                radius = max(4.0, max(w, h) * scale / 2 + 2)
                painter.drawEllipse(QPointF((x + w / 2) * scale + dx, (y + h / 2) * scale + dy), radius, radius)
                continue
            left, top = int(x * scale + dx), int(y * scale + dy)
            width, height = int((x + w) * scale + dx) - left, int((y + h) * scale + dy) - top
            if dashed:
                painter.setPen(self._pen(colour, True))
                painter.drawRect(left, top, width, height)
            else:  # two pixels wide, as four filled edges: a quarter cheaper than stroking two rectangles
                fill = self._colour(colour)
                painter.fillRect(left, top, width + 1, 2, fill)
                painter.fillRect(left, top + height - 1, width + 1, 2, fill)
                painter.fillRect(left, top + 2, 2, height - 3, fill)
                painter.fillRect(left + width - 1, top + 2, 2, height - 3, fill)
            if label:
                painter.drawImage(left, top - 14, self._label(label, colour))
        for x, y, opacity in overlay.trail:
            painter.drawImage(int(x * scale + dx) - TRAIL_RADIUS, int(y * scale + dy) - TRAIL_RADIUS,
                              self._trail_dot(opacity))  # fmt: skip

    def _colour(self, colour: tuple[int, int, int]) -> QColor:
        fill = self._colours.get(colour)
        if fill is None:
            fill = self._colours[colour] = QColor(*colour)
        return fill

    def _pen(self, colour: tuple[int, int, int], dashed: bool) -> QPen:
        pen = self._pens.get((colour, dashed))
        if pen is None:
            pen = QPen(QColor(*colour), 1.0)
            pen.setCosmetic(True)
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            self._pens[(colour, dashed)] = pen
        return pen

    def _trail_dot(self, opacity: float) -> QImage:
        """A smooth dot drawn once per opacity: copying it costs a fifth of drawing an antialiased circle."""
        alpha = int(255 * opacity)
        dot = self._trail_dots.get(alpha)
        if dot is None:
            side = 2 * TRAIL_RADIUS + 1
            dot = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
            dot.fill(0)
            painter = QPainter(dot)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(QColor(*CLASS_COLOURS[int(ClassId.BALL)], alpha)))
            painter.drawEllipse(QPointF(side / 2, side / 2), TRAIL_RADIUS, TRAIL_RADIUS)
            painter.end()
            self._trail_dots[alpha] = dot
        return dot

    def _label(self, text: str, colour: tuple[int, int, int]) -> QImage:
        """The text drawn once into a small image: copying it costs half of laying the text out again."""
        label = self._labels.get((text, colour))
        if label is None:
            if len(self._labels) > _LABEL_CACHE_LIMIT:
                self._labels.clear()
            assert self._label_style is not None
            label = _text_image(text, colour, *self._label_style)
            self._labels[(text, colour)] = label
        return label


def _text_image(text: str, colour: tuple[int, int, int], font: QFont, pixel_ratio: float) -> QImage:
    """``text`` in ``colour`` on a transparent image whose top-left is the text's top-left."""
    metrics = QFontMetrics(font)
    image = QImage(round((metrics.horizontalAdvance(text) + 2) * pixel_ratio), round(metrics.height() * pixel_ratio),
                   QImage.Format.Format_ARGB32_Premultiplied)  # fmt: skip
    image.setDevicePixelRatio(pixel_ratio)
    image.fill(0)
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor(*colour))
    painter.drawText(0, metrics.ascent(), text)
    painter.end()
    return image


class OverlayControls(QWidget):
    """The analysis box (one click to choose), rename/delete, confidence slider, class toggles, ball only, trail."""

    sig_changed = Signal()
    """The analysis or an option changed: draw the current frame again."""
    sig_error = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._project: Project | None = None
        self._video_id: int | None = None
        self.analysis_box = QComboBox()
        self.analysis_box.setMinimumContentsLength(24)
        self.analysis_box.setToolTip("Detections drawn over the video (Analysis › Analyse video… makes them)")
        self.rename_button = QToolButton()
        self.rename_button.setText("Rename…")
        self.delete_button = QToolButton()
        self.delete_button.setText("Delete…")
        self.confidence_slider = QSlider(Qt.Orientation.Horizontal)
        self.confidence_slider.setRange(0, 100)
        self.confidence_slider.setMaximumWidth(140)
        self.confidence_slider.setToolTip("Hide boxes below this confidence")
        self.confidence_label = QLabel("≥ 0.00")
        self.player_check = QCheckBox("Players")
        self.ball_check = QCheckBox("Ball")
        self.ball_only_check = QCheckBox("Ball only")
        self.trail_check = QCheckBox("Trail")
        self.ghost_check = QCheckBox("Ghost balls")
        self.ghost_check.setToolTip("Ball candidates the ball's trajectory rejected (hollow rings)")
        self.team_colours: dict[int, tuple[int, int, int]] = {}  # the shown analysis's team colours
        for check in (self.player_check, self.ball_check, self.trail_check):
            check.setChecked(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Analysis"))
        layout.addWidget(self.analysis_box)
        layout.addWidget(self.rename_button)
        layout.addWidget(self.delete_button)
        layout.addSpacing(12)
        layout.addWidget(QLabel("Confidence"))
        layout.addWidget(self.confidence_slider)
        layout.addWidget(self.confidence_label)
        for check in (self.player_check, self.ball_check, self.ball_only_check, self.trail_check, self.ghost_check):
            layout.addWidget(check)
        layout.addStretch(1)
        self.analysis_box.currentIndexChanged.connect(self._analysis_changed)
        self.confidence_slider.valueChanged.connect(self._option_changed)
        for check in (self.player_check, self.ball_check, self.ball_only_check, self.trail_check, self.ghost_check):
            check.toggled.connect(self._option_changed)
        self.rename_button.clicked.connect(self.ask_rename)
        self.delete_button.clicked.connect(self.ask_delete)
        self.set_analyses(None, [])

    # ------------------------------------------------------------- analyses
    def set_analyses(self, project: Project | None, analyses: list[store.Analysis], select: int | None = None) -> None:
        """Offer ``analyses`` (of the video shown); keeps the current choice when it is still there.

        ``select``: the analysis to show (-1: none); None keeps the current one, or shows the newest.
        """
        self._project = project
        keep = select if select is not None else self.analysis_id()
        self.analysis_box.blockSignals(True)
        self.analysis_box.clear()
        self.analysis_box.addItem("No overlay", None)
        for analysis in analyses:
            self.analysis_box.addItem(self._title(project, analysis), analysis.id)
        position = self.analysis_box.findData(keep) if keep is not None else -1
        if position < 0 and select is None and analyses:
            position = 1  # a video with analyses opens with the newest one shown
        self.analysis_box.setCurrentIndex(max(0, position))
        self.analysis_box.blockSignals(False)
        self._sync_buttons()
        self.refresh_teams()

    @staticmethod
    def _title(project: Project | None, analysis: store.Analysis) -> str:
        if analysis.status == "done" or project is None:
            return analysis.name
        done = store.done_count(project, analysis.id)
        total = analysis.settings.get("frame_count", "?")
        return f"{analysis.name} ({analysis.status}, {done}/{total} frames)"

    def analysis_id(self) -> int | None:
        value = self.analysis_box.currentData()
        return None if value is None else int(value)

    def choose(self, analysis_id: int | None) -> None:
        position = self.analysis_box.findData(analysis_id)
        if position >= 0:
            self.analysis_box.setCurrentIndex(position)

    def options(self) -> OverlayOptions:
        classes = frozenset(
            int(c) for c, check in ((ClassId.PLAYER, self.player_check), (ClassId.BALL, self.ball_check))
            if check.isChecked()
        )  # fmt: skip
        return OverlayOptions(min_score=self.confidence_slider.value() / 100, classes=classes,
                              ball_only=self.ball_only_check.isChecked(),
                              trail_frames=OverlayOptions().trail_frames if self.trail_check.isChecked() else 0,
                              show_ghosts=self.ghost_check.isChecked(), team_colours=self.team_colours)  # fmt: skip

    def _analysis_changed(self) -> None:
        self._sync_buttons()
        self.refresh_teams()

    def refresh_teams(self) -> None:
        """Read the shown analysis's team colours again (named, recoloured or a track moved) and redraw."""
        from soccer_desktop.analysis.track_store import team_styles

        analysis_id = self.analysis_id()
        if self._project is None or analysis_id is None:
            self.team_colours = {}
        else:
            self.team_colours = {team: style.rgb for team, style in team_styles(self._project, analysis_id).items()}
        self.sig_changed.emit()

    @property
    def project(self) -> Project | None:
        return self._project

    def _option_changed(self) -> None:
        self.confidence_label.setText(f"≥ {self.confidence_slider.value() / 100:.2f}")
        self.sig_changed.emit()

    def _sync_buttons(self) -> None:
        chosen = self.analysis_id() is not None
        self.rename_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # ------------------------------------------------------- rename, delete
    def rename(self, name: str) -> None:
        analysis_id = self.analysis_id()
        if self._project is None or analysis_id is None:
            return
        try:
            store.rename_analysis(self._project, analysis_id, name)
        except UserError as error:
            self.sig_error.emit(str(error))
            return
        self._reload(analysis_id)

    def delete(self) -> None:
        analysis_id = self.analysis_id()
        if self._project is None or analysis_id is None:
            return
        try:
            store.delete_analysis(self._project, analysis_id)
        except UserError as error:
            self.sig_error.emit(str(error))
            return
        self._reload(None)

    def _reload(self, select: int | None) -> None:
        """List the shown video's analyses again; ``select`` None shows no overlay."""
        self.set_video(self._project, self._video_id, -1 if select is None else select)

    def set_video(self, project: Project | None, video_id: int | None, select: int | None = None) -> None:
        """Show the analyses of ``video_id`` (None: no project video, no overlay)."""
        self._video_id = video_id
        analyses = store.list_analyses(project, video_id) if project is not None and video_id is not None else []
        self.set_analyses(project, analyses, select)

    def ask_rename(self) -> None:
        current = self.analysis_box.currentText()
        name, accepted = QInputDialog.getText(self, "Rename analysis", "New name", text=current)
        if accepted:
            self.rename(name)

    def ask_delete(self) -> None:
        name = self.analysis_box.currentText()
        answer = QMessageBox.question(self, "Delete analysis", f"Delete the analysis {name!r} and all its detections?")
        if answer == QMessageBox.StandardButton.Yes:
            self.delete()
