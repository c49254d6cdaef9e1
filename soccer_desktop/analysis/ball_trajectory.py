"""The ball's one trajectory through a match, ghost candidates flagged and short gaps filled.

Detectors see many "balls": a white sock, a line spot, a spare ball beside the
pitch. The real one is the candidate a motion model can follow. Three steps:

1. **Static spots.** Candidates that stay within a few pixels for seconds are
   joined into one spot; a spot is a ghost unless the followed ball leaves from
   it or arrives at it (a free kick: the ball rests, then flies).
2. **Tracklets.** A Kalman filter on position and velocity (gravity allowed, for
   lofted balls seen from the side) links the remaining candidates frame to
   frame; a candidate far from every prediction starts a tracklet of its own.
3. **One ball per frame.** Tracklets with enough support (seen in at least half
   of their frames) claim their frames,
   strongest first; an isolated candidate is kept only where it lies on the line
   between the claimed ball before and after it. Everything else is a ghost.

Ghosts are flagged, never deleted. Gaps of up to ``max_gap`` frames between kept
balls are filled by interpolation and returned separately, marked as such.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from soccer_desktop.core.errors import UserError


@dataclass(frozen=True)
class BallSettings:
    """Thresholds of the ball filter; pixel values are in full-frame pixels, times at the video's rate."""

    max_gap: int = 10  # missing frames filled by interpolation (0: none)
    static_seconds: float = 2.0  # a candidate resting this long at one spot is a ghost spot
    static_radius: float = 4.0  # px: how still "still" is
    gate: float = 12.0  # px: how far from the prediction a candidate may lie, grown with missed frames
    max_speed: float = 45.0  # px per frame the ball can travel (a hard shot close to the camera)
    min_support: int = 4  # candidates a tracklet needs to claim frames on its own
    gravity: float = 0.0  # px per frame² downwards in the picture (side views); 0 for top-down rigs
    acceleration: float = 2.0  # px per frame²: how sharply the ball may change course (kicks, bounces)

    def __post_init__(self) -> None:
        if self.max_gap < 0:
            raise UserError(f"The largest gap to fill must be 0 frames or more, got {self.max_gap!r}.")
        for name in ("static_seconds", "static_radius", "gate", "max_speed", "acceleration"):
            if not getattr(self, name) > 0:
                raise UserError(f"The ball setting {name} must be greater than 0, got {getattr(self, name)!r}.")
        if self.min_support < 1:
            raise UserError(f"A ball tracklet needs at least 1 candidate, got {self.min_support!r}.")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> BallSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class BallTrajectory:
    """Per candidate whether it is the ball (``kept``) or a ghost, and the interpolated balls in the gaps."""

    kept: np.ndarray  # bool (N,): the one ball of its frame
    static: np.ndarray  # bool (N,): part of a ghost spot (a subset of ~kept)
    filled_frames: np.ndarray  # int64 (M,)
    filled_xywh: np.ndarray  # float64 (M, 4)

    @property
    def ghost(self) -> np.ndarray:
        return ~self.kept


