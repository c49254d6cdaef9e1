"""PR curves and F1 against confidence (pyqtgraph), and the confidence slider that drives them."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from soccer_desktop.evaluation.metrics import AtThreshold, Metrics

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
SLIDER_STEPS = 100


class CurvesView(QWidget):
    """PR and F1 curves of one or more evaluations; the slider picks the confidence shown everywhere."""

    sig_confidence = Signal(float)
    """The confidence chosen with the slider."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=False)
        self.pr_plot = pg.PlotWidget(title="Precision-recall (players IoU 0.5, ball by centre distance)")
        self.f1_plot = pg.PlotWidget(title="F1 against confidence")
        for plot, x_label, y_label in ((self.pr_plot, "recall", "precision"), (self.f1_plot, "confidence", "F1")):
            plot.setBackground("w")
            plot.setLabel("bottom", x_label)
            plot.setLabel("left", y_label)
            plot.setXRange(0, 1)
            plot.setYRange(0, 1.02)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.addLegend(offset=(-10, -10))
        self.threshold_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#555", width=1, style=Qt.PenStyle.DashLine))
        self.f1_plot.addItem(self.threshold_line)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(1, SLIDER_STEPS - 1)
        self.slider.setToolTip("Confidence threshold: precision, recall, F1 and the error lists follow it")
        self.slider_label = QLabel()
        self.numbers = QLabel("Pick an evaluation")
        self.numbers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        plots = QHBoxLayout()
        plots.addWidget(self.pr_plot)
        plots.addWidget(self.f1_plot)
        slider_row = QHBoxLayout()
        slider_row.addWidget(QLabel("Confidence"))
        slider_row.addWidget(self.slider, 1)
        slider_row.addWidget(self.slider_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(plots, 1)
        layout.addLayout(slider_row)
        layout.addWidget(self.numbers)
        self.slider.valueChanged.connect(self._slid)
        self._named: list[tuple[str, Metrics]] = []

    @property
    def confidence(self) -> float:
        return self.slider.value() / SLIDER_STEPS

    def set_confidence(self, confidence: float) -> None:
        self.slider.setValue(round(confidence * SLIDER_STEPS))
        self._slid(self.slider.value())

    def show_metrics(self, named: Sequence[tuple[str, Metrics]]) -> None:
        self._named = list(named)
        for plot in (self.pr_plot, self.f1_plot):
            plot.clear()
            if plot.plotItem.legend is not None:
                plot.plotItem.legend.clear()
        self.f1_plot.addItem(self.threshold_line)
        for number, (name, metrics) in enumerate(self._named):
            for dashed, label, match in ((False, "player", metrics.player), (True, "ball", metrics.ball)):
                pen = pg.mkPen(COLOURS[number % len(COLOURS)], width=2,
                               style=Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)  # fmt: skip
                precision, recall, _ = match.curve()
                self.pr_plot.plot(recall, precision, pen=pen, name=f"{name}: {label}")
                thresholds, f1 = metrics.f1_curve(match)
                self.f1_plot.plot(thresholds, f1, pen=pen, name=f"{name}: {label}")
        self._slid(self.slider.value())

    def _slid(self, value: int) -> None:
        confidence = value / SLIDER_STEPS
        self.slider_label.setText(f"{confidence:.2f}")
        self.threshold_line.setPos(confidence)
        lines = [describe(name, metrics.at(confidence)) for name, metrics in self._named]
        self.numbers.setText("<br>".join(lines) or "Pick an evaluation")
        self.sig_confidence.emit(confidence)


def describe(name: str, at: AtThreshold) -> str:
    """The numbers the slider changes, for one evaluation."""
    return (
        f"<b>{name}</b> — ball: precision {at.ball.precision:.3f}, recall {at.ball.recall:.3f}, "
        f"F1 {at.ball.f1:.3f}, missed {at.missed_balls}, ghost balls {at.ghost_balls}, near misses {at.near_misses}"
        f" · players: precision {at.player.precision:.3f}, recall {at.player.recall:.3f}, F1 {at.player.f1:.3f}"
    )
