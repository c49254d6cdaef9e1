"""Teams from kit colours on the synthetic match: outfield right, goalkeepers joined, referee in neither."""

from __future__ import annotations

import numpy as np
import pytest

from soccer_desktop.analysis.teams import OTHER, TeamSettings, assign_teams, torso_colours
from soccer_desktop.core.errors import UserError
from soccer_desktop.video.reader import VideoReader
from soccer_desktop.video.synthetic import PLAYER_CATEGORY, DemoMatch
from tests.tracking.mot import load_truth


def test_teams_of_the_synthetic_match(match: DemoMatch) -> None:
    truth = load_truth(match.ground_truth, PLAYER_CATEGORY)
    settings = TeamSettings()
    sample_tracks, sample_colours = [], []
    with VideoReader(match.video) as reader:
        for index, image in reader.grab(range(0, truth.frame_count, settings.sample_every)):
            rows = np.flatnonzero(truth.frames == index)
            colours, valid = torso_colours(image, truth.xywh[rows])
            sample_tracks.append(truth.track[rows][valid])
            sample_colours.append(colours[valid])
    foot = truth.xywh[:, :2] + truth.xywh[:, 2:] * [0.5, 1.0]
    result = assign_teams(np.concatenate(sample_tracks), np.concatenate(sample_colours), truth.track, truth.frames,
                          foot, settings)  # fmt: skip
    role = {int(t): r for t, r in zip(truth.track, truth.role, strict=True)}
    team = {int(t): tm for t, tm in zip(truth.track, truth.team, strict=True)}
    outfield = [t for t in role if role[t] == "player"]
    right = sum(result.team[t] == team[t] for t in outfield)
    print(f"teams: {right}/{len(outfield)} outfield tracks right, keepers {sorted(result.keepers)}, "
          f"referee -> {result.team[23]}, kit colours {result.colours_bgr}")  # fmt: skip
    assert right >= 0.95 * len(outfield)
    for keeper in (t for t in role if role[t] == "goalkeeper"):
        assert result.team[keeper] == team[keeper] and keeper in result.keepers
    assert result.team[23] == OTHER and 23 not in result.keepers
    assert result.colours_bgr[0][2] > result.colours_bgr[0][0]  # the left team wears red
    assert result.colours_bgr[1][0] > result.colours_bgr[1][2]  # the right team blue


def test_torso_colour_ignores_the_grass() -> None:
    image = np.full((100, 100, 3), (50, 138, 60), np.uint8)  # grass
    image[20:45, 44:56] = (40, 40, 205)  # a thin red shirt: most of the torso band is grass
    colours, valid = torso_colours(image, np.array([[38.0, 10.0, 24.0, 70.0], [200.0, 200.0, 10.0, 10.0]]))
    assert valid.tolist() == [True, False]
    import cv2

    red = cv2.cvtColor(np.array([[[40, 40, 205]]], np.uint8), cv2.COLOR_BGR2LAB)[0, 0]
    np.testing.assert_allclose(colours[0], red, atol=2)


def test_a_track_follows_its_majority_not_one_odd_frame() -> None:
    rng = np.random.default_rng(0)
    red, blue = np.array([60.0, 180.0, 160.0]), np.array([60.0, 140.0, 80.0])
    tracks = np.repeat(np.arange(1, 11), 20)
    colours = np.where((tracks <= 5)[:, None], red, blue) + rng.normal(0, 2, (200, 3))
    colours[3] = blue  # track 1 looks blue once (someone in front of him)
    foot = np.stack([np.where(tracks <= 5, 100.0, 900.0) + tracks, np.full(200, 500.0)], axis=1)
    result = assign_teams(tracks, colours, tracks, np.tile(np.arange(20), 10), foot)
    assert [result.team[t] for t in range(1, 11)] == [0] * 5 + [1] * 5
    with pytest.raises(UserError, match="two tracked players"):
        assign_teams(np.array([1, 1]), colours[:2], tracks, np.tile(np.arange(20), 10), foot)