class _Kalman:
    """Constant velocity in both axes plus a known downward acceleration; state ``x, y, vx, vy``."""

    def __init__(self, centre: np.ndarray, frame: int, settings: BallSettings) -> None:
        self.state = np.array([centre[0], centre[1], 0.0, 0.0])
        self.cov = np.diag([4.0, 4.0, settings.max_speed**2 / 4, settings.max_speed**2 / 4])
        self.frame = frame
        self._q = settings.acceleration**2
        self._g = settings.gravity
        self._r = 1.5**2

    def predict(self, frame: int) -> tuple[np.ndarray, np.ndarray]:
        """Predicted state and covariance at ``frame`` (not stored: several candidates compete)."""
        dt = float(frame - self.frame)
        f = np.array([[1, 0, dt, 0], [0, 1, 0, dt], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=np.float64)
        g = np.array([0.0, 0.5 * dt * dt, 0.0, dt]) * self._g
        noise = np.array([[dt**4 / 4, dt**3 / 2], [dt**3 / 2, dt * dt]]) * self._q
        q = np.zeros((4, 4))
        q[np.ix_([0, 2], [0, 2])] = noise
        q[np.ix_([1, 3], [1, 3])] = noise
        return f @ self.state + g, f @ self.cov @ f.T + q

    def update(self, frame: int, centre: np.ndarray, predicted: tuple[np.ndarray, np.ndarray]) -> None:
        state, cov = predicted
        s = cov[:2, :2] + np.eye(2) * self._r
        gain = cov[:, :2] @ np.linalg.inv(s)
        self.state = state + gain @ (centre - state[:2])
        self.cov = (np.eye(4) - gain @ np.eye(2, 4)) @ cov
        self.frame = frame


def _spread(cov: np.ndarray) -> float:
    return float(np.sqrt(max(cov[0, 0], cov[1, 1])))


class _DisjointSets:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n)

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = int(parent[root])
        while parent[i] != root:
            parent[i], i = root, int(parent[i])
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _groups(labels: np.ndarray) -> dict[int, np.ndarray]:
    """Indices (ascending) of each non-negative label, in one sort rather than one scan per label."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    bounds = np.flatnonzero(np.diff(sorted_labels)) + 1
    groups = {}
    for members in np.split(order, bounds):
        if len(members) and labels[members[0]] >= 0:
            groups[int(labels[members[0]])] = members
    return groups


def _static_spots(frames: np.ndarray, centres: np.ndarray, settings: BallSettings, fps: float) -> np.ndarray:
    """A spot id per candidate (-1: not resting): candidates within ``static_radius`` linked over short breaks."""
    n = len(frames)
    radius = settings.static_radius
    allowed_break = max(2, round(0.5 * fps))
    sets = _DisjointSets(n)
    latest: dict[tuple[int, int], int] = {}  # grid cell -> newest candidate in it
    cells = np.floor(centres / radius).astype(np.int64)
    for i in range(n):
        cx, cy = int(cells[i, 0]), int(cells[i, 1])
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                j = latest.get((cx + dx, cy + dy))
                if j is None or frames[i] - frames[j] > allowed_break or frames[i] == frames[j]:
                    continue
                if np.hypot(*(centres[i] - centres[j])) <= radius:
                    sets.union(i, j)
        latest[(cx, cy)] = i
    roots = np.array([sets.find(i) for i in range(n)], dtype=np.int64)
    spot = np.full(n, -1, dtype=np.int64)
    needed = settings.static_seconds * fps
    for root, members in _groups(roots).items():
        if len(members) < 3 or frames[members[-1]] - frames[members[0]] < needed:
            continue
        extent = centres[members].max(axis=0) - centres[members].min(axis=0)
        if float(extent.max()) <= 3 * radius:
            spot[members] = root
    return spot


def _tracklets(frames: np.ndarray, centres: np.ndarray, usable: np.ndarray, settings: BallSettings) -> np.ndarray:
    """A tracklet id per usable candidate (-1 otherwise), linking each to the nearest prediction in its gate."""
    tracklet = np.full(len(frames), -1, dtype=np.int64)
    active: list[tuple[int, _Kalman]] = []
    count = 0
    order = np.flatnonzero(usable)
    bounds = np.flatnonzero(np.diff(frames[order])) + 1
    for group in np.split(order, bounds):
        if len(group) == 0:
            continue
        frame = int(frames[group[0]])
        active = [(t, k) for t, k in active if frame - k.frame <= settings.max_gap + 1]
        predictions = [k.predict(frame) for _, k in active]
        pairs = []
        for a, (state, cov) in enumerate(predictions):
            missed = frame - active[a][1].frame
            gate = settings.gate + 3.0 * _spread(cov)
            reach = min(gate, settings.max_speed * missed)
            for i in group.tolist():
                distance = float(np.hypot(*(centres[i] - state[:2])))
                if distance <= reach:
                    pairs.append((distance, a, i))
        taken_tracks: set[int] = set()
        for _, a, i in sorted(pairs):
            if a in taken_tracks or tracklet[i] >= 0:
                continue
            taken_tracks.add(a)
            tracklet[i] = active[a][0]
            active[a][1].update(frame, centres[i], predictions[a])
        for i in group.tolist():
            if tracklet[i] < 0:
                tracklet[i] = count
                active.append((count, _Kalman(centres[i], frame, settings)))
                count += 1
    return tracklet


def follow_ball(frames: np.ndarray, xywh: np.ndarray, scores: np.ndarray, fps: float,
                settings: BallSettings | None = None) -> BallTrajectory:  # fmt: skip
    """Decide which ball candidate of each frame is the ball; ``frames`` sorted, ``scores`` NaN when unknown."""
    settings = settings or BallSettings()
    frames = np.asarray(frames, dtype=np.int64)
    xywh = np.asarray(xywh, dtype=np.float64).reshape(-1, 4)
    n = len(frames)
    if n == 0:
        return BallTrajectory(np.zeros(0, bool), np.zeros(0, bool), np.zeros(0, np.int64), np.zeros((0, 4)))
    if np.any(np.diff(frames) < 0):
        raise ValueError("ball candidates must be sorted by frame")
    weight = np.where(np.isnan(scores), 0.5, np.asarray(scores, dtype=np.float64))
    centres = xywh[:, :2] + xywh[:, 2:] / 2
    spot = _static_spots(frames, centres, settings, fps)
    tracklet = _tracklets(frames, centres, spot < 0, settings)
    kept = np.zeros(n, dtype=bool)
    claimed: dict[int, int] = {}  # frame -> kept candidate

    # Dense enough tracklets only: scattered ghosts a wide gate happened to chain are no trajectory.
    groups = {t: members for t, members in _groups(tracklet).items()
              if len(members) >= max(settings.min_support, 0.5 * (frames[members[-1]] - frames[members[0]] + 1))}
    strength = {t: float(weight[members].sum()) for t, members in groups.items()}
    for t in sorted(strength, key=lambda t: -strength[t]):
        members = groups[t]
        overlap = sum(int(frames[i]) in claimed for i in members.tolist())
        if overlap > 0.5 * len(members):
            continue  # mostly where a stronger trajectory already is: a ghost running beside the ball
        for i in members.tolist():
            if int(frames[i]) not in claimed:
                claimed[int(frames[i])] = i
                kept[i] = True

    _keep_on_path(frames, centres, kept, claimed, spot < 0, settings)
    _keep_connected_spots(frames, centres, spot, kept, claimed, settings)
    filled_frames, filled_xywh = _interpolate(frames, xywh, kept, settings.max_gap)
    return BallTrajectory(kept, spot >= 0, filled_frames, filled_xywh)


def _neighbours(claimed_frames: np.ndarray, frame: int) -> tuple[int | None, int | None]:
    at = int(np.searchsorted(claimed_frames, frame))
    before = int(claimed_frames[at - 1]) if at > 0 else None
    after = int(claimed_frames[at]) if at < len(claimed_frames) else None
    return before, after


def _keep_on_path(frames: np.ndarray, centres: np.ndarray, kept: np.ndarray,
                  claimed: dict[int, int], candidates: np.ndarray, settings: BallSettings) -> None:  # fmt: skip
    """Keep unclaimed-frame candidates that lie on the line between the kept ball before and after them."""
    claimed_frames = np.array(sorted(claimed), dtype=np.int64)
    best: dict[int, tuple[float, int]] = {}
    for i in np.flatnonzero(candidates & ~kept).tolist():
        frame = int(frames[i])
        if frame in claimed:
            continue
        before, after = _neighbours(claimed_frames, frame)
        if before is None or after is None or after - before > 2 * (settings.max_gap + 1):
            continue
        a, b = centres[claimed[before]], centres[claimed[after]]
        share = (frame - before) / (after - before)
        expected = a + share * (b - a)
        distance = float(np.hypot(*(centres[i] - expected)))
        tolerance = settings.gate * (1.0 + 0.5 * min(frame - before, after - frame))
        if distance <= tolerance and (frame not in best or distance < best[frame][0]):
            best[frame] = (distance, i)
    for frame, (_, i) in best.items():
        kept[i] = True
        claimed[frame] = i


def _keep_connected_spots(frames: np.ndarray, centres: np.ndarray, spot: np.ndarray, kept: np.ndarray,
                          claimed: dict[int, int], settings: BallSettings) -> None:  # fmt: skip
    """A resting ball the trajectory leaves from or arrives at is the ball (a set piece), not a ghost."""
    claimed_frames = np.array(sorted(claimed), dtype=np.int64)
    reach = settings.max_gap + 1
    for members in _groups(spot).values():
        first, last = int(frames[members[0]]), int(frames[members[-1]])
        where = np.median(centres[members], axis=0)
        before, _ = _neighbours(claimed_frames, first)
        _, after = _neighbours(claimed_frames, last + 1)
        near = 3 * settings.static_radius + settings.gate
        arrives = before is not None and first - before <= reach
        arrives = arrives and float(np.hypot(*(centres[claimed[before]] - where))) <= near
        leaves = after is not None and after - last <= reach
        leaves = leaves and float(np.hypot(*(centres[claimed[after]] - where))) <= near
        if not (arrives or leaves):
            continue
        for i in members.tolist():
            if int(frames[i]) not in claimed:
                kept[i] = True
                claimed[int(frames[i])] = i


def _interpolate(frames: np.ndarray, xywh: np.ndarray, kept: np.ndarray, max_gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Linear boxes for every frame of a gap of at most ``max_gap`` frames between two kept balls."""
    rows = np.flatnonzero(kept)
    out_frames: list[int] = []
    out_boxes: list[np.ndarray] = []
    for a, b in zip(rows[:-1].tolist(), rows[1:].tolist(), strict=True):
        gap = int(frames[b] - frames[a]) - 1
        if gap < 1 or gap > max_gap:
            continue
        for step in range(1, gap + 1):
            share = step / (gap + 1)
            out_frames.append(int(frames[a]) + step)
            out_boxes.append(xywh[a] + share * (xywh[b] - xywh[a]))
    if not out_frames:
        return np.zeros(0, np.int64), np.zeros((0, 4))
    return np.array(out_frames, dtype=np.int64), np.array(out_boxes)
