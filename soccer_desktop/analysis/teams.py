"""Two teams from jersey colours, decided per track; the referee is "other", goalkeepers join their side.

Colour features come from the torso of each player box (the band under the
head, away from shorts and socks) with the grass pixels masked out. The tracks'
colours are clustered into two teams (scikit-learn k-means, weighted by how
often each track was seen); a track far from both team colours is an outlier.
Every sampled box then votes and a track takes its majority, so one odd frame
never flips a player's team. Outliers who stand at either end of the line of
players most of the time are goalkeepers and join the team whose outfield
players stand nearer to them over the track; the rest (referees) are "other".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import cv2
import numpy as np

from soccer_desktop.core.errors import UserError

TEAM_A, TEAM_B, OTHER = 0, 1, 2


@dataclass(frozen=True)
class TeamSettings:
    """How teams are told apart; ``sample_every`` frames are decoded for colours (25: one a second at 25 fps)."""

    sample_every: int = 5
    outlier_distance: float = 3.0  # in units of the team colours' own spread
    min_outlier_distance: float = 12.0  # Lab units: kits this close to a team colour are that team
    keeper_share: float = 0.5  # share of its frames an outlier must stand at an end of the line

    def __post_init__(self) -> None:
        if self.sample_every < 1:
            raise UserError(f"Colours must be sampled every 1 frame or more, got {self.sample_every!r}.")
        if not 0 < self.keeper_share <= 1:
            raise UserError(f"The goalkeeper share must lie in (0, 1], got {self.keeper_share!r}.")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TeamSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class TeamAssignment:
    """Per track id its team (0/1, 2 other) and role guess, plus each team's mean kit colour (BGR)."""

    team: dict[int, int]
    keepers: frozenset[int]
    colours_bgr: tuple[tuple[int, int, int], tuple[int, int, int]]


