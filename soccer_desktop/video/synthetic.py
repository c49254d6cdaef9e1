"""A synthetic soccer match: a demo clip whose every box and event is known exactly.

It lets a new user try the whole find / correct / train workflow without real
footage, and lets tests check detectors and importers against pixel-exact
ground truth. The camera is static (a fixed panoramic rig or a closer fixed
view), players and ball are drawn as small sprites over a pre-rendered pitch,
and each sprite's box is measured from the very pixels it covers.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from soccer_desktop.core.jobs import (
    CancelCheck,
    Progress,
    ProgressCallback,
    check_cancel,
    never_cancelled,
    no_progress,
)

VIEWS: dict[str, tuple[int, int]] = {"panorama": (3840, 1080), "broadcast": (1920, 1080)}

PLAYER_CATEGORY = 1
BALL_CATEGORY = 2
BALL_TRACK_ID = 0

_HALF_LENGTH = 52.5
_HALF_WIDTH = 34.0
_PLAYER_HEIGHT_M = 1.8
_TEAM_SIZE = 11
_REFEREE = 2 * _TEAM_SIZE
_PEOPLE = _REFEREE + 1
_KEEPERS = (0, _TEAM_SIZE)
_TEAM_NAMES = ("left", "right")
_GRAVITY = 9.81
_SHIFT = 4
_SUBPIXEL = 1 << _SHIFT
# 4-4-2 of the left team (it attacks +x); the right team is its point mirror.
_FORMATION = (
    (-50.0, 0.0),
    (-36.0, -22.0),
    (-38.0, -8.0),
    (-38.0, 8.0),
    (-36.0, 22.0),
    (-20.0, -24.0),
    (-22.0, -8.0),
    (-22.0, 8.0),
    (-20.0, 24.0),
    (-6.0, -6.0),
    (-8.0, 7.0),
)
_KICK_OFF_TAKER = 9

BGR = tuple[float, float, float]


@dataclass(frozen=True)
class DemoMatch:
    """Where a generated match was written and what its video looks like."""

    video: Path
    ground_truth: Path
    events: Path
    width: int
    height: int
    fps: float
    frame_count: int


# --------------------------------------------------------------------------- camera


@dataclass(frozen=True)
class _CameraSpec:
    """Four pitch points (m) and where they appear (px): far-left, far-right, near-left, near-right."""

    world: tuple[tuple[float, float], ...]
    image: tuple[tuple[float, float], ...]
    player_height: tuple[float, float]  # px at the far and at the near image row above
    line_thickness: int


_CAMERAS = {
    "panorama": _CameraSpec(
        world=((-52.5, 34.0), (52.5, 34.0), (-52.5, -34.0), (52.5, -34.0)),
        image=((600.0, 300.0), (3240.0, 300.0), (60.0, 1030.0), (3780.0, 1030.0)),
        player_height=(24.0, 38.0),
        line_thickness=2,
    ),
    "broadcast": _CameraSpec(
        world=((-32.0, 34.0), (32.0, 34.0), (-32.0, -34.0), (32.0, -34.0)),
        image=((260.0, 170.0), (1660.0, 170.0), (-420.0, 1330.0), (2340.0, 1330.0)),
        player_height=(48.0, 84.0),
        line_thickness=3,
    ),
}


class _Camera:
    """A static camera: a ground-plane homography plus how tall a standing player looks on each row.

    Player size is tied to the image row rather than to the homography's scale so
    each view can hit the sizes real footage has (small players on a panorama).
    """

    def __init__(self, spec: _CameraSpec, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.line_thickness = spec.line_thickness
        self.homography = cv2.getPerspectiveTransform(
            np.array(spec.world, np.float32), np.array(spec.image, np.float32)
        ).astype(np.float64)
        self._far_row = spec.image[0][1]
        self._near_row = spec.image[2][1]
        self._far_height, self._near_height = spec.player_height

    def project(self, world: np.ndarray) -> np.ndarray:
        points = np.asarray(world, dtype=np.float64).reshape(-1, 2)
        mapped = points @ self.homography[:, :2].T + self.homography[:, 2]
        return mapped[:, :2] / mapped[:, 2:3]

    def player_height(self, rows: np.ndarray | float) -> np.ndarray:
        share = (np.asarray(rows, dtype=np.float64) - self._far_row) / (self._near_row - self._far_row)
        return self._far_height + share * (self._near_height - self._far_height)

    def pixels_per_metre(self, rows: np.ndarray | float) -> np.ndarray:
        return self.player_height(rows) / _PLAYER_HEIGHT_M


# --------------------------------------------------------------------------- sprites


class _Canvas:
    """A sprite being drawn: premultiplied colour plus coverage.

    cv2's anti-aliased drawing blends each primitive into both layers by its
    coverage, which is exactly premultiplied "over", so the sprite composites
    onto the frame with clean edges and its coverage tells the exact box.
    """

    def __init__(self, x0: int, y0: int, width: int, height: int) -> None:
        self.x0 = x0
        self.y0 = y0
        self.colour = np.zeros((height, width, 3), np.uint8)
        self.alpha = np.zeros((height, width), np.uint8)

    def point(self, x: float, y: float) -> tuple[int, int]:
        """cv2's fixed-point coordinates of (x, y); cv2 puts pixel centres on integers, boxes on edges."""
        return int(round((x - self.x0 - 0.5) * _SUBPIXEL)), int(round((y - self.y0 - 0.5) * _SUBPIXEL))

    def polygon(self, points: Sequence[tuple[float, float]], colour: BGR) -> None:
        fixed = np.array([self.point(x, y) for x, y in points], np.int32)
        cv2.fillConvexPoly(self.colour, fixed, colour, cv2.LINE_AA, _SHIFT)
        cv2.fillConvexPoly(self.alpha, fixed, 255, cv2.LINE_AA, _SHIFT)

    def line(
        self, a: tuple[float, float], b: tuple[float, float], colour: BGR, thickness: int, opacity: float = 1.0
    ) -> None:
        pa, pb = self.point(*a), self.point(*b)
        cv2.line(self.colour, pa, pb, tuple(c * opacity for c in colour), thickness, cv2.LINE_AA, _SHIFT)
        cv2.line(self.alpha, pa, pb, 255 * opacity, thickness, cv2.LINE_AA, _SHIFT)

    def circle(self, centre: tuple[float, float], radius: float, colour: BGR) -> None:
        fixed_radius = int(round(radius * _SUBPIXEL))
        cv2.circle(self.colour, self.point(*centre), fixed_radius, colour, -1, cv2.LINE_AA, _SHIFT)
        cv2.circle(self.alpha, self.point(*centre), fixed_radius, 255, -1, cv2.LINE_AA, _SHIFT)

    def disc(self, centre: tuple[float, float], radius: float, colour: BGR) -> np.ndarray:
        """An exactly sized disc (cv2's anti-aliased circles come out about a pixel too wide); returns its coverage."""
        rows = np.arange(self.alpha.shape[0]) + (self.y0 + 0.5 - centre[1])
        cols = np.arange(self.alpha.shape[1]) + (self.x0 + 0.5 - centre[0])
        coverage = np.clip(radius + 0.5 - np.hypot(rows[:, None], cols[None, :]), 0.0, 1.0).astype(np.float32)
        self.colour[...] = (
            self.colour * (1.0 - coverage[..., None]) + np.array(colour, np.float32) * coverage[..., None] + 0.5
        )
        self.alpha[...] = self.alpha * (1.0 - coverage) + 255.0 * coverage + 0.5
        return coverage

    def ellipse(self, centre: tuple[float, float], axes: tuple[float, float], colour: BGR, opacity: float) -> None:
        fixed_axes = (int(round(axes[0] * _SUBPIXEL)), int(round(axes[1] * _SUBPIXEL)))
        premultiplied = tuple(c * opacity for c in colour)
        cv2.ellipse(self.colour, self.point(*centre), fixed_axes, 0, 0, 360, premultiplied, -1, cv2.LINE_AA, _SHIFT)
        cv2.ellipse(self.alpha, self.point(*centre), fixed_axes, 0, 0, 360, 255 * opacity, -1, cv2.LINE_AA, _SHIFT)


