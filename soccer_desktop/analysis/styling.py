"""What an overlay shows, shared by the video panel's painter (Qt) and the rendered MP4 (OpenCV).

The choice of boxes (confidence, classes, "ball only"), their colours (by
class, or by team once tracking assigned one), their labels and the fading
ball trail are decided here, once, so the live overlay and the exported
video cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from soccer_desktop.analysis.store import BALL_TRACK_ID, FLAG_GHOST, FLAG_INTERPOLATED, Detection
from soccer_desktop.project.store import ClassId

Rgb = tuple[int, int, int]
CLASS_COLOURS: dict[int, Rgb] = {int(ClassId.PLAYER): (255, 214, 10), int(ClassId.BALL): (255, 64, 255)}
TEAM_COLOURS: dict[int, Rgb] = {0: (230, 57, 70), 1: (69, 123, 255), 2: (30, 30, 30)}
GHOST_COLOUR: Rgb = (150, 150, 150)
TRAIL_FRAMES = 12  # half a second at 25 fps


@dataclass(frozen=True)
class OverlayOptions:
    min_score: float = 0.0
    classes: frozenset[int] = field(default_factory=lambda: frozenset(int(c) for c in ClassId))
    ball_only: bool = False
    show_scores: bool = True
    trail_frames: int = TRAIL_FRAMES  # 0: no trail
    show_ghosts: bool = False  # ball candidates the trajectory rejected: hidden unless asked for
    team_colours: Mapping[int, Rgb] = field(default_factory=dict)  # the analysis's named teams' colours

    def shows(self, detection: Detection) -> bool:
        if detection.flags & FLAG_GHOST and not self.show_ghosts:
            return False
        if self.ball_only and detection.class_id != ClassId.BALL:
            return False
        if detection.class_id not in self.classes:
            return False
        # Interpolated balls have no score: the trajectory placed them, the slider does not apply.
        return detection.score is None or detection.score >= self.min_score


class StyledBox(NamedTuple):
    """One box as drawn (a tuple: playback builds a few dozen per frame, hundreds of times a second)."""

    x: float
    y: float
    w: float
    h: float
    colour: Rgb
    label: str
    dashed: bool  # interpolated or ghost: not a plain detection
    ghost: bool = False  # drawn as a hollow marker
    interpolated: bool = False  # placed by the ball's trajectory, not detected
    track_id: int | None = None  # a player's track (right-click moves it to another team)
    team: int | None = None


class TrailPoint(NamedTuple):
    x: float
    y: float
    opacity: float  # 1 for the newest point, fading towards 0 for the oldest


def colour_of(detection: Detection, teams: Mapping[int, Rgb]) -> Rgb:
    """``teams``: every team's colour (the defaults overridden by the analysis's named teams)."""
    if detection.flags & FLAG_GHOST:
        return GHOST_COLOUR
    if detection.team is not None and detection.class_id == ClassId.PLAYER:
        return teams.get(detection.team, CLASS_COLOURS[int(ClassId.PLAYER)])
    return CLASS_COLOURS.get(detection.class_id, (255, 255, 255))


def label_of(detection: Detection, show_scores: bool = True) -> str:
    parts = []
    if detection.track_id is not None and detection.class_id == ClassId.PLAYER:
        parts.append(f"#{detection.track_id}")
    if show_scores and detection.score is not None:
        parts.append(f"{detection.score:.2f}")
    return " ".join(parts)


def styled_boxes(detections: Sequence[Detection], options: OverlayOptions) -> list[StyledBox]:
    teams = {**TEAM_COLOURS, **options.team_colours}
    return [
        StyledBox(d.x, d.y, d.w, d.h, colour_of(d, teams), label_of(d, options.show_scores),
                  bool(d.flags & (FLAG_GHOST | FLAG_INTERPOLATED)), bool(d.flags & FLAG_GHOST),
                  bool(d.flags & FLAG_INTERPOLATED), d.track_id if d.class_id == ClassId.PLAYER else None,
                  d.team)  # fmt: skip
        for d in detections
        if options.shows(d)
    ]


def track_at(boxes: Sequence[StyledBox], x: float, y: float) -> StyledBox | None:
    """The smallest tracked player box containing the image point (x, y): the one a click means."""
    hits = [b for b in boxes if b.track_id is not None and b.x <= x <= b.x + b.w and b.y <= y <= b.y + b.h]
    return min(hits, key=lambda b: b.w * b.h, default=None)


def ball_trail(recent_balls: Sequence[Detection], frame_index: int, options: OverlayOptions) -> list[TrailPoint]:
    """Centres of the best ball of each of the last ``trail_frames`` frames before ``frame_index``, fading."""
    if options.trail_frames <= 0 or ClassId.BALL not in options.classes:
        return []
    # Once tracked, the trail follows the ball's trajectory (kept and interpolated balls), not raw candidates.
    trajectory = [b for b in recent_balls if b.class_id == ClassId.BALL and b.track_id == BALL_TRACK_ID]
    best: dict[int, Detection] = {}
    for ball in trajectory or recent_balls:
        age = frame_index - ball.frame_index
        if ball.class_id != ClassId.BALL or not 0 < age <= options.trail_frames or ball.flags & FLAG_GHOST:
            continue
        if not options.shows(ball):
            continue
        kept = best.get(ball.frame_index)
        if kept is None or (ball.score or 0.0) > (kept.score or 0.0):
            best[ball.frame_index] = ball
    return [
        TrailPoint(b.x + b.w / 2, b.y + b.h / 2, 1.0 - (frame_index - i) / (options.trail_frames + 1))
        for i, b in sorted(best.items())
    ]
