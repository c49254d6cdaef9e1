"""The real training data path (rfdetr's dataset + our augmentations + rfdetr's transforms) keeps boxes right."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from soccer_desktop.train.config import TransformSpec, cpu_smoke_config
from tests.train.boxcheck import box_problems
from tests.train.synthetic import write_dataset


@pytest.fixture(scope="module")
def unique_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("unique") / "ds", {"train": 10, "valid": 2}, unique=True, ext=".png")


def build_datamodule(dataset: Path, tmp_path: Path, mutate=None):  # noqa: ANN001, ANN201
    from soccer_desktop.train.engine import prepare_environment
    from soccer_desktop.train.rfdetr_configs import build_model_config, build_train_config

    prepare_environment()
    from soccer_desktop.train.augment import check_albumentations
    from soccer_desktop.train.data import SoccerDataModule

    config = cpu_smoke_config()
    config.augment.scale_jitter = False
    config.augment.albumentations = [TransformSpec("HorizontalFlip", True, {"p": 0.5})]
    if mutate:
        mutate(config)
    aug = {k: v for e in check_albumentations(config.augment.albumentations) for k, v in e.items()}
    model_config = build_model_config(config, None, True, "cpu")
    train_config = build_train_config(config, 1, dataset, tmp_path, aug, None)
    datamodule = SoccerDataModule(model_config, train_config, config.augment)
    datamodule.setup("fit")
    return config, datamodule


def colour_areas(dataset: Path) -> dict[tuple, float]:
    document = json.loads((dataset / "train" / "_annotations.coco.json").read_text())
    areas: dict[tuple, float] = {}
    for ann in document["annotations"]:
        colour = tuple(ann["colour"])
        areas[colour] = max(areas.get(colour, 0.0), ann["bbox"][2] * ann["bbox"][3])
    return areas


def to_picture(image, target) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Undo rfdetr's normalisation: an RGB uint8 picture and xyxy pixel boxes."""
    mean = np.array([0.485, 0.456, 0.406])[:, None, None]
    std = np.array([0.229, 0.224, 0.225])[:, None, None]
    picture = np.clip((image.numpy() * std + mean) * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    h, w = picture.shape[:2]
    cx, cy, bw, bh = target["boxes"].numpy().T
    boxes = np.stack([(cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h], 1)
    return picture, boxes


def test_training_items_keep_boxes_on_their_objects(unique_dataset: Path, tmp_path: Path) -> None:
    def everything_on(config):  # noqa: ANN001, ANN202
        a = config.augment
        a.mosaic.p = a.ball_copy_paste.p = 1.0
        a.mixup.enabled = False  # blended colours cannot be matched; mixup is checked in test_augment

    config, datamodule = build_datamodule(unique_dataset, tmp_path, everything_on)
    dataset = datamodule._dataset_train
    assert dataset.augmenter.active and sum(dataset.has_ball) == 5
    areas = colour_areas(unique_dataset)
    balls = 0
    for index in range(len(dataset)):
        image, target = dataset[index]
        assert tuple(image.shape) == (3, 320, 320)
        assert target["labels"].dtype.is_floating_point is False and len(target["labels"]) == len(target["boxes"])
        picture, boxes = to_picture(image, target)
        problems = box_problems(picture, boxes, areas, min_visible=config.augment.min_visible, side_tolerance=3.0)
        assert problems == [], (index, problems)
        balls += int((target["labels"] == 1).sum())
    assert balls >= len(dataset)  # copy-paste added at least one ball to every item


def test_train_loader_oversamples_ball_frames(unique_dataset: Path, tmp_path: Path) -> None:
    import torch

    _, datamodule = build_datamodule(unique_dataset, tmp_path)
    loader = datamodule.train_dataloader()
    assert isinstance(loader.sampler, torch.utils.data.WeightedRandomSampler)
    assert loader.sampler.num_samples % 2 == 0 and loader.sampler.num_samples >= 10
    has_ball = datamodule._dataset_train.has_ball
    torch.manual_seed(0)
    drawn = Counter(has_ball[i] for _ in range(200) for i in loader.sampler)
    ratio = drawn[True] / drawn[False]  # 5 ball frames weigh 3, 5 others weigh 1
    assert 2.5 < ratio < 3.6


def test_oversampling_off_uses_rfdetrs_loader(unique_dataset: Path, tmp_path: Path) -> None:
    import torch

    def off(config):  # noqa: ANN001, ANN202
        config.augment.ball_oversampling.enabled = False

    _, datamodule = build_datamodule(unique_dataset, tmp_path, off)
    assert not isinstance(datamodule.train_dataloader().sampler, torch.utils.data.WeightedRandomSampler)