_Placement = tuple[tuple[slice, slice], tuple[slice, slice]]


def _composite(frame: np.ndarray, canvas: _Canvas) -> _Placement | None:
    """Paint a sprite over the frame; returns the frame and sprite slices it covered, None if off-frame."""
    height, width = canvas.alpha.shape
    fx0, fy0 = max(canvas.x0, 0), max(canvas.y0, 0)
    fx1, fy1 = min(canvas.x0 + width, frame.shape[1]), min(canvas.y0 + height, frame.shape[0])
    if fx0 >= fx1 or fy0 >= fy1:
        return None
    in_frame = (slice(fy0, fy1), slice(fx0, fx1))
    in_sprite = (slice(fy0 - canvas.y0, fy1 - canvas.y0), slice(fx0 - canvas.x0, fx1 - canvas.x0))
    coverage = canvas.alpha[in_sprite].astype(np.float32)[..., None] * (1.0 / 255.0)
    region = frame[in_frame]
    blended = region * (1.0 - coverage) + canvas.colour[in_sprite] + 0.5
    region[...] = np.minimum(blended, 255.0).astype(np.uint8)
    return in_frame, in_sprite


@dataclass(frozen=True)
class _Look:
    jersey: BGR
    shorts: BGR
    socks: BGR
    skin: BGR
    hair: BGR


_KITS: dict[str, tuple[BGR, BGR, BGR]] = {  # jersey, shorts, socks
    "left": ((40.0, 40.0, 205.0), (235.0, 235.0, 235.0), (40.0, 40.0, 205.0)),
    "right": ((205.0, 110.0, 30.0), (90.0, 40.0, 20.0), (235.0, 235.0, 235.0)),
    "left keeper": ((0.0, 140.0, 255.0), (30.0, 30.0, 30.0), (0.0, 140.0, 255.0)),
    "right keeper": ((150.0, 40.0, 125.0), (30.0, 30.0, 30.0), (150.0, 40.0, 125.0)),
    "referee": ((20.0, 225.0, 240.0), (20.0, 20.0, 20.0), (20.0, 20.0, 20.0)),
}
_SKINS: tuple[BGR, ...] = ((150.0, 180.0, 225.0), (110.0, 145.0, 195.0), (80.0, 110.0, 160.0), (55.0, 75.0, 115.0))
_HAIRS: tuple[BGR, ...] = ((30.0, 30.0, 40.0), (40.0, 60.0, 90.0), (20.0, 20.0, 20.0), (90.0, 150.0, 200.0))
_BOOTS: BGR = (25.0, 25.0, 25.0)


def _shade(colour: BGR, factor: float) -> BGR:
    return (colour[0] * factor, colour[1] * factor, colour[2] * factor)


