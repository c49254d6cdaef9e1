"""Small input widgets the wizard pages share."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDoubleValidator, QImage, QPixmap
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QLineEdit, QSpinBox, QWidget


class SciEdit(QLineEdit):
    """A number field that reads and shows scientific notation (learning rates: 1e-4, 2.5e-5)."""

    sig_value_changed = Signal(float)

    def __init__(self, value: float = 0.0, minimum: float = 0.0, maximum: float = 10.0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        validator = QDoubleValidator(minimum, maximum, 12, self)
        validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
        self.setValidator(validator)
        self.setMaximumWidth(110)
        self.setValue(value)
        self.textChanged.connect(self._changed)

    def value(self) -> float:
        try:
            return float(self.text())
        except ValueError:
            return 0.0

    def setValue(self, value: float) -> None:  # noqa: N802 - Qt naming
        self.setText(f"{value:g}")

    def _changed(self) -> None:
        self.sig_value_changed.emit(self.value())


def int_spin(value: int, minimum: int, maximum: int, step: int = 1, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setValue(value)
    if suffix:
        box.setSuffix(suffix)
    return box


def float_spin(value: float, minimum: float, maximum: float, step: float = 0.05, decimals: int = 3) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setValue(value)
    return box


def note(text: str, colour: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    if colour:
        label.setStyleSheet(f"color: {colour};")
    return label


WARNING_COLOUR = "#b35c00"
ERROR_COLOUR = "#b00020"


def pixmap_from_rgb(image: np.ndarray) -> QPixmap:
    """A QPixmap copy of an RGB uint8 picture (safe to keep after the array is gone)."""
    image = np.ascontiguousarray(image)
    height, width = image.shape[:2]
    qimage = QImage(image.data, width, height, image.strides[0], QImage.Format.Format_RGB888)
    return QPixmap.fromImage(qimage.copy())
