"""The synthetic match must be a faithful test fixture: right files, exact boxes, events on real frames."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import av
import numpy as np
import pytest
from pycocotools.coco import COCO

from soccer_desktop.core.jobs import JobCancelled, Progress
from soccer_desktop.video.synthetic import VIEWS, DemoMatch, generate_match
from soccer_desktop.video.synthetic_play import Match

SECONDS = 1.2
FPS = 25
FRAMES = 30  # SECONDS * FPS
PEOPLE_TRACKS = set(range(1, 24))  # 11 + 11 (keepers included) + referee


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DemoMatch]:
    generated = {}
    for view in VIEWS:
        progress: list[Progress] = []
        generated[view] = generate_match(
            tmp_path_factory.mktemp(view), seconds=SECONDS, fps=FPS, view=view, seed=7, progress=progress.append
        )
        assert progress[-1].done == progress[-1].total == FRAMES
        assert [p.done for p in progress] == sorted(p.done for p in progress)
    return generated


@pytest.fixture(params=sorted(VIEWS))
def demo(request: pytest.FixtureRequest, demos: dict[str, DemoMatch]) -> DemoMatch:
    return demos[request.param]


def _decoded_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="bgr24") for frame in container.decode(video=0)]


def _ground_truth(match: DemoMatch) -> dict:
    return json.loads(match.ground_truth.read_text(encoding="utf-8"))


def _boxes_by_frame(gt: dict) -> dict[int, list[dict]]:
    frames: dict[int, list[dict]] = defaultdict(list)
    for annotation in gt["annotations"]:
        frames[annotation["image_id"] - 1].append(annotation)
    return frames


def test_writes_the_three_files_with_one_image_per_frame(demo: DemoMatch) -> None:
    assert demo.video.name == "match.mp4"
    assert demo.ground_truth.name == "ground_truth.coco.json"
    assert demo.events.name == "events.json"
    assert sorted(p.name for p in demo.video.parent.iterdir()) == ["events.json", "ground_truth.coco.json", "match.mp4"]
    assert demo.frame_count == FRAMES and demo.fps == FPS
    assert (demo.width, demo.height) in VIEWS.values()

    with av.open(str(demo.video)) as container:
        stream = container.streams.video[0]
        assert stream.average_rate == FPS
        assert (stream.codec_context.width, stream.codec_context.height) == (demo.width, demo.height)
        assert sum(1 for _ in container.decode(video=0)) == FRAMES

    coco = COCO(str(demo.ground_truth))
    assert sorted(coco.getImgIds()) == list(range(1, FRAMES + 1))
    image = coco.loadImgs(5)[0]
    assert image == {
        "id": 5,
        "file_name": "match.mp4#frame=4",
        "width": demo.width,
        "height": demo.height,
        "frame_index": 4,
    }
    assert {c["name"]: c["id"] for c in coco.loadCats(coco.getCatIds())} == {"player": 1, "ball": 2}
    info = _ground_truth(demo)["info"]
    assert info["seed"] == 7 and info["fps"] == FPS and (demo.width, demo.height) == VIEWS[info["view"]]


def test_boxes_are_inside_the_frame_and_sized_like_the_brief(demo: DemoMatch) -> None:
    gt = _ground_truth(demo)
    for annotation in gt["annotations"]:
        x, y, w, h = annotation["bbox"]
        assert w >= 1 and h >= 1
        assert x >= 0 and y >= 0 and x + w <= demo.width + 1e-6 and y + h <= demo.height + 1e-6
        assert annotation["area"] == pytest.approx(w * h, abs=0.05)
        assert annotation["iscrowd"] == 0 and isinstance(annotation["occluded"], bool)
        assert (annotation["category_id"] == 2) == (annotation["track_id"] == 0)
        touches_edge = x <= 0 or y <= 0 or x + w >= demo.width - 1e-6 or y + h >= demo.height - 1e-6
        if annotation["category_id"] == 2 and not touches_edge:
            assert 5 <= w <= 15 and w == pytest.approx(h)
    for boxes in _boxes_by_frame(gt).values():
        tracks = [b["track_id"] for b in boxes]
        assert len(tracks) == len(set(tracks))
        for box in boxes:  # only someone drawn over a box can hide it
            x, y, w, h = box["bbox"]
            if box["occluded"]:
                assert any(_overlaps((x, y, x + w, y + h), other["bbox"]) for other in boxes if other is not box)


def test_every_person_and_the_ball_is_tracked(demos: dict[str, DemoMatch]) -> None:
    for view, demo in demos.items():
        for boxes in _boxes_by_frame(_ground_truth(demo)).values():
            tracks = {b["track_id"] for b in boxes}
            if view == "panorama":  # the whole pitch is in view
                assert tracks == PEOPLE_TRACKS | {0}
            else:
                assert 0 in tracks and tracks <= PEOPLE_TRACKS | {0}
            for box in boxes:
                _, _, w, h = box["bbox"]
                if box["category_id"] == 1 and view == "panorama":
                    assert 7 <= w <= 22 and 22 <= h <= 42


def test_every_box_carries_its_team_and_role(demo: DemoMatch) -> None:
    """Track 1 and 12 are the keepers, 2-11 and 13-22 outfield players, 23 the referee, 0 the ball."""
    seen = set()
    for annotation in _ground_truth(demo)["annotations"]:
        track = annotation["track_id"]
        expected = (
            (None, "ball") if track == 0
            else (None, "referee") if track == 23
            else ((track - 1) // 11, "goalkeeper" if track in (1, 12) else "player")
        )  # fmt: skip
        assert (annotation["team"], annotation["role"]) == expected
        seen.add(expected)
    assert {(0, "player"), (1, "player"), (None, "ball")} <= seen


def test_ball_box_lies_on_the_drawn_ball(demo: DemoMatch) -> None:
    frames = _decoded_frames(demo.video)
    checked = 0
    for index, boxes in _boxes_by_frame(_ground_truth(demo)).items():
        ball = next((b for b in boxes if b["category_id"] == 2), None)
        if ball is None or ball["occluded"]:
            continue
        x, y, w, h = ball["bbox"]
        ring = (x - w, y - h, x + 2 * w, y + 2 * h)
        if any(_overlaps(ring, b["bbox"]) for b in boxes if b["category_id"] == 1):
            continue
        if ring[0] < 0 or ring[1] < 0 or ring[2] > demo.width or ring[3] > demo.height:
            continue
        luma = frames[index].astype(np.float32).mean(axis=2)
        cx, cy = x + w / 2, y + h / 2
        inner = luma[int(cy - h / 4) : int(np.ceil(cy + h / 4)), int(cx - w / 4) : int(np.ceil(cx + w / 4))]
        grass = np.median(luma[int(ring[1]) : int(y), int(ring[0]) : int(ring[2])])  # above: clear of the shadow
        assert inner.mean() > grass + 60, f"frame {index}: no bright ball inside {ball['bbox']}"
        checked += 1
    assert checked >= 5


def test_player_boxes_fit_their_figures(demo: DemoMatch) -> None:
    frames = _decoded_frames(demo.video)
    checked = 0
    for index, boxes in _boxes_by_frame(_ground_truth(demo)).items():
        pixels = frames[index].astype(int)
        blue, green, red = pixels[..., 0], pixels[..., 1], pixels[..., 2]
        shirts = {
            "left": (red > 130) & (red > blue + 80) & (red > green + 60),
            "right": (blue > 130) & (blue > red + 80),
        }
        for box in boxes:
            if box["occluded"] or box["track_id"] not in (*range(2, 12), *range(13, 23)):
                continue
            x, y, w, h = (int(round(v)) for v in box["bbox"])
            around = (x - w, y - h / 2, x + 2 * w, y + 1.5 * h)
            if min(around[:2]) < 0 or around[2] > demo.width or around[3] > demo.height:
                continue
            if any(_overlaps(around, other["bbox"]) for other in boxes if other is not box):
                continue
            shirt = shirts["left" if box["track_id"] <= 11 else "right"]
            near = shirt[int(around[1]) : int(around[3]), int(around[0]) : int(around[2])].sum()
            upper_half = shirt[y : y + h // 2, x : x + w].sum()
            inside = shirt[y - 1 : y + h + 1, x - 1 : x + w + 1].sum()  # colour is half resolution in yuv420p
            assert upper_half >= 3, f"frame {index}: no shirt in the upper half of {box}"
            assert near - inside <= 1, f"frame {index}: shirt pixels outside {box}"
            checked += 1
    assert checked >= 20


def _overlaps(a: tuple[float, float, float, float], b: list[float]) -> bool:
    bx0, by0, bx1, by1 = b[0], b[1], b[0] + b[2], b[1] + b[3]
    return a[0] < bx1 and bx0 < a[2] and a[1] < by1 and by0 < a[3]


def test_events_are_soccernet_style_and_on_frames_of_the_clip(demo: DemoMatch) -> None:
    document = json.loads(demo.events.read_text(encoding="utf-8"))
    assert document["UrlLocal"] == ""
    events = document["annotations"]
    assert events and events[0]["label"] == "DRIVE" and events[0]["position"] == "0"
    for event in events:
        assert event["label"] in {"PASS", "HIGH PASS", "DRIVE", "SHOT"}
        assert event["team"] in {"left", "right"} and event["visibility"] == "visible"
        position = int(event["position"])
        frame = position * FPS / 1000
        assert frame == pytest.approx(round(frame), abs=0.02) and 0 <= round(frame) < FRAMES
        minutes, seconds = re.fullmatch(r"1 - (\d\d):(\d\d)", event["gameTime"]).groups()  # type: ignore[union-attr]
        assert int(minutes) * 60 + int(seconds) == position // 1000
    assert [int(e["position"]) for e in events] == sorted(int(e["position"]) for e in events)


@pytest.mark.parametrize("seed", range(5))
def test_a_twenty_second_match_has_a_shot(seed: int) -> None:
    # The play does not depend on the view, so the simulation alone tells; rendering 20 s would be slow.
    match = Match(np.random.default_rng(seed), FPS, 20.0)
    for index in range(20 * FPS):
        match.step(index)
    labels = [event.label for event in match.events]
    assert "SHOT" in labels and {"PASS", "HIGH PASS"} & set(labels)


def test_same_seed_gives_identical_ground_truth(tmp_path: Path) -> None:
    first = generate_match(tmp_path / "a", seconds=0.4, view="broadcast", seed=3)
    second = generate_match(tmp_path / "b", seconds=0.4, view="broadcast", seed=3)
    other = generate_match(tmp_path / "c", seconds=0.4, view="broadcast", seed=4)
    assert first.ground_truth.read_bytes() == second.ground_truth.read_bytes()
    assert first.events.read_bytes() == second.events.read_bytes()
    assert first.ground_truth.read_bytes() != other.ground_truth.read_bytes()


def test_cancel_leaves_no_files(tmp_path: Path) -> None:
    checks = iter(range(1000))

    def cancel_after_three_frames() -> bool:
        return next(checks) >= 3

    with pytest.raises(JobCancelled):
        generate_match(tmp_path / "out", seconds=2.0, view="broadcast", cancel=cancel_after_three_frames)
    assert list((tmp_path / "out").iterdir()) == []


def test_cancel_keeps_an_earlier_match(tmp_path: Path) -> None:
    earlier = generate_match(tmp_path, seconds=0.2, view="broadcast")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(JobCancelled):
        generate_match(tmp_path, seconds=1.0, view="broadcast", seed=1, cancel=lambda: True)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert earlier.video.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"view": "tactical"}, "Unknown view 'tactical'"),
        ({"seconds": 0.0}, "seconds"),
        ({"seconds": -1.0}, "seconds"),
        ({"fps": 0}, "fps"),
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_match(tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()


def test_module_is_qt_and_torch_free() -> None:
    code = "import sys, soccer_desktop.video.synthetic; print(sorted({'PySide6', 'torch'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
