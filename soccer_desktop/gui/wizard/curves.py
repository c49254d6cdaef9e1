"""Live training curves with pyqtgraph: loss per step and per epoch, validation mAP per epoch, phase boundaries."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

MAP_SERIES = (("map", "mAP@[.5:.95]", "#1f77b4"), ("map50", "mAP@0.5", "#2ca02c"), ("map75", "mAP@0.75", "#9467bd"),
              ("ap_player", "AP player", "#e6a700"), ("ap_ball", "AP ball", "#d62728"))


class TrainingCurves(QWidget):
    """Loss (left, x = step across the run) and validation mAP (right, x = epoch across the run)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=False)
        self.loss_plot = pg.PlotWidget(title="Loss")
        self.loss_plot.setBackground("w")
        self.loss_plot.setLabel("bottom", "step")
        self.loss_plot.addLegend(offset=(-10, 10))
        self.loss_plot.showGrid(x=True, y=True, alpha=0.2)
        self.map_plot = pg.PlotWidget(title="Validation")
        self.map_plot.setBackground("w")
        self.map_plot.setLabel("bottom", "epoch")
        self.map_plot.addLegend(offset=(-10, 10))
        self.map_plot.showGrid(x=True, y=True, alpha=0.2)
        self.step_curve = self.loss_plot.plot([], [], pen=pg.mkPen("#9e9e9e", width=1), name="step loss")
        self.epoch_curve = self.loss_plot.plot([], [], pen=pg.mkPen("#1f77b4", width=2), symbol="o", symbolSize=6,
                                               symbolBrush="#1f77b4", name="epoch train loss")
        self.map_curves = {key: self.map_plot.plot([], [], pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=5,
                                                   symbolBrush=colour, name=label)
                           for key, label, colour in MAP_SERIES}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.loss_plot)
        layout.addWidget(self.map_plot)
        self.clear()

    def clear(self) -> None:
        self.step_x: list[float] = []
        self.step_y: list[float] = []
        self.epoch_x: list[float] = []
        self.epoch_y: list[float] = []
        self.map_x: list[float] = []
        self.map_y: dict[str, list[float]] = {key: [] for key, _, _ in MAP_SERIES}
        for plot, line in getattr(self, "_boundaries", []):
            plot.removeItem(line)
        self._boundaries: list[tuple[Any, Any]] = []
        self._dirty = True
        self.redraw()

    # ------------------------------------------------------------------ data
    def add_step(self, x: float, loss: float | None) -> None:
        if loss is None:
            return
        self.step_x.append(x)
        self.step_y.append(loss)
        self._dirty = True

    def add_epoch(self, step_x: float, epoch_x: float, train_loss: float | None, val: dict | None) -> None:
        if train_loss is not None:
            self.epoch_x.append(step_x)
            self.epoch_y.append(train_loss)
        if val:
            self.map_x.append(epoch_x)
            for key in self.map_y:
                value = val.get(key)
                self.map_y[key].append(np.nan if value is None else float(value))
        self._dirty = True

    def mark_phase(self, step_x: float, epoch_x: float, label: str) -> None:
        """A dashed vertical line on both plots where a phase begins."""
        for plot, x in ((self.loss_plot, step_x), (self.map_plot, epoch_x + 0.5)):
            line = pg.InfiniteLine(pos=x, angle=90, pen=pg.mkPen("#555", width=1, style=pg.QtCore.Qt.PenStyle.DashLine),
                                   label=label, labelOpts={"position": 0.95, "color": "#555"})
            plot.addItem(line)
            self._boundaries.append((plot, line))

    @property
    def boundary_count(self) -> int:
        return len(self._boundaries) // 2

    def redraw(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self.step_curve.setData(np.asarray(self.step_x, float), np.asarray(self.step_y, float))
        self.epoch_curve.setData(np.asarray(self.epoch_x, float), np.asarray(self.epoch_y, float))
        for key, curve in self.map_curves.items():
            ys = np.asarray(self.map_y[key], float)
            if len(ys) and np.isfinite(ys).any():
                curve.setData(np.asarray(self.map_x, float), ys, connect="finite")
            else:
                curve.setData([], [])
