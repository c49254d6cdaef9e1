"""Drawing the synthetic match: a static camera, anti-aliased sprites with exact coverage, the pitch.

Split from :mod:`synthetic` (which renders frames and writes the files) along the
seam between *how things look* and *what the clip contains*.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from soccer_desktop.video.synthetic_play import HALF_LENGTH, HALF_WIDTH, KEEPERS, PEOPLE, REFEREE, TEAM_NAMES, TEAM_SIZE

PLAYER_HEIGHT_M = 1.8
_SHIFT = 4
_SUBPIXEL = 1 << _SHIFT

BGR = tuple[float, float, float]


# --------------------------------------------------------------------------- camera


@dataclass(frozen=True)
class _CameraSpec:
    """Four pitch points (m) and where they appear (px): far-left, far-right, near-left, near-right."""

    world: tuple[tuple[float, float], ...]
    image: tuple[tuple[float, float], ...]
    player_height: tuple[float, float]  # px at the far and at the near image row above
    line_thickness: int


CAMERAS = {
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


class Camera:
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
        return self.player_height(rows) / PLAYER_HEIGHT_M


# --------------------------------------------------------------------------- sprites


class Canvas:
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


Placement = tuple[tuple[slice, slice], tuple[slice, slice]]


def composite(frame: np.ndarray, canvas: Canvas) -> Placement | None:
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
class Look:
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


def people_looks(rng: np.random.Generator) -> list[Look]:
    looks = []
    for person in range(PEOPLE):
        if person == REFEREE:
            kit = _KITS["referee"]
        else:
            team = TEAM_NAMES[person // TEAM_SIZE]
            kit = _KITS[f"{team} keeper"] if person in KEEPERS else _KITS[team]
        skin = _SKINS[int(rng.integers(len(_SKINS)))]
        hair = _HAIRS[int(rng.integers(len(_HAIRS)))]
        looks.append(Look(*kit, skin=skin, hair=hair))
    return looks


def player_sprite(look: Look, foot: np.ndarray, height: float, facing: float, stride: float, phase: float) -> Canvas:
    """A running figure (legs and arms alternate with ``phase``) standing on ``foot``."""
    fx, fy = float(foot[0]), float(foot[1])
    h = height
    canvas = Canvas(int(fx - 0.45 * h) - 3, int(fy - 1.05 * h) - 3, int(0.9 * h) + 7, int(1.05 * h) + 8)
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


def ball_sprite(centre: np.ndarray, previous: np.ndarray, diameter: float, spin: float) -> tuple[Canvas, np.ndarray]:
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
    canvas = Canvas(x0, y0, x1 - x0, y1 - y0)
    c = (float(centre[0]), float(centre[1]))
    if fast:
        canvas.line((float(tail[0]), float(tail[1])), c, (225.0, 225.0, 225.0), max(1, round(0.8 * diameter)), 0.35)
    disc = canvas.disc(c, radius, (242.0, 242.0, 242.0))
    patch = (c[0] + 0.42 * radius * math.cos(spin), c[1] + 0.42 * radius * math.sin(spin))
    canvas.disc(patch, 0.36 * radius, (60.0, 60.0, 60.0))
    return canvas, disc


def shadow(frame: np.ndarray, centre: np.ndarray, axes: tuple[float, float], opacity: float) -> None:
    pad = int(max(axes)) + 2
    canvas = Canvas(int(centre[0]) - pad, int(centre[1]) - pad, 2 * pad + 2, 2 * pad + 2)
    canvas.ellipse((float(centre[0]), float(centre[1])), axes, (0.0, 0.0, 0.0), opacity)
    composite(frame, canvas)


# --------------------------------------------------------------------------- background


def _pitch_lines() -> list[np.ndarray]:
    """Every pitch marking as a world polyline (m)."""
    length, width = HALF_LENGTH, HALF_WIDTH
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


def render_background(camera: Camera, rng: np.random.Generator) -> np.ndarray:
    """The static part of every frame (stands, boards, grass, lines, goals), drawn once per clip."""
    width, height = camera.width, camera.height
    inverse = np.linalg.inv(camera.homography)
    cols, rows = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    world_x = (inverse[0, 0] * cols + inverse[0, 1] * rows + inverse[0, 2]) / (
        inverse[2, 0] * cols + inverse[2, 1] * rows + inverse[2, 2]
    )
    stripes = np.floor((world_x + HALF_LENGTH) / (2 * HALF_LENGTH / 18)) % 2 == 1
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


def _draw_stands_and_boards(image: np.ndarray, camera: Camera, rng: np.random.Generator) -> None:
    """Advertising boards 3 m behind the far touchline and a crowd above them."""
    board_bottom = float(camera.project(np.array([(0.0, HALF_WIDTH + 3.0)]))[0, 1])
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
    edges = camera.project(np.stack([along, np.full_like(along, HALF_WIDTH + 3.0)], axis=1))[:, 0]
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


def _draw_goals(image: np.ndarray, camera: Camera) -> None:
    """Posts, crossbar and a see-through net 2 m deep behind each goal line."""
    for side in (-1.0, 1.0):
        line_x, back_x = side * HALF_LENGTH, side * (HALF_LENGTH + 2.0)
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
