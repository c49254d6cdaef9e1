"""Every augmentation keeps the boxes true to the picture: mosaic, mixup, ball copy-paste, albumentations."""

from __future__ import annotations

import numpy as np
import pytest

from soccer_desktop.train.augment import (
    BALL_LABEL,
    AugmentationError,
    BallBank,
    MixAugmenter,
    Sample,
    albumentations_pipeline,
    apply_albumentations,
    check_albumentations,
    clip_boxes,
    draw_boxes,
    mixup,
    mosaic,
    paste_balls,
    resize_sample,
    sampling_weights,
)
from soccer_desktop.train.config import AugmentSettings, TransformSpec, default_albumentations
from tests.train.boxcheck import box_problems
from tests.train.synthetic import draw_sample, unique_colours


def make_sample(seed: int, size: int = 320, players: int = 4, ball: bool = True) -> tuple[Sample, dict]:
    rng = np.random.default_rng(seed)
    drawn = draw_sample(rng, size, players=players, ball=ball, colours=unique_colours(players + 1, seed), noise=False)
    boxes = np.array([[x, y, x + w, y + h] for x, y, w, h in drawn.boxes], np.float32)
    labels = np.array([c - 1 for c in drawn.categories], np.int64)
    areas = {colour: w * h for colour, (_, _, w, h) in zip(drawn.colours, drawn.boxes)}
    return Sample(drawn.image, boxes, labels), areas


def merged(*areas: dict) -> dict:
    out: dict = {}
    for a in areas:
        for colour, area in a.items():
            out[colour] = max(out.get(colour, 0), area)
    return out


def test_source_pictures_pass_the_check() -> None:
    for seed in range(5):
        sample, areas = make_sample(seed)
        assert box_problems(sample.image, sample.boxes, areas) == []
        # and the check notices a box moved off its object
        moved = sample.boxes.copy()
        moved[0] += 15
        assert box_problems(sample.image, moved, areas)


def test_clip_boxes_drops_remnants() -> None:
    boxes = np.array([[-10, 10, 30, 50], [95, 10, 110, 50], [50, 50, 60, 60], [98.5, 0, 120, 40]], np.float32)
    labels = np.array([0, 0, 1, 0])
    kept, kept_labels = clip_boxes(boxes, labels, (0, 0, 100, 100), min_size=2.0, min_visible=0.3)
    # 75% of the first stays; 5 of 15 px (33%) of the second; the third is whole; the fourth is 1.5 px wide.
    assert kept.tolist() == [[0, 10, 30, 50], [95, 10, 100, 50], [50, 50, 60, 60]]
    assert kept_labels.tolist() == [0, 0, 1]
    kept, _ = clip_boxes(boxes, labels, (0, 0, 100, 100), min_size=2.0, min_visible=0.5)
    assert len(kept) == 2


def test_resize_scales_boxes_with_pixels() -> None:
    sample, areas = make_sample(3)
    small = resize_sample(sample, 200, 140)
    assert box_problems(small.image, small.boxes, areas, scale_max=1.0, side_tolerance=3) == []


@pytest.mark.parametrize("seed", range(12))
def test_mosaic_boxes_match_pixels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    parts = [make_sample(seed * 10 + k) for k in range(4)]
    out = mosaic([p for p, _ in parts], rng, scale=(0.4, 1.0), min_size=2.0, min_visible=0.3)
    assert out.image.shape == parts[0][0].image.shape
    assert len(out.boxes) == len(out.labels) > 0
    problems = box_problems(out.image, out.boxes, merged(*[a for _, a in parts]), min_visible=0.3)
    assert problems == [], problems


def test_mosaic_keeps_balls_and_labels() -> None:
    rng = np.random.default_rng(0)
    parts = [make_sample(k)[0] for k in range(4)]
    balls = 0
    for _ in range(20):
        out = mosaic(parts, rng, scale=(0.9, 1.0))
        balls += int((out.labels == BALL_LABEL).sum())
        assert set(out.labels.tolist()) <= {0, 1}
    assert balls > 0


