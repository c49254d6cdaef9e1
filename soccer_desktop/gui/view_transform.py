"""Zoom and pan maths for image views, kept apart from widgets so it is testable without events.

A view maps image pixel coordinates to widget coordinates as
``widget = image * scale + offset``.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_SCALE = 0.02
MAX_SCALE = 32.0


@dataclass
class ViewTransform:
    scale: float = 1.0
    offset_x: float = 0.0
    offset_y: float = 0.0

    def to_widget(self, x: float, y: float) -> tuple[float, float]:
        return x * self.scale + self.offset_x, y * self.scale + self.offset_y

    def to_image(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.offset_x) / self.scale, (y - self.offset_y) / self.scale

    def fit(self, image_w: int, image_h: int, view_w: int, view_h: int) -> None:
        """Whole image visible and centred."""
        if image_w <= 0 or image_h <= 0 or view_w <= 0 or view_h <= 0:
            return
        self.scale = min(view_w / image_w, view_h / image_h)
        self.offset_x = (view_w - image_w * self.scale) / 2
        self.offset_y = (view_h - image_h * self.scale) / 2

    def set_scale_around(self, scale: float, anchor_x: float, anchor_y: float) -> None:
        """Zoom keeping the image point under the widget point (anchor) where it is."""
        scale = min(MAX_SCALE, max(MIN_SCALE, scale))
        image_x, image_y = self.to_image(anchor_x, anchor_y)
        self.scale = scale
        self.offset_x = anchor_x - image_x * scale
        self.offset_y = anchor_y - image_y * scale

    def zoom_around(self, factor: float, anchor_x: float, anchor_y: float) -> None:
        self.set_scale_around(self.scale * factor, anchor_x, anchor_y)

    def pan(self, dx: float, dy: float) -> None:
        self.offset_x += dx
        self.offset_y += dy

    def centre_on(self, image_x: float, image_y: float, view_w: int, view_h: int) -> None:
        self.offset_x = view_w / 2 - image_x * self.scale
        self.offset_y = view_h / 2 - image_y * self.scale