def _people_looks(rng: np.random.Generator) -> list[_Look]:
    looks = []
    for person in range(_PEOPLE):
        if person == _REFEREE:
            kit = _KITS["referee"]
        else:
            team = _TEAM_NAMES[person // _TEAM_SIZE]
            kit = _KITS[f"{team} keeper"] if person in _KEEPERS else _KITS[team]
        skin = _SKINS[int(rng.integers(len(_SKINS)))]
        hair = _HAIRS[int(rng.integers(len(_HAIRS)))]
        looks.append(_Look(*kit, skin=skin, hair=hair))
    return looks


def _player_sprite(look: _Look, foot: np.ndarray, height: float, facing: float, stride: float, phase: float) -> _Canvas:
    """A running figure (legs and arms alternate with ``phase``) standing on ``foot``."""
    fx, fy = float(foot[0]), float(foot[1])
    h = height
    canvas = _Canvas(int(fx - 0.45 * h) - 3, int(fy - 1.05 * h) - 3, int(0.9 * h) + 7, int(1.05 * h) + 8)
    swing = stride * math.sin(phase)
    lean = facing * 0.05 * h * stride
    hip_y, knee_y, shoulder_y = fy - 0.47 * h, fy - 0.25 * h, fy - 0.79 * h
    leg = max(2, round(0.075 * h))
    arm = max(1, round(0.055 * h))
    boot = max(1, round(0.045 * h))
    for side, leg_swing, light in ((-1.0, -swing, 0.72), (1.0, swing, 1.0)):
        hip = (fx + side * 0.045 * h, hip_y)
        foot_x = fx + facing * 0.14 * h * leg_swing
        foot_pt = (foot_x, fy - 0.05 * h * stride * max(0.0, -leg_swing))
        knee = ((hip[0] + foot_x) / 2 + facing * 0.04 * h * stride, knee_y)
        canvas.line(hip, knee, _shade(look.skin, light), leg)
        canvas.line(knee, foot_pt, _shade(look.socks, light), leg)
        canvas.line((foot_x - facing * 0.01 * h, foot_pt[1]), (foot_x + facing * 0.05 * h, foot_pt[1]), _BOOTS, boot)

    def draw_arm(side: float, light: float) -> None:
        arm_swing = -swing * side
        shoulder = (fx + lean + side * 0.11 * h, shoulder_y + 0.03 * h)
        elbow = (shoulder[0] + facing * 0.045 * h * arm_swing, shoulder[1] + 0.15 * h)
        hand = (shoulder[0] + facing * 0.08 * h * arm_swing, elbow[1] + 0.13 * h)
        canvas.line(shoulder, elbow, _shade(look.jersey, light), arm)
        canvas.line(elbow, hand, _shade(look.skin, light), arm)

    draw_arm(-facing, 0.72)
    canvas.polygon(
        [
            (fx - 0.13 * h, hip_y - 0.06 * h),
            (fx + 0.13 * h, hip_y - 0.06 * h),
            (fx + 0.14 * h, hip_y + 0.09 * h),
            (fx - 0.14 * h, hip_y + 0.09 * h),
        ],
        look.shorts,
    )
    torso = [
        (fx - 0.15 * h + lean, shoulder_y),
        (fx + 0.15 * h + lean, shoulder_y),
        (fx + 0.13 * h, hip_y - 0.04 * h),
        (fx - 0.13 * h, hip_y - 0.04 * h),
    ]
    canvas.polygon(torso, look.jersey)
    back = -facing
    canvas.polygon(
        [
            (fx + back * 0.15 * h + lean, shoulder_y),
            (fx + back * 0.05 * h + lean, shoulder_y),
            (fx + back * 0.04 * h, hip_y - 0.04 * h),
            (fx + back * 0.13 * h, hip_y - 0.04 * h),
        ],
        _shade(look.jersey, 0.78),
    )
    draw_arm(facing, 1.0)
    head_x, head_y, radius = fx + 1.3 * lean, fy - 0.9 * h, 0.095 * h
    canvas.circle((head_x - facing * 0.01 * h, head_y - 0.025 * h), radius, look.hair)
    canvas.circle((head_x + facing * 0.015 * h, head_y + 0.01 * h), 0.9 * radius, look.skin)
    return canvas


def _ball_sprite(centre: np.ndarray, previous: np.ndarray, diameter: float, spin: float) -> tuple[_Canvas, np.ndarray]:
    """The ball with a smear along its motion when fast; also returns the disc alone, for occlusion."""
    radius = diameter / 2
    motion = centre - previous
    fast = float(np.hypot(*motion)) > 0.6 * diameter
    tail = centre - 0.9 * motion if fast else centre
    pad = int(radius) + 3
    x0 = int(min(centre[0], tail[0])) - pad
    y0 = int(min(centre[1], tail[1])) - pad
    x1 = int(max(centre[0], tail[0])) + pad + 1
    y1 = int(max(centre[1], tail[1])) + pad + 1
    canvas = _Canvas(x0, y0, x1 - x0, y1 - y0)
    c = (float(centre[0]), float(centre[1]))
    if fast:
        canvas.line((float(tail[0]), float(tail[1])), c, (225.0, 225.0, 225.0), max(1, round(0.8 * diameter)), 0.35)
    disc = canvas.disc(c, radius, (242.0, 242.0, 242.0))
    patch = (c[0] + 0.42 * radius * math.cos(spin), c[1] + 0.42 * radius * math.sin(spin))
    canvas.disc(patch, 0.36 * radius, (60.0, 60.0, 60.0))
    return canvas, disc


def _shadow(frame: np.ndarray, centre: np.ndarray, axes: tuple[float, float], opacity: float) -> None:
    pad = int(max(axes)) + 2
    canvas = _Canvas(int(centre[0]) - pad, int(centre[1]) - pad, 2 * pad + 2, 2 * pad + 2)
    canvas.ellipse((float(centre[0]), float(centre[1])), axes, (0.0, 0.0, 0.0), opacity)
    _composite(frame, canvas)


# --------------------------------------------------------------------------- background


def _pitch_lines() -> list[np.ndarray]:
    """Every pitch marking as a world polyline (m)."""
    length, width = _HALF_LENGTH, _HALF_WIDTH
    lines = [
        np.array([(-length, -width), (length, -width), (length, width), (-length, width), (-length, -width)]),
        np.array([(0.0, -width), (0.0, width)]),
        _arc(0.0, 0.0, 9.15, 0.0, 2 * math.pi, 96),
        _arc(0.0, 0.0, 0.25, 0.0, 2 * math.pi, 12),
    ]
    arc_half_angle = math.acos(5.5 / 9.15)  # where the penalty arc meets the box, 16.5 m from the goal line
    for side in (-1.0, 1.0):
        goal, towards_centre = side * length, (math.pi if side > 0 else 0.0)
        box, small = goal - side * 16.5, goal - side * 5.5
        lines.append(np.array([(goal, -20.16), (box, -20.16), (box, 20.16), (goal, 20.16)]))
        lines.append(np.array([(goal, -9.16), (small, -9.16), (small, 9.16), (goal, 9.16)]))
        spot = goal - side * 11.0
        lines.append(_arc(spot, 0.0, 0.25, 0.0, 2 * math.pi, 12))
        lines.append(_arc(spot, 0.0, 9.15, towards_centre - arc_half_angle, towards_centre + arc_half_angle))
        for corner_y in (-1.0, 1.0):
            inwards = math.atan2(-corner_y, -side)
            lines.append(_arc(goal, corner_y * width, 1.0, inwards - math.pi / 4, inwards + math.pi / 4, 12))
    return lines


def _arc(cx: float, cy: float, radius: float, start: float, stop: float, points: int = 48) -> np.ndarray:
    angles = np.linspace(start, stop, points)
    return np.stack([cx + radius * np.cos(angles), cy + radius * np.sin(angles)], axis=1)


def _render_background(camera: _Camera, rng: np.random.Generator) -> np.ndarray:
    """The static part of every frame (stands, boards, grass, lines, goals), drawn once per clip."""
    width, height = camera.width, camera.height
    inverse = np.linalg.inv(camera.homography)
    cols, rows = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    world_x = (inverse[0, 0] * cols + inverse[0, 1] * rows + inverse[0, 2]) / (
        inverse[2, 0] * cols + inverse[2, 1] * rows + inverse[2, 2]
    )
    stripes = np.floor((world_x + _HALF_LENGTH) / (2 * _HALF_LENGTH / 18)) % 2 == 1
    grass = np.where(stripes[..., None], np.array([50, 138, 60], np.float32), np.array([40, 116, 48], np.float32))
    blotches = cv2.resize(
        rng.normal(0.0, 1.0, (height // 40 + 2, width // 40 + 2)).astype(np.float32),
        (width, height),
        interpolation=cv2.INTER_CUBIC,
    )
    grain = rng.normal(0.0, 1.0, (height, width)).astype(np.float32)
    daylight = (0.88 + 0.12 * np.arange(height, dtype=np.float32) / height)[:, None]
    grass *= ((1.0 + 0.05 * blotches + 0.02 * grain) * daylight)[..., None]
    image = np.clip(grass, 0, 255).astype(np.uint8)
    _draw_stands_and_boards(image, camera, rng)
    for line in _pitch_lines():
        cv2.polylines(
            image, [_fixed(camera.project(line))], False, (235, 235, 235), camera.line_thickness, cv2.LINE_AA, _SHIFT
        )
    _draw_goals(image, camera)
    return image


def _draw_stands_and_boards(image: np.ndarray, camera: _Camera, rng: np.random.Generator) -> None:
    """Advertising boards 3 m behind the far touchline and a crowd above them."""
    board_bottom = float(camera.project(np.array([(0.0, _HALF_WIDTH + 3.0)]))[0, 1])
    scale = float(camera.pixels_per_metre(board_bottom))
    top, bottom = int(round(board_bottom - scale)), int(round(board_bottom))
    width = image.shape[1]
    cell_w = max(2, round(0.35 * scale))
    cell_h = round(1.3 * cell_w)
    people = rng.integers(20, 230, (top // cell_h + 1, width // cell_w + 1, 3)).astype(np.uint8)
    crowd = cv2.resize(people, (people.shape[1] * cell_w, people.shape[0] * cell_h), interpolation=cv2.INTER_NEAREST)
    stands = crowd[:top, :width].astype(np.float32) * 0.35 + 45.0
    stands[(np.arange(top) // cell_h) % 3 == 2] *= 0.45  # the walkway between tiers
    image[:top] = stands.astype(np.uint8)
    panels = ((30, 30, 200), (200, 160, 20), (245, 245, 245), (20, 120, 230), (60, 60, 60))
    along = np.arange(-66.0, 67.0, 6.0)
    edges = camera.project(np.stack([along, np.full_like(along, _HALF_WIDTH + 3.0)], axis=1))[:, 0]
    for number, (left, right) in enumerate(itertools.pairwise(edges)):
        colour = panels[number % len(panels)]
        cv2.rectangle(image, (int(left), top), (int(right) - 1, bottom - 1), colour, -1)
        logo = (245, 245, 245) if sum(colour) < 500 else (120, 40, 20)
        span, tall = right - left, bottom - top
        cv2.rectangle(
            image,
            (int(left + 0.2 * span), int(top + 0.35 * tall)),
            (int(left + 0.8 * span), int(top + 0.65 * tall)),
            logo,
            -1,
        )


def _draw_goals(image: np.ndarray, camera: _Camera) -> None:
    """Posts, crossbar and a see-through net 2 m deep behind each goal line."""
    for side in (-1.0, 1.0):
        line_x, back_x = side * _HALF_LENGTH, side * (_HALF_LENGTH + 2.0)
        ground = camera.project(np.array([(line_x, -3.66), (line_x, 3.66), (back_x, -3.66), (back_x, 3.66)]))
        lift = camera.pixels_per_metre(ground[:, 1]) * np.array([2.44, 2.44, 1.6, 1.6])
        top = ground - np.stack([np.zeros(4), lift], axis=1)
        faces = [
            (ground[2], ground[3], top[3], top[2]),
            (top[0], top[1], top[3], top[2]),
            (ground[0], ground[2], top[2], top[0]),
            (ground[1], ground[3], top[3], top[1]),
        ]
        net, mesh = image.copy(), image.copy()
        for a, b, c, d in faces:
            cv2.fillConvexPoly(net, _fixed(np.array([a, b, c, d])), (225, 225, 225), cv2.LINE_AA, _SHIFT)
            for u in np.linspace(0.0, 1.0, 9):
                for p, q in (((1 - u) * a + u * b, (1 - u) * d + u * c), ((1 - u) * a + u * d, (1 - u) * b + u * c)):
                    cv2.line(mesh, *_segment(p, q), (215, 215, 215), 1, cv2.LINE_AA, _SHIFT)
        cv2.addWeighted(net, 0.2, image, 0.8, 0.0, dst=image)
        cv2.addWeighted(mesh, 0.5, image, 0.5, 0.0, dst=image)
        thickness = camera.line_thickness + 1
        for p, q in ((ground[0], top[0]), (ground[1], top[1]), (top[0], top[1])):
            cv2.line(image, *_segment(p, q), (250, 250, 250), thickness, cv2.LINE_AA, _SHIFT)


def _fixed(points: np.ndarray) -> np.ndarray:
    """Image points (N, 2) as cv2's fixed-point coordinates, which put pixel centres on integers."""
    return np.round((points - 0.5) * _SUBPIXEL).astype(np.int32)


def _segment(p: np.ndarray, q: np.ndarray) -> tuple[tuple[int, int], tuple[int, int]]:
    (px, py), (qx, qy) = _fixed(np.array([p, q])).tolist()
    return (px, py), (qx, qy)


# --------------------------------------------------------------------------- match simulation


@dataclass(frozen=True)
class _Flight:
    """A ball in flight: ground distance follows constant deceleration, height a parabola."""

    start: np.ndarray
    end: np.ndarray
    start_z: float
    apex: float
    t0: float
    duration: float
    v0: float
    v_end: float
    receiver: int
    shot: bool

    def at(self, t: float) -> tuple[np.ndarray, float]:
        tau = min(max(t - self.t0, 0.0), self.duration)
        u = tau / self.duration
        deceleration = (self.v0 - self.v_end) / self.duration
        travelled = self.v0 * tau - 0.5 * deceleration * tau * tau
        distance = max(float(np.hypot(*(self.end - self.start))), 1e-6)
        ground = self.start + (self.end - self.start) * (travelled / distance)
        return ground, self.start_z * (1.0 - u) + 4.0 * self.apex * u * (1.0 - u)

    @property
    def direction(self) -> np.ndarray:
        delta = self.end - self.start
        return delta / max(float(np.hypot(*delta)), 1e-6)


@dataclass(frozen=True)
class _Event:
    frame_index: int
    label: str
    team: str


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.hypot(*vector))
    return vector / norm if norm > 1e-6 else np.zeros(2)


def _on_pitch(point: np.ndarray, margin: float = 1.0) -> np.ndarray:
    low = [-_HALF_LENGTH + margin, -_HALF_WIDTH + margin]
    return np.clip(point, low, [_HALF_LENGTH - margin, _HALF_WIDTH - margin])


class _Match:
    """Players, referee and ball on the pitch (metres), advanced one frame at a time by simple rules.

    The owner dribbles towards the opponents' goal, then passes (along the
    ground or lofted), or shoots when close or when the clip would otherwise
    end without a shot. Everyone else seeks a target (formation spot shifted
    with the ball, the ball itself for the nearest defender, the landing point
    for the receiver) with limited acceleration, so motion looks smooth.
    """

    def __init__(self, rng: np.random.Generator, fps: int, duration: float) -> None:
        self._rng = rng
        self._dt = 1.0 / fps
        self._shot_deadline = max(0.25 * duration, 4.0)  # a long enough clip (20 s) always shows a shot
        left = np.array(_FORMATION)
        self.team = np.array([0] * _TEAM_SIZE + [1] * _TEAM_SIZE + [-1])
        self.attack = np.where(self.team == 1, -1.0, 1.0)
        self.is_keeper = np.isin(np.arange(_PEOPLE), _KEEPERS)
        self._home = np.concatenate([left, -left, [(0.0, 0.0)]])
        pos = self._home + np.concatenate([rng.uniform(-1.5, 1.5, (2 * _TEAM_SIZE, 2)), np.zeros((1, 2))])
        pos[:_TEAM_SIZE, 0] = np.minimum(pos[:_TEAM_SIZE, 0], -1.0)
        pos[_TEAM_SIZE:_REFEREE, 0] = np.maximum(pos[_TEAM_SIZE:_REFEREE, 0], 1.0)
        for j in range(_TEAM_SIZE, _REFEREE):  # the defending team waits outside the centre circle
            distance = float(np.hypot(*pos[j]))
            if distance < 9.6:
                pos[j] *= 9.6 / distance
        pos[_KICK_OFF_TAKER] = (-0.7, -0.3)
        pos[_REFEREE] = (-8.0, -12.0)
        self.pos = pos
        self.vel = np.zeros((_PEOPLE, 2))
        self.phase = rng.uniform(0.0, 2 * math.pi, _PEOPLE)
        self.facing = self.attack.copy()
        self._wander_rate = rng.uniform(0.3, 1.2, (_PEOPLE, 2))
        self._wander_phase = rng.uniform(0.0, 2 * math.pi, (_PEOPLE, 2))
        self.ball = np.zeros(2)
        self.ball_z = 0.0
        self.ball_spin = 0.0
        self._ball_vel = np.zeros(2)
        self.owner: int | None = None
        self.held = False
        self._sprint = False
        self._flight: _Flight | None = None
        self._loose_to: int | None = None
        self._act_at = 0.0
        self._dribble_to = np.zeros(2)
        self._in_possession = 0
        self._shots = 0
        self.events: list[_Event] = []

    # ---- one frame

    def step(self, frame_index: int) -> None:
        t = frame_index * self._dt
        if frame_index == 0:
            self._take(_KICK_OFF_TAKER, 0, t)
            self._act_at = 0.4
        else:
            self._resolve(frame_index, t)
            self._move_people(t)
        self._move_ball(t)

    def _resolve(self, frame_index: int, t: float) -> None:
        flight = self._flight
        if flight is not None and t - flight.t0 >= flight.duration - 1e-9:
            self._flight = None
            self.ball = flight.end.copy()
            if flight.shot:
                self._take(flight.receiver, frame_index, t, held=True)
            else:
                self.ball_z = 0.0
                self._loose_to = flight.receiver
                self._ball_vel = flight.direction * flight.v_end * (0.5 if flight.apex > 0 else 1.0)
        if self._loose_to is not None and float(np.hypot(*(self.pos[self._loose_to] - self.ball))) < 1.0:
            self._take(self._loose_to, frame_index, t)
        if self.owner is not None and t >= self._act_at:
            self._act(frame_index, t)

    def _take(self, player: int, frame_index: int, t: float, held: bool = False) -> None:
        self.owner = player
        self.held = held
        self._sprint = False
        self._loose_to = None
        self._ball_vel = np.zeros(2)
        self._in_possession = int(self.team[player])
        if held:
            self._act_at = t + self._rng.uniform(1.0, 1.6)
        else:
            self._act_at = t + self._rng.uniform(0.8, 2.0)
            self._new_dribble_target(player)
            self._event(frame_index, "DRIVE", player)

    def _new_dribble_target(self, player: int) -> None:
        step = np.array([self.attack[player] * self._rng.uniform(5.0, 10.0), self._rng.uniform(-5.0, 5.0)])
        self._dribble_to = _on_pitch(self.pos[player] + step, margin=3.0)

    def _event(self, frame_index: int, label: str, player: int) -> None:
        self.events.append(_Event(frame_index, label, _TEAM_NAMES[int(self.team[player])]))

    # ---- decisions

    def _outfield(self, team: int) -> list[int]:
        return [j for j in range(_REFEREE) if self.team[j] == team and not self.is_keeper[j]]

    def _act(self, frame_index: int, t: float) -> None:
        player = self.owner
        assert player is not None
        goal = np.array([self.attack[player] * _HALF_LENGTH, 0.0])
        to_goal = float(np.hypot(*(goal - self.ball)))
        # Past the deadline with no shot yet, go straight for goal (a solo run, or a long ball
        # from deep), so even a short clip shows a shot.
        urgent = self._shots == 0 and t >= self._shot_deadline
        if self.held:
            self._pass(frame_index, t, player, preferred_distance=35.0, lofted=True, forward=urgent)
        elif to_goal < 26.0:
            self._shoot(frame_index, t, player)
        elif urgent and to_goal < 55.0:
            self._dribble_to = np.array(
                [self.attack[player] * (_HALF_LENGTH - 16.0), np.clip(0.5 * self.ball[1], -8, 8)]
            )
            self._sprint = True
            self._act_at = t + 0.3
            return
        else:
            self._pass(frame_index, t, player, preferred_distance=20.0, lofted=urgent, forward=urgent)
        self.owner = None
        self.held = False

    def _pass(
        self, frame_index: int, t: float, player: int, preferred_distance: float, lofted: bool, forward: bool
    ) -> None:
        """Pass to a teammate, preferring forward ones near ``preferred_distance``.

        ``forward`` plays a long ball instead, to the teammate nearest the spot 28 m
        from the opponents' goal, met on his run there: the quickest way to a shot from deep.
        """
        rng = self._rng
        attack = self.attack[player]
        mates = [j for j in self._outfield(int(self.team[player])) if j != player]
        if forward:
            target = np.array([attack * (_HALF_LENGTH - 28.0), np.clip(self.ball[1], -15.0, 15.0)])
            receiver = mates[int(np.argmin(np.hypot(*(self.pos[mates] - target).T)))]
            lofted = True
            end = target
            for _ in range(2):  # meet the receiver where his run towards the target has got to
                reach = max(float(np.hypot(*(end - self.ball))), 1.0)
                run = target - self.pos[receiver]
                run_time = reach / self._pass_speed(reach, lofted=True)
                end = self.pos[receiver] + _unit(run) * min(float(np.hypot(*run)), 6.0 * run_time)
        else:
            lead = self.pos[mates] + 0.8 * self.vel[mates]
            distance = np.hypot(*(lead - self.ball).T)
            progress = (lead[:, 0] - self.ball[0]) * attack
            weights = np.exp(progress / 12.0 - ((distance - preferred_distance) / 14.0) ** 2) * (distance > 6.0)
            if weights.sum() <= 0:
                weights = np.exp(-distance / 10.0)
            receiver = mates[int(rng.choice(len(mates), p=weights / weights.sum()))]
            first_guess = float(np.hypot(*(self.pos[receiver] - self.ball)))
            lofted = lofted or first_guess > 32.0 or (first_guess > 20.0 and rng.random() < 0.25)
            duration = first_guess / self._pass_speed(first_guess, lofted)
            ahead = np.array([attack * rng.uniform(0.0, 3.0), 0.0])
            end = _on_pitch(self.pos[receiver] + 0.7 * duration * self.vel[receiver] + ahead)
        distance_to_end = max(float(np.hypot(*(end - self.ball))), 1.0)
        speed = self._pass_speed(distance_to_end, lofted)
        opponents = self._outfield(1 - int(self.team[player]))
        gaps = np.hypot(*(self.pos[opponents] - end).T)
        if not forward and gaps.min() < 8.0 and rng.random() < 0.3:  # intercepted by a close opponent
            receiver = opponents[int(np.argmin(gaps))]
        if lofted:
            flight_time = distance_to_end / speed
            apex = _GRAVITY * flight_time**2 / 8.0
            self._launch(t, end, receiver, speed, speed, apex, shot=False)
            self._event(frame_index, "HIGH PASS", player)
        else:
            self._launch(t, end, receiver, speed, 3.0, 0.0, shot=False)
            self._event(frame_index, "PASS", player)

    @staticmethod
    def _pass_speed(distance: float, lofted: bool) -> float:
        """Average ground speed (m/s): harder passes over longer distances."""
        return 9.0 + 0.2 * distance if lofted else float(np.clip(7.0 + 0.3 * distance, 8.0, 16.0))

    def _shoot(self, frame_index: int, t: float, player: int) -> None:
        rng = self._rng
        keeper = _KEEPERS[1 - int(self.team[player])]
        target_y = float(np.clip(self.pos[keeper, 1] + rng.uniform(-1.6, 1.6), -3.2, 3.2))
        end = np.array([self.attack[player] * _HALF_LENGTH, target_y])
        long_range = float(np.hypot(*(end - self.ball))) > 30.0
        speed = 20.0 if long_range else 24.0
        apex = rng.uniform(2.0, 3.5) if long_range else rng.uniform(0.0, 1.2)
        self._launch(t, end, keeper, speed, 0.8 * speed, apex, shot=True)
        self._shots += 1
        self._event(frame_index, "SHOT", player)

    def _launch(
        self, t: float, end: np.ndarray, receiver: int, average_speed: float, end_speed: float, apex: float, shot: bool
    ) -> None:
        distance = max(float(np.hypot(*(end - self.ball))), 0.5)
        self._flight = _Flight(
            start=self.ball.copy(),
            end=end,
            start_z=self.ball_z,
            apex=apex,
            t0=t,
            duration=distance / average_speed,
            v0=2.0 * average_speed - end_speed,
            v_end=end_speed,
            receiver=receiver,
            shot=shot,
        )

    # ---- motion

    def _move_people(self, t: float) -> None:
        targets = np.empty((_PEOPLE, 2))
        top_speed = np.empty(_PEOPLE)
        defenders = self._outfield(1 - self._in_possession)
        presser = defenders[int(np.argmin(np.hypot(*(self.pos[defenders] - self.ball).T)))]
        for j in range(_PEOPLE):
            targets[j], top_speed[j] = self._target(j, t, presser)
        offset = targets - self.pos
        distance = np.hypot(*offset.T)[:, None]
        desired = offset / np.maximum(distance, 1e-6) * np.minimum(top_speed[:, None], 1.5 * distance)
        change = desired - self.vel
        limit = 8.0 * self._dt
        change *= np.minimum(1.0, limit / np.maximum(np.hypot(*change.T), 1e-9))[:, None]
        self.vel += change
        self.pos = np.clip(
            self.pos + self.vel * self._dt, [-_HALF_LENGTH, -_HALF_WIDTH + 0.5], [_HALF_LENGTH, _HALF_WIDTH - 0.5]
        )
        speed = np.hypot(*self.vel.T)
        self.phase += 2 * math.pi * (0.8 + 0.28 * speed) * np.minimum(1.0, speed) * self._dt
        self.facing = np.where(np.abs(self.vel[:, 0]) > 0.3, np.sign(self.vel[:, 0]), self.facing)
        owner = self.owner
        if owner is not None and not self.held and float(np.hypot(*(self._dribble_to - self.pos[owner]))) < 1.5:
            self._new_dribble_target(owner)

    def _target(self, j: int, t: float, presser: int) -> tuple[np.ndarray, float]:
        """Where person ``j`` heads now and how fast they may run (m/s)."""
        ball = self.ball
        if j == _REFEREE:
            return np.array([ball[0] - 7.0, ball[1] - 10.0 if ball[1] >= 0 else ball[1] + 10.0]), 6.0
        if j == self.owner:
            return (self.pos[j], 1.0) if self.held else (self._dribble_to, 7.0 if self._sprint else 5.2)
        if self._flight is not None and j == self._flight.receiver:
            return self._flight.end, 8.0
        if j == self._loose_to:
            return ball + 0.3 * self._ball_vel, 7.5
        attack = self.attack[j]
        if self.is_keeper[j]:
            own_goal_x = -attack * _HALF_LENGTH
            step_out = 1.5 + 3.0 * math.exp(-abs(ball[0] - own_goal_x) / 25.0)
            return np.array([own_goal_x + attack * step_out, np.clip(0.12 * ball[1], -3.0, 3.0)]), 4.0
        if j == presser:
            own_goal = np.array([-attack * _HALF_LENGTH, 0.0])
            return ball + 1.3 * _unit(own_goal - ball), 6.5
        push = 6.0 if self.team[j] == self._in_possession else -2.0
        wander = 1.5 * np.sin(self._wander_rate[j] * t + self._wander_phase[j])
        home = self._home[j]
        target = np.array([home[0] + 0.55 * ball[0] + attack * push, 0.85 * home[1] + 0.3 * ball[1]]) + wander
        return _on_pitch(target, margin=2.0), 4.2

    def _move_ball(self, t: float) -> None:
        before = self.ball.copy()
        if self._flight is not None:
            self.ball, self.ball_z = self._flight.at(t)
        elif self.owner is not None:
            owner = self.owner
            if self.held:
                spot, height = self.pos[owner] + np.array([0.25 * self.facing[owner], -0.35]), 1.05
            else:
                heading = _unit(self.vel[owner])
                if not heading.any():
                    heading = _unit(self._dribble_to - self.pos[owner])
                touch = 0.55 + 0.3 * math.sin(2 * math.pi * t / 0.55)
                spot, height = self.pos[owner] + touch * heading, 0.0
            self.ball = self.ball + 0.45 * (spot - self.ball)
            self.ball_z += 0.45 * (height - self.ball_z)
        else:
            speed = float(np.hypot(*self._ball_vel))
            if speed > 0:
                self._ball_vel *= max(0.0, speed - 4.0 * self._dt) / speed
            moved = self.ball + self._ball_vel * self._dt
            self.ball = _on_pitch(moved, margin=0.3)
            if not np.allclose(moved, self.ball):
                self._ball_vel = np.zeros(2)
        self.ball_spin += 3.0 * float(np.hypot(*(self.ball - before)))


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class _Box:
    track_id: int
    category_id: int
    bbox: tuple[float, float, float, float]
    occluded: bool


class _Renderer:
    """Draws one frame of the match and measures every object's box from the pixels it painted.

    Objects are painted far to near, each stamping its label into ``_painter``
    where it is solid, so what is left of an object's label afterwards is
    exactly the part of it that stays visible.
    """

    def __init__(self, camera: _Camera, looks: list[_Look], background: np.ndarray) -> None:
        self._camera = camera
        self._looks = looks
        self._background = background
        self._painter = np.zeros(background.shape[:2], np.int16)
        self._previous_ball: np.ndarray | None = None

    def render(self, match: _Match, frame: np.ndarray) -> list[_Box]:
        camera = self._camera
        np.copyto(frame, self._background)
        self._painter.fill(0)
        feet = camera.project(match.pos)
        heights = camera.player_height(feet[:, 1])
        ball_ground = camera.project(match.ball)[0]
        ball_height = float(camera.player_height(ball_ground[1]))
        # Bigger than to scale so the ball stays 5-15 px; a little bigger still when high in the air.
        diameter = float(np.clip(0.22 * ball_height, 5.5, 12.4)) * (1.0 + 0.02 * min(match.ball_z, 10.0))
        centre = ball_ground - np.array([0.0, diameter / 2 + match.ball_z * ball_height / _PLAYER_HEIGHT_M])
        previous = centre if self._previous_ball is None else self._previous_ball
        self._previous_ball = centre
        visible = [k for k in range(_PEOPLE) if self._may_show(feet[k], heights[k])]
        for k in visible:
            h = float(heights[k])
            _shadow(frame, feet[k] + np.array([0.12 * h, 0.0]), (0.3 * h, 0.06 * h), 0.3)
        _shadow(frame, ball_ground, (0.55 * diameter, 0.22 * diameter), 0.35 / (1.0 + 0.15 * match.ball_z))
        ball_label = _PEOPLE + 1
        painted: list[tuple[int, _Placement, np.ndarray, _Box]] = []
        for k in sorted([*visible, _PEOPLE], key=lambda k: ball_ground[1] if k == _PEOPLE else feet[k, 1]):
            if k == _PEOPLE:
                canvas, disc = _ball_sprite(centre, previous, diameter, match.ball_spin)
                placement = _composite(frame, canvas)
                box = self._disc_box(centre, diameter)
                if placement is None or box is None:
                    continue
                solid = disc[placement[1]] >= 0.5
                painted.append((ball_label, placement, solid, box))
            else:
                stride = min(1.0, float(np.hypot(*match.vel[k])) / 5.5)
                canvas = _player_sprite(
                    self._looks[k], feet[k], float(heights[k]), float(match.facing[k]), stride, float(match.phase[k])
                )
                placement = _composite(frame, canvas)
                if placement is None:
                    continue
                alpha = canvas.alpha[placement[1]]
                box = self._coverage_box(alpha, placement[0], k + 1)
                if box is None:
                    continue
                solid = alpha >= 128
                painted.append((k + 1, placement, solid, box))
            self._painter[placement[0]][solid] = painted[-1][0]
        return [self._with_occlusion(label, placement, solid, box) for label, placement, solid, box in painted]

    def _may_show(self, foot: np.ndarray, height: float) -> bool:
        x, y = float(foot[0]), float(foot[1])
        camera = self._camera
        return -0.5 * height < x < camera.width + 0.5 * height and -8.0 < y < camera.height + 1.1 * height

    def _disc_box(self, centre: np.ndarray, diameter: float) -> _Box | None:
        r = diameter / 2
        x0, y0 = max(float(centre[0]) - r, 0.0), max(float(centre[1]) - r, 0.0)
        x1 = min(float(centre[0]) + r, float(self._camera.width))
        y1 = min(float(centre[1]) + r, float(self._camera.height))
        if x1 - x0 < 1.0 or y1 - y0 < 1.0:
            return None
        return _Box(BALL_TRACK_ID, BALL_CATEGORY, (x0, y0, x1 - x0, y1 - y0), occluded=False)

    @staticmethod
    def _coverage_box(alpha: np.ndarray, in_frame: tuple[slice, slice], track_id: int) -> _Box | None:
        """The tight box of the pixels a sprite covers at least a quarter (fainter anti-aliasing is not 'drawn')."""
        covered = alpha >= 64
        rows, cols = np.flatnonzero(covered.any(axis=1)), np.flatnonzero(covered.any(axis=0))
        if rows.size == 0:
            return None
        x0, y0 = in_frame[1].start + int(cols[0]), in_frame[0].start + int(rows[0])
        w, h = int(cols[-1] - cols[0]) + 1, int(rows[-1] - rows[0]) + 1
        return _Box(track_id, PLAYER_CATEGORY, (float(x0), float(y0), float(w), float(h)), occluded=False)

    def _with_occlusion(self, label: int, placement: _Placement, solid: np.ndarray, box: _Box) -> _Box:
        total = int(np.count_nonzero(solid))
        shown = int(np.count_nonzero(self._painter[placement[0]][solid] == label))
        return _Box(box.track_id, box.category_id, box.bbox, occluded=total > 0 and shown < 0.5 * total)


# --------------------------------------------------------------------------- files


def _temporary_path(final: Path) -> Path:
    """A unique hidden name next to ``final``, so the finished file can be moved into place atomically."""
    return final.with_name(f".{final.name}.{os.getpid()}.{secrets.token_hex(4)}.part")


def _video_codec() -> str:
    """H.264 where this FFmpeg build has it; MPEG-4 Part 2 is in every build."""
    return "libx264" if "libx264" in av.codecs_available else "mpeg4"


def _add_video_stream(container: Any, width: int, height: int, fps: int) -> Any:
    codec = _video_codec()
    stream = container.add_stream(codec, rate=fps)
    stream.width, stream.height = width, height
    stream.pix_fmt = "yuv420p"
    stream.time_base = Fraction(1, fps)
    if codec == "libx264":
        stream.options = {"crf": "23", "preset": "veryfast"}
    else:
        stream.bit_rate = int(0.12 * width * height * fps)
    # cv2's BGR -> I420 is limited-range BT.601; say so, so players do not guess BT.709 for HD.
    context = stream.codec_context
    context.colorspace, context.color_range, context.color_primaries, context.color_trc = 6, 1, 6, 6
    return stream


def _game_time(position_ms: int) -> str:
    seconds = position_ms // 1000
    return f"1 - {seconds // 60:02d}:{seconds % 60:02d}"


def _events_document(events: list[_Event], fps: int) -> dict[str, Any]:
    annotations = []
    for event in events:
        position = round(event.frame_index * 1000 / fps)
        annotations.append(
            {
                "gameTime": _game_time(position),
                "label": event.label,
                "position": str(position),
                "team": event.team,
                "visibility": "visible",
            }
        )
    return {"UrlLocal": "", "annotations": annotations}


def generate_match(
    out_dir: Path,
    seconds: float = 20.0,
    fps: int = 25,
    view: str = "panorama",
    seed: int = 0,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> DemoMatch:
    """Render a synthetic match into ``out_dir``: match.mp4, its COCO boxes and its events.

    Track ids: ball 0, left team 1-11 (1 is the keeper), right team 12-22 (12
    is the keeper), referee 23. A box is "occluded" when more than half of what
    was drawn of it is hidden behind someone nearer the camera. Everything is
    written under temporary names and renamed at the very end, so a cancelled
    or failed run leaves ``out_dir`` as it was.
    """
    if view not in VIEWS:
        raise ValueError(f"Unknown view {view!r}; choose one of: {', '.join(VIEWS)}.")
    if not seconds > 0:
        raise ValueError(f"seconds must be greater than 0, got {seconds!r}.")
    if not isinstance(fps, int) or fps <= 0:
        raise ValueError(f"fps must be a whole number of frames per second above 0, got {fps!r}.")
    width, height = VIEWS[view]
    frame_count = max(1, round(seconds * fps))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    background_rng, look_rng, play_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    camera = _Camera(_CAMERAS[view], width, height)
    renderer = _Renderer(camera, _people_looks(look_rng), _render_background(camera, background_rng))
    match = _Match(play_rng, fps, frame_count / fps)
    result = DemoMatch(
        video=out_dir / "match.mp4",
        ground_truth=out_dir / "ground_truth.coco.json",
        events=out_dir / "events.json",
        width=width,
        height=height,
        fps=float(fps),
        frame_count=frame_count,
    )
    finals = (result.video, result.ground_truth, result.events)
    temporaries = [_temporary_path(final) for final in finals]
    try:
        images, annotations = _render_video(temporaries[0], match, renderer, result, progress, cancel)
        coco = {
            "info": {"description": "Soccer Desktop synthetic match", "seed": seed, "fps": fps, "view": view},
            "images": images,
            "annotations": annotations,
            "categories": [{"id": PLAYER_CATEGORY, "name": "player"}, {"id": BALL_CATEGORY, "name": "ball"}],
        }
        temporaries[1].write_text(json.dumps(coco, separators=(",", ":")), encoding="utf-8")
        temporaries[2].write_text(json.dumps(_events_document(match.events, fps), indent=2), encoding="utf-8")
        for temporary, final in zip(temporaries, finals, strict=True):
            os.replace(temporary, final)
    except BaseException:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        raise
    return result


def _render_video(
    path: Path, match: _Match, renderer: _Renderer, clip: DemoMatch, progress: ProgressCallback, cancel: CancelCheck
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Simulate, draw and encode every frame; returns the COCO images and annotations on the way."""
    images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    width, height, fps, frame_count = clip.width, clip.height, int(clip.fps), clip.frame_count
    time_base = Fraction(1, fps)
    frame = np.empty((height, width, 3), np.uint8)
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = _add_video_stream(container, width, height, fps)
        for index in range(frame_count):
            check_cancel(cancel)
            match.step(index)
            boxes = renderer.render(match, frame)
            images.append(
                {
                    "id": index + 1,
                    "file_name": f"match.mp4#frame={index}",
                    "width": width,
                    "height": height,
                    "frame_index": index,
                }
            )
            for box in boxes:
                x, y, w, h = (round(v, 2) for v in box.bbox)
                annotations.append(
                    {
                        "id": len(annotations) + 1,
                        "image_id": index + 1,
                        "category_id": box.category_id,
                        "bbox": [x, y, w, h],
                        "area": round(w * h, 2),
                        "iscrowd": 0,
                        "track_id": box.track_id,
                        "occluded": box.occluded,
                    }
                )
            yuv = np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420), dtype=np.uint8)  # 20x faster than swscale
            video_frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
            video_frame.pts = index
            video_frame.time_base = time_base
            container.mux(stream.encode(video_frame))
            progress(Progress(index + 1, frame_count, "Rendering frames"))
        container.mux(stream.encode(None))
    return images, annotations