@pytest.mark.parametrize("seed", range(6))
def test_mixup_blends_and_keeps_visible_boxes(seed: int) -> None:
    first, _ = make_sample(seed)
    second, _ = make_sample(seed + 100, size=256)
    rng = np.random.default_rng(seed)
    lam = float(np.random.default_rng(seed).beta(0.2, 0.2))
    out = mixup(first, second, rng, alpha=0.2, min_label_weight=0.2)
    resized = resize_sample(second, first.width, first.height)
    expected = np.clip(np.rint(lam * first.image.astype(float) + (1 - lam) * resized.image), 0, 255)
    assert np.abs(out.image.astype(int) - expected).max() <= 1
    want = [b for b, w in ((first.boxes, lam), (resized.boxes, 1 - lam)) if w >= 0.2]
    assert np.allclose(out.boxes, np.concatenate(want))
    assert len(out.labels) == len(out.boxes)


def test_mixup_with_even_weights_keeps_both_sets() -> None:
    first, _ = make_sample(1)
    second, _ = make_sample(2)
    out = mixup(first, second, np.random.default_rng(0), alpha=1000.0)  # lam ~ 0.5
    assert len(out.boxes) == len(first.boxes) + len(second.boxes)
    # every box covers pixels that differ from the blend of grass with grass
    for box in out.boxes.astype(int):
        region = out.image[box[1] : box[3], box[0] : box[2]].astype(float)
        assert np.abs(region.mean((0, 1)) - np.array([40, 130, 45])).max() > 10


