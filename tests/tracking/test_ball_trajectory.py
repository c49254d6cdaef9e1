"""The ball filter: one ball per frame, ghosts flagged (not deleted), short gaps interpolated."""

from __future__ import annotations

import numpy as np
import pytest

from soccer_desktop.analysis.ball_trajectory import BallSettings, follow_ball
from soccer_desktop.core.errors import UserError
from soccer_desktop.video.synthetic import BALL_CATEGORY, DemoMatch
from tests.tracking.mot import load_truth


def _with_ghosts(match: DemoMatch, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """True ball detections (12% missed, jittered) plus injected ghosts; returns frames, boxes, scores, is-true."""
    truth = load_truth(match.ground_truth, BALL_CATEGORY)
    rng = np.random.default_rng(seed)
    n = truth.frame_count
    seen = rng.random(len(truth.frames)) > 0.12
    rows = [(int(f), *(b + rng.normal(0, 0.6, 4) * [1, 1, 0, 0]), rng.uniform(0.3, 0.9), True)
            for f, b in zip(truth.frames[seen], truth.xywh[seen], strict=True)]  # fmt: skip
    for spot in ((1500.0, 640.0), (2950.0, 420.0)):  # line spots / a sock: still for the whole clip
        rows += [(f, spot[0] + rng.normal(0, 0.4), spot[1] + rng.normal(0, 0.4), 8.0, 8.0, 0.5, False)
                 for f in range(n) if rng.random() < 0.7]  # fmt: skip
    rows += [(f, 3700.0, 1010.0, 9.0, 9.0, 0.6, False) for f in range(n // 3, n) if rng.random() < 0.8]  # spare ball
    for f in rng.choice(n, n // 10, replace=False).tolist():  # isolated detections far from the ball
        rows.append((f, rng.uniform(100, 3700), rng.uniform(320, 1000), 8.0, 8.0, rng.uniform(0.3, 0.9), False))
    rows.sort(key=lambda r: r[0])
    data = np.array([r[:6] for r in rows], dtype=np.float64)
    return data[:, 0].astype(np.int64), data[:, 1:5], data[:, 5], np.array([r[6] for r in rows])


@pytest.mark.parametrize("seed", [0, 1])
def test_ghosts_are_flagged_and_the_ball_kept(match: DemoMatch, seed: int) -> None:
    frames, boxes, scores, real = _with_ghosts(match, seed)
    result = follow_ball(frames, boxes, scores, match.fps)
    flagged = float((result.ghost & ~real).sum() / (~real).sum())
    kept = float((result.kept & real).sum() / real.sum())
    print(f"ball filter (seed {seed}): {flagged:.1%} of {int((~real).sum())} ghosts flagged, "
          f"{kept:.1%} of {int(real.sum())} true detections kept, "
          f"{len(result.filled_frames)} frames filled")  # fmt: skip
    assert flagged >= 0.90 and kept >= 0.95
    assert np.bincount(frames[result.kept]).max() == 1  # at most one ball per frame
    assert len(result.kept) == len(frames)  # flagged, never deleted


def test_motion_proposal_ball_candidates(match: DemoMatch, motion_boxes: dict) -> None:
    """Real ghosts: white kit parts and boots the motion detector takes for balls, beside the real one."""
    from soccer_desktop.project.store import ClassId

    balls = motion_boxes[ClassId.BALL]
    truth = load_truth(match.ground_truth, BALL_CATEGORY)
    centre = {int(f): b[:2] + b[2:] / 2 for f, b in zip(truth.frames, truth.xywh, strict=True)}
    distance = np.array([np.hypot(*(b[:2] + b[2:] / 2 - centre[int(f)])) if int(f) in centre else np.inf
                         for f, b in zip(balls.frame, balls.xywh, strict=True)])  # fmt: skip
    real = distance <= 5.0
    result = follow_ball(balls.frame, balls.xywh, balls.score, match.fps)
    flagged = float((result.ghost & ~real).sum() / max(1, (~real).sum()))
    kept = float((result.kept & real).sum() / real.sum())
    print(f"ball filter on motion proposals: {flagged:.1%} of {int((~real).sum())} ghosts flagged, "
          f"{kept:.1%} of {int(real.sum())} true candidates kept")  # fmt: skip
    assert flagged >= 0.90 and kept >= 0.95


def test_short_gaps_are_filled_and_long_ones_left_empty() -> None:
    frames = [*range(0, 10), *range(15, 25), *range(40, 50)]  # a gap of 4 frames, then one of 15
    boxes = np.array([(100.0 + 3 * f, 200.0 + f, 8.0, 8.0) for f in frames])
    result = follow_ball(np.array(frames), boxes, np.full(len(frames), 0.7), 25.0, BallSettings(max_gap=10))
    assert result.kept.all()
    assert result.filled_frames.tolist() == [10, 11, 12, 13, 14]
    np.testing.assert_allclose(result.filled_xywh[0], (130.0, 210.0, 8.0, 8.0))
    assert len(follow_ball(np.array(frames), boxes, np.full(len(frames), 0.7), 25.0,
                           BallSettings(max_gap=0)).filled_frames) == 0  # fmt: skip


def test_a_lofted_ball_is_followed_with_gravity() -> None:
    """A high ball seen from the side: a parabola in the picture, with a second candidate running beside it."""
    t = np.arange(40)
    ball = np.stack([300 + 12.0 * t, 600 - 30.0 * t + 0.75 * t**2], axis=1)
    sock = np.stack([320 + 2.0 * t, 650 + 0 * t], axis=1)[::3]
    frames = np.concatenate([t, t[::3]])
    centres = np.concatenate([ball, sock])
    order = np.argsort(frames, kind="stable")
    xywh = np.concatenate([centres - 4, np.full((len(centres), 2), 8.0)], axis=1)[order]
    is_ball = np.concatenate([np.ones(40, bool), np.zeros(len(sock), bool)])[order]
    result = follow_ball(frames[order], xywh, np.full(len(frames), 0.6), 25.0, BallSettings(gravity=1.5))
    assert result.kept[is_ball].all() and not result.kept[~is_ball].any()


def test_a_resting_ball_the_play_leaves_from_is_kept() -> None:
    """A free kick: the ball rests for 4 s, then flies off; the rest is the ball, not a ghost spot."""
    rest = [(f, 500.0, 500.0) for f in range(100)]
    flight = [(f, 500.0 + 15.0 * (f - 99), 500.0 - 2.0 * (f - 99)) for f in range(100, 140)]
    rows = np.array(rest + flight)
    xywh = np.concatenate([rows[:, 1:] - 4, np.full((len(rows), 2), 8.0)], axis=1)
    result = follow_ball(rows[:, 0].astype(np.int64), xywh, np.full(len(rows), 0.6), 25.0)
    assert result.kept.all() and result.static[:100].all()


def test_bad_settings_and_empty_input() -> None:
    with pytest.raises(UserError, match="gap"):
        BallSettings(max_gap=-1)
    with pytest.raises(UserError, match="gate"):
        BallSettings(gate=0)
    empty = follow_ball(np.zeros(0, np.int64), np.zeros((0, 4)), np.zeros(0), 25.0)
    assert len(empty.kept) == 0 and len(empty.filled_frames) == 0
    with pytest.raises(ValueError, match="sorted"):
        follow_ball(np.array([2, 1]), np.ones((2, 4)), np.ones(2), 25.0)
