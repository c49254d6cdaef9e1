"""What overlays show once an analysis is tracked: ids, team colours, ghosts hidden or hollow, the ball's trail."""

from __future__ import annotations

import numpy as np

from soccer_desktop.analysis.render import draw_overlay
from soccer_desktop.analysis.store import BALL_TRACK_ID, FLAG_GHOST, FLAG_INTERPOLATED, Detection
from soccer_desktop.analysis.styling import GHOST_COLOUR, OverlayOptions, ball_trail, styled_boxes
from soccer_desktop.project.store import ClassId

PLAYER, BALL = int(ClassId.PLAYER), int(ClassId.BALL)


def test_tracked_players_carry_id_and_their_teams_colour() -> None:
    player = Detection(5, 0, PLAYER, 10, 20, 8, 20, 0.8, track_id=7, team=1)
    [box] = styled_boxes([player], OverlayOptions(show_scores=False, team_colours={1: (0, 170, 0)}))
    assert box.label == "#7" and box.colour == (0, 170, 0) and not box.dashed


def test_ghosts_are_hidden_by_default_and_hollow_when_shown() -> None:
    ghost = Detection(5, 1, BALL, 300, 40, 8, 8, 0.5, flags=FLAG_GHOST)
    filled = Detection(5, 2, BALL, 100, 40, 8, 8, None, track_id=BALL_TRACK_ID, flags=FLAG_INTERPOLATED)
    shown = styled_boxes([ghost, filled], OverlayOptions())
    assert [b.interpolated for b in shown] == [True] and shown[0].dashed and not shown[0].ghost
    assert shown[0].label == ""  # the ball's trajectory needs no id
    [hollow, _] = styled_boxes([ghost, filled], OverlayOptions(show_ghosts=True))
    assert hollow.ghost and hollow.colour == GHOST_COLOUR
    image = np.zeros((100, 400, 3), np.uint8)
    draw_overlay(image, [ghost], [], 5, OverlayOptions(show_ghosts=True, trail_frames=0))
    centre = image[44, 304]
    assert not centre.any() and image[44].any()  # a ring, empty in the middle


def test_trail_follows_the_trajectory_not_the_raw_candidates() -> None:
    trajectory = [Detection(f, 0, BALL, 10.0 * f, 50, 8, 8, 0.6 if f != 8 else None, track_id=BALL_TRACK_ID,
                            flags=FLAG_INTERPOLATED if f == 8 else 0) for f in range(5, 10)]  # fmt: skip
    stray = [Detection(f, 1, BALL, 900, 900, 8, 8, 0.9) for f in range(5, 10)]  # higher scored, not the ball
    points = ball_trail(trajectory + stray, 10, OverlayOptions())
    assert [round(p.x) for p in points] == [54, 64, 74, 84, 94]
    untracked = ball_trail(stray, 10, OverlayOptions())  # before tracking: the best candidate of each frame
    assert [round(p.x) for p in untracked] == [904] * 5


def test_rendered_video_uses_the_analysis_team_colours(tmp_path, index_clip) -> None:
    import av

    from soccer_desktop.analysis import store
    from soccer_desktop.analysis.render import render_video
    from soccer_desktop.analysis.track_store import set_team_style
    from soccer_desktop.project.store import BoxSource, NewBox, Project
    from soccer_desktop.video.library import add_video

    with Project.create(tmp_path / "p") as project:
        video, _ = add_video(project, index_clip)
        analysis = store.create_analysis(project, video.id, "a", "motion")
        store.write_frames(project, analysis.id, [(0, [NewBox(ClassId.PLAYER, 100, 8, 60, 48, 0.8, BoxSource.PSEUDO)])])
        store.update_detections(project, analysis.id, [(0, 0, 3, 1, 0)])
        set_team_style(project, analysis.id, 1, colour="#00ff00")
        out = render_video(project, analysis.id, tmp_path / "o.mp4")
    with av.open(str(out)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    edge = frame[20:44, 99:102].reshape(-1, 3).astype(int)  # the box's left side, 2 px wide
    assert (edge[:, 1] > 150).mean() > 0.8 and (edge[:, 0] < 110).mean() > 0.8