@pytest.mark.parametrize("seed", range(8))
def test_ball_copy_paste_boxes_frame_the_pasted_balls(seed: int) -> None:
    donors = [make_sample(200 + k)[0] for k in range(3)]
    bank = BallBank()
    for donor in donors:
        bank.add(donor)
    assert len(bank) == 3
    target, areas = make_sample(seed, players=5, ball=False)
    out = paste_balls(target, bank, np.random.default_rng(seed), max_copies=3)
    new = out.boxes[len(target.boxes):]
    assert 1 <= len(new) <= 3
    assert (out.labels[len(target.boxes):] == BALL_LABEL).all()
    assert np.array_equal(out.boxes[: len(target.boxes)], target.boxes)
    for box in new:  # on free grass: no overlap with any earlier box
        for other in target.boxes:
            assert box[2] <= other[0] or other[2] <= box[0] or box[3] <= other[1] or other[3] <= box[1]
    ball_areas = {tuple(int(c) for c in d.image[int((b[1] + b[3]) // 2), int((b[0] + b[2]) // 2)]):
                  float((b[2] - b[0]) * (b[3] - b[1]))
                  for d in donors for b, lab in zip(d.boxes, d.labels) if lab == BALL_LABEL}
    assert box_problems(out.image, out.boxes, merged(areas, ball_areas), side_tolerance=1.5) == []


def test_copy_paste_skips_when_there_is_no_room() -> None:
    donor = make_sample(5)[0]
    bank = BallBank()
    bank.add(donor)
    crowded = Sample(np.zeros((40, 40, 3), np.uint8), np.array([[0, 0, 40, 40]], np.float32), np.array([0]))
    out = paste_balls(crowded, bank, np.random.default_rng(0), max_copies=3)
    assert len(out.boxes) == 1


def test_augmenter_applies_everything_and_stays_consistent() -> None:
    samples = [make_sample(300 + k) for k in range(6)]
    settings = AugmentSettings()
    settings.mosaic.p = settings.mixup.p = settings.ball_copy_paste.p = 1.0
    settings.mixup.alpha = 1000.0  # keep both sets of boxes, so the check below sees real overlaps
    augmenter = MixAugmenter(settings, lambda i: samples[i][0], len(samples),
                             [i for i, (s, _) in enumerate(samples) if s.has_ball])
    rng = np.random.default_rng(0)
    for index in range(6):
        out = augmenter(index, rng)
        assert out.image.dtype == np.uint8 and out.image.shape == (320, 320, 3)
        assert len(out.boxes) == len(out.labels)
        assert ((out.boxes[:, 2:] - out.boxes[:, :2]) >= settings.min_box_size).all()
        assert (out.boxes >= 0).all() and (out.boxes[:, [0, 2]] <= 320).all() and (out.boxes[:, [1, 3]] <= 320).all()


def test_augmenter_off_returns_the_raw_sample() -> None:
    sample, _ = make_sample(1)
    settings = AugmentSettings()
    settings.mosaic.enabled = settings.mixup.enabled = settings.ball_copy_paste.enabled = False
    augmenter = MixAugmenter(settings, lambda i: sample, 1, [0])
    assert not augmenter.active
    out = augmenter(0, np.random.default_rng(0))
    assert np.array_equal(out.image, sample.image) and np.array_equal(out.boxes, sample.boxes)


def test_sampling_weights_favour_ball_frames() -> None:
    settings = AugmentSettings()
    assert sampling_weights([True, False, True], settings) == [3.0, 1.0, 3.0]
    settings.ball_oversampling.enabled = False
    assert sampling_weights([True, False], settings) == [1.0, 1.0]


# ------------------------------------------------------------------ albumentations
@pytest.mark.parametrize("spec", default_albumentations(), ids=lambda s: s.name)
def test_each_albumentations_transform_keeps_boxes(spec: TransformSpec) -> None:
    sample, areas = make_sample(7)
    forced = TransformSpec(spec.name, True, {**spec.params, "p": 1.0})
    pipeline = albumentations_pipeline([forced])
    out = apply_albumentations(pipeline, sample)
    assert out.image.shape == sample.image.shape
    assert len(out.boxes) == len(sample.boxes)
    if spec.name == "HorizontalFlip":
        assert np.array_equal(out.image, sample.image[:, ::-1])
        assert box_problems(out.image, out.boxes, areas) == []
    else:  # photometric: the boxes must not move at all
        assert np.allclose(out.boxes, sample.boxes)


def test_check_albumentations_builds_rfdetr_config() -> None:
    config = check_albumentations(default_albumentations())
    assert [next(iter(e)) for e in config] == [s.name for s in default_albumentations()]
    off = [TransformSpec("HorizontalFlip", False, {"p": 0.5})]
    assert check_albumentations(off) == []


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (TransformSpec("HorizontalFlipp", True, {"p": 0.5}), ["'HorizontalFlipp' is not", "HorizontalFlip"]),
        (TransformSpec("GaussianBlur", True, {"blur_limt": [3, 7]}), ["GaussianBlur", "blur_limt"]),
        (TransformSpec("MotionBlur", True, {"blur_limit": [3, 20]}), ["MotionBlur", "odd"]),
        (TransformSpec("ImageCompression", True, {"quality_range": [60, 195]}), ["ImageCompression"]),
        (TransformSpec("OneOf", True, {}), ["containers"]),
    ],
)
def test_check_albumentations_refuses_typos(spec: TransformSpec, words: list[str]) -> None:
    with pytest.raises(AugmentationError) as caught:
        check_albumentations([spec])
    for word in words:
        assert word in str(caught.value)


def test_geometric_transforms_rfdetr_would_not_follow_are_refused() -> None:
    with pytest.raises(AugmentationError, match="would not move the boxes"):
        check_albumentations([TransformSpec("ElasticTransform", True, {"p": 0.5})],
                             geometric_names={"HorizontalFlip"})
    assert check_albumentations([TransformSpec("HorizontalFlip", True, {"p": 0.5})], geometric_names={"HorizontalFlip"})


def test_draw_boxes_marks_players_and_balls() -> None:
    sample, _ = make_sample(2)
    image = draw_boxes(sample)
    x0, y0 = sample.boxes[-1][:2].astype(int)
    assert tuple(image[y0, x0]) == (255, 40, 40)  # the ball's box is red
