"""Motion proposals: background, blob filters, and recall on the synthetic demo match."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from soccer_desktop.detect.base import DetectorUnavailableError
from soccer_desktop.detect.motion import (
    BACKGROUND_SAMPLES,
    MotionDetector,
    MotionProposals,
    background_sample_indices,
    median_background,
)
from soccer_desktop.detect.pseudo_label import pseudo_label, select_frames
from soccer_desktop.project.store import Box, BoxSource, ClassId, NewBox, Project
from soccer_desktop.video.extract import ExtractionStrategy, extract_frames
from soccer_desktop.video.library import add_video
from tests.detect.clips import pitch, scene, write_pitch_clip


def test_median_of_medians_is_the_median_where_players_pass_through() -> None:
    rng = np.random.default_rng(0)
    empty = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    frames = []
    for k in range(BACKGROUND_SAMPLES):
        frame = empty.copy()
        frame[:, 2 * k : 2 * k + 6] = 255 - frame[:, 2 * k : 2 * k + 6]  # someone passes through
        frames.append(frame)
    assert np.array_equal(median_background(frames), empty)
    with pytest.raises(ValueError):
        median_background(frames[:5])


def test_background_samples_prefer_keyframes_and_else_spread_over_twenty_seconds() -> None:
    keyframes = list(range(0, 90_000, 50))  # a keyframe every 2 s
    samples = background_sample_indices(keyframes, 90_000, 25.0, 40_000, 40_010)
    assert len(samples) == BACKGROUND_SAMPLES and set(samples) <= set(keyframes)
    assert max(samples) - min(samples) <= 300 * 25
    sparse = background_sample_indices([0], 500, 25.0, 100, 100)  # one GOP: decode exact frames
    assert len(set(sparse)) == BACKGROUND_SAMPLES and sparse[0] == 0 and sparse[-1] == 499
    middle = background_sample_indices([0], 5000, 25.0, 2500, 2500)
    assert min(middle) >= 2500 - 260 and max(middle) <= 2500 + 260
    with pytest.raises(DetectorUnavailableError, match="at least 25"):
        background_sample_indices([0], 10, 25.0, 0, 5)


def _centre(box: Box | NewBox) -> tuple[float, float]:
    return box.x + box.w / 2, box.y + box.h / 2


def test_players_and_ball_are_found_without_their_shadows() -> None:
    background = pitch(640, 360)
    image, players, ball = scene(7, 640, 360, background)
    boxes = MotionDetector(background).detect(image)
    found = [b for b in boxes if b.class_id == ClassId.PLAYER]
    assert len(found) == len(players)
    for x, y, w, h in players:
        best = min(found, key=lambda b: abs(b.x - x) + abs(b.y - y))
        assert (best.x, best.y) == (x, y) and abs(best.w - w) <= 1 and abs(best.h - h) <= 1  # no shadow
    balls = [b for b in boxes if b.class_id == ClassId.BALL]
    assert len(balls) == 1 and np.hypot(*np.subtract(_centre(balls[0]), ball)) <= 1.5
    assert all(b.source == BoxSource.PSEUDO and b.detector == "motion" and b.score for b in boxes)
    assert MotionDetector(background).detect(background) == []


def test_a_changed_light_gives_no_boxes_rather_than_noise() -> None:
    background = pitch(640, 360)
    image, _, _ = scene(3, 640, 360, background)
    brighter = np.clip(image.astype(int) + 60, 0, 255).astype(np.uint8)
    assert MotionDetector(background).detect(brighter) == []


def test_a_frame_of_another_size_is_refused() -> None:
    with pytest.raises(DetectorUnavailableError, match="Extract the frames again"):
        MotionDetector(pitch(64, 48)).detect(pitch(32, 24))


def test_background_is_learned_from_the_video(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p") as project:
        video, _ = add_video(project, write_pitch_clip(tmp_path / "clip.mp4", frames=60))
        detector = MotionProposals().for_frames(video, [10, 20])
        assert np.abs(detector.background.astype(int) - pitch(640, 360)).mean() < 3
        with pytest.raises(DetectorUnavailableError, match="imported images"):
            MotionProposals().for_frames(None, [0])


# ------------------------------------------------------------------ acceptance


def _recall(project: Project, ground_truth: Path) -> tuple[float, float]:
    """Player recall at IoU >= 0.5 and ball recall with the centre within 5 px, non-occluded objects only."""
    coco = json.loads(ground_truth.read_text())
    image_of_frame = {image["frame_index"]: image["id"] for image in coco["images"]}
    truth: dict[int, list[dict]] = {}
    for annotation in coco["annotations"]:
        if not annotation["occluded"]:
            truth.setdefault(annotation["image_id"], []).append(annotation)
    hits = {ClassId.PLAYER: 0, ClassId.BALL: 0}
    totals = {ClassId.PLAYER: 0, ClassId.BALL: 0}
    for frame in project.frames():
        boxes = project.boxes(frame.id)
        for annotation in truth.get(image_of_frame[frame.frame_index], []):
            x, y, w, h = annotation["bbox"]
            kind = ClassId(annotation["category_id"])
            candidates = [b for b in boxes if b.class_id == kind]
            totals[kind] += 1
            if kind == ClassId.PLAYER:
                hits[kind] += any(_iou((x, y, w, h), (b.x, b.y, b.w, b.h)) >= 0.5 for b in candidates)
            else:
                hits[kind] += any(max(abs(np.subtract(_centre(b), (x + w / 2, y + h / 2)))) <= 5 for b in candidates)
    return hits[ClassId.PLAYER] / totals[ClassId.PLAYER], hits[ClassId.BALL] / totals[ClassId.BALL]


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    overlap = max(width, 0) * max(height, 0)
    return overlap / (a[2] * a[3] + b[2] * b[3] - overlap)


@pytest.mark.slow
def test_motion_recall_on_the_synthetic_demo_match(tmp_path: Path) -> None:
    """The acceptance bar: players >= 0.9 (IoU >= 0.5), ball >= 0.7 (centre within 5 px)."""
    from soccer_desktop.video.synthetic import generate_match

    demo = generate_match(tmp_path / "demo")  # the default demo: 20 s static panorama, 3840x1080
    with Project.create(tmp_path / "project") as project:
        add_video(project, demo.video, demo.events)
        extract_frames(project, None, ExtractionStrategy(every_n=10, min_change=0))
        summary = pseudo_label(project, MotionProposals(), select_frames(project))
        assert summary.labelled == 50
        players, ball = _recall(project, demo.ground_truth)
    print(f"motion recall on the demo match: players {players:.3f}, ball {ball:.3f}")
    assert players >= 0.9
    assert ball >= 0.7