def torso_colours(image_bgr: np.ndarray, xywh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median Lab colour of each box's torso with grass removed, and whether enough kit pixels were left."""
    height, width = image_bgr.shape[:2]
    features = np.zeros((len(xywh), 3), dtype=np.float32)
    valid = np.zeros(len(xywh), dtype=bool)
    for k, (x, y, w, h) in enumerate(np.asarray(xywh, dtype=np.float64)):
        x0, x1 = int(max(0, x + 0.2 * w)), int(min(width, np.ceil(x + 0.8 * w)))
        y0, y1 = int(max(0, y + 0.2 * h)), int(min(height, np.ceil(y + 0.5 * h)))
        if x1 - x0 < 1 or y1 - y0 < 1:
            continue
        crop = image_bgr[y0:y1, x0:x1]
        hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV).reshape(-1, 3)
        grass = (hsv[:, 0] >= 35) & (hsv[:, 0] <= 85) & (hsv[:, 1] >= 60) & (hsv[:, 2] >= 40)
        kit = cv2.cvtColor(crop, cv2.COLOR_BGR2LAB).reshape(-1, 3)[~grass]
        if len(kit) >= 3:
            features[k] = np.sort(kit, axis=0)[len(kit) // 2]  # the median, without np.median's overhead
            valid[k] = True
    return features, valid


def _track_medians(track: np.ndarray, features: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Track ids, each track's median colour, its sample count, and each sample's track position."""
    ids, inverse, counts = np.unique(track, return_inverse=True, return_counts=True)
    order = np.argsort(inverse, kind="stable")
    groups = np.split(order, np.cumsum(counts)[:-1])
    medians = np.stack([np.median(features[g], axis=0) for g in groups])
    return ids, medians, counts, inverse


def _kit_clusters(medians: np.ndarray, counts: np.ndarray, settings: TeamSettings) -> tuple[np.ndarray, np.ndarray]:
    """Two team colours (k-means on track colours, refit without outliers) and the distance cut to each."""
    from sklearn.cluster import KMeans

    inliers = np.ones(len(medians), dtype=bool)
    centres = np.zeros((2, 3))
    cut = np.full(2, np.inf)
    for _ in range(3):
        kmeans = KMeans(n_clusters=2, n_init=10, random_state=0)
        labels = kmeans.fit_predict(medians[inliers], sample_weight=counts[inliers])
        # The median kit of each cluster, not its mean: a referee swept into a team must not drag it away.
        centres = np.stack([
            np.median(medians[inliers][labels == c], axis=0) if np.any(labels == c) else kmeans.cluster_centers_[c]
            for c in range(2)
        ])  # fmt: skip
        distance = np.linalg.norm(medians[:, None, :] - centres[None], axis=2)
        spread = np.array([
            np.median(distance[inliers][labels == c, c]) if np.any(labels == c) else 0.0 for c in range(2)
        ])  # fmt: skip
        cut = np.maximum(settings.outlier_distance * np.maximum(spread, 1.0), settings.min_outlier_distance)
        now = distance.min(axis=1) <= cut[distance.argmin(axis=1)]
        if now.sum() < 2 or np.array_equal(now, inliers):
            break
        inliers = now
    return centres, cut


def assign_teams(
    sample_track: np.ndarray,
    sample_features: np.ndarray,
    track: np.ndarray,
    frame: np.ndarray,
    foot: np.ndarray,
    settings: TeamSettings | None = None,
) -> TeamAssignment:
    """Teams of every track from colour samples (``sample_*``) and every tracked box's foot point.

    ``track``, ``frame`` and ``foot`` (N, 2) cover all player boxes with a track id;
    the samples are the boxes whose colour was measured. Team 0 is the team
    standing further left in the picture on average.
    """
    settings = settings or TeamSettings()
    sample_track = np.asarray(sample_track, dtype=np.int64)
    if len(np.unique(sample_track)) < 2:
        raise UserError(
            "Fewer than two tracked players had their kit colour sampled, so no teams can be told apart. "
            "Track a longer stretch of the match or sample colours more often."
        )
    ids, medians, counts, position = _track_medians(sample_track, sample_features)
    centres, cut = _kit_clusters(medians, counts, settings)
    distance = np.linalg.norm(sample_features[:, None, :] - centres[None], axis=2)
    nearest = distance.argmin(axis=1)
    vote = np.where(distance[np.arange(len(nearest)), nearest] <= cut[nearest], nearest, OTHER)
    ballot = np.zeros((len(ids), 3), dtype=np.int64)
    np.add.at(ballot, (position, vote), 1)
    team = {int(track_id): int(ballot[k].argmax()) for k, track_id in enumerate(ids.tolist())}

    track = np.asarray(track, dtype=np.int64)
    frame = np.asarray(frame, dtype=np.int64)
    foot = np.asarray(foot, dtype=np.float64).reshape(-1, 2)
    # Name the teams by where they stand: team 0 further left.
    box_team = np.array([team.get(t, -1) for t in track.tolist()], dtype=np.int64)
    side = [foot[box_team == c, 0].mean() if np.any(box_team == c) else np.inf for c in (0, 1)]
    if side[1] < side[0]:
        team = {t: (1 - c if c < OTHER else c) for t, c in team.items()}
        centres = centres[::-1]
    keepers = _goalkeepers(team, track, frame, foot, settings)
    for keeper, side_team in keepers.items():
        team[keeper] = side_team
    colours = cv2.cvtColor(np.clip(centres, 0, 255).astype(np.uint8)[None], cv2.COLOR_LAB2BGR)[0]
    return TeamAssignment(team, frozenset(keepers), (tuple(map(int, colours[0])), tuple(map(int, colours[1]))))


def _goalkeepers(team: dict[int, int], track: np.ndarray, frame: np.ndarray, foot: np.ndarray,
                 settings: TeamSettings) -> dict[int, int]:  # fmt: skip
    """Outlier tracks standing at either end of the line of players: their team by nearness of its outfield."""
    outliers = np.array([t for t, c in team.items() if c == OTHER], dtype=np.int64)
    if len(outliers) == 0 or len(track) == 0:
        return {}
    member_team = np.array([team.get(t, -1) for t in track.tolist()], dtype=np.int64)
    _, slot = np.unique(frame, return_inverse=True)
    order = np.lexsort((foot[:, 0], slot))
    starts = np.searchsorted(slot[order], slot[order], side="left")
    ends = np.searchsorted(slot[order], slot[order], side="right")
    rank = np.empty(len(track), dtype=np.int64)
    rank[order] = np.arange(len(track)) - starts
    size = np.empty(len(track), dtype=np.int64)
    size[order] = ends - starts
    at_end = (rank < 2) | (rank >= size - 2)
    distance = np.full((len(track), 2), np.nan)
    for c in (0, 1):
        outfield = member_team == c
        count = np.bincount(slot, weights=outfield.astype(float))
        centre = np.stack([np.bincount(slot, weights=foot[:, k] * outfield) for k in (0, 1)], axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            centre /= count[:, None]
        distance[:, c] = np.hypot(*(foot - centre[slot]).T)
    keepers = {}
    for t in outliers.tolist():
        rows = track == t
        both = rows & ~np.isnan(distance).any(axis=1)
        if at_end[rows].mean() >= settings.keeper_share and both.any():
            keepers[t] = int(np.argmin(distance[both].mean(axis=0)))
    return keepers
