"""Augmented samples for the wizard's preview grid: what training will feed the model, with its boxes drawn.

Frames are drawn as the training sampler draws them (ball frames weighted by
the oversampling weight), put through the same :class:`MixAugmenter` and the
enabled albumentations transforms, then resized to the model's square input
(as rfdetr does), so a 12 px ball shows as small as the model will see it.
albumentations (and with it torch) is imported here: call this off the GUI
thread.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, check_cancel, never_cancelled, no_progress
from soccer_desktop.train.augment import (
    MixAugmenter,
    Sample,
    albumentations_pipeline,
    apply_albumentations,
    draw_boxes,
    resize_sample,
    sampling_weights,
)
from soccer_desktop.train.config import AugmentSettings
from soccer_desktop.train.dataset_info import DatasetProblem, load_sample, read_split


def preview_samples(
    dataset_dir: Path | str,
    settings: AugmentSettings,
    resolution: int,
    count: int = 6,
    seed: int | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> list[np.ndarray]:
    """``count`` augmented training samples (RGB, ``resolution`` square) with players yellow, balls red."""
    entries = read_split(dataset_dir, "train")
    if not entries:
        raise DatasetProblem(f"The train split of {dataset_dir} has no images to preview.")
    cache: dict[int, Sample] = {}

    def load(index: int) -> Sample:
        if index not in cache:
            if len(cache) > 64:
                cache.pop(next(iter(cache)))
            cache[index] = load_sample(entries[index])
        sample = cache[index]
        return Sample(sample.image, sample.boxes.copy(), sample.labels.copy())

    pipeline = albumentations_pipeline(settings.albumentations)  # raises on a bad name or argument
    rng = np.random.default_rng(seed)
    augmenter = MixAugmenter(settings, load, len(entries), [i for i, e in enumerate(entries) if e.has_ball])
    weights = np.array(sampling_weights([e.has_ball for e in entries], settings), float)
    chosen = rng.choice(len(entries), size=count, replace=len(entries) < count, p=weights / weights.sum())
    pictures = []
    for done, index in enumerate(chosen):
        check_cancel(cancel)
        progress(Progress(done, count, "Augmenting samples"))
        sample = apply_albumentations(pipeline, augmenter(int(index), rng))
        sample = resize_sample(sample, resolution, resolution)
        pictures.append(draw_boxes(sample))
    progress(Progress(count, count, "Augmenting samples"))
    return pictures
