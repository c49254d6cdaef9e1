"""The training data layer: rfdetr's COCO dataset with our mosaic, mixup and ball copy-paste, and oversampling.

:class:`SoccerDataModule` is rfdetr's ``RFDETRDataModule`` with two changes:

* its train split is wrapped in :class:`MixedDataset`, which reads raw frames
  exactly as rfdetr's ``CocoDetection`` does, applies :class:`MixAugmenter`
  (mosaic, mixup, ball copy-paste; boxes clipped, remnants dropped), and then
  hands the result to rfdetr's own transform pipeline (albumentations, resize,
  normalisation), so everything after our step is rfdetr's;
* its train loader draws frames with a ``WeightedRandomSampler`` in which a
  frame showing the ball weighs ``ball_oversampling.weight``.

rfdetr's private names are reached only through :mod:`.rfdetr_internals`.
Imported only by the training process (it imports torch and rfdetr).
"""

from __future__ import annotations

import logging
import math
import os
from typing import Any

import numpy as np
import torch
import torch.utils.data
from PIL import Image
from torch.utils.data import DataLoader, WeightedRandomSampler

from rfdetr.config import ModelConfig, TrainConfig
from rfdetr.datasets.coco import scale_coco_annotation
from rfdetr.training.module_data import RFDETRDataModule

from soccer_desktop.train import rfdetr_internals as internals
from soccer_desktop.train.augment import BALL_LABEL, MixAugmenter, Sample, box_areas, sampling_weights
from soccer_desktop.train.config import AugmentSettings

log = logging.getLogger(__name__)


class MixedDataset(torch.utils.data.Dataset):
    """rfdetr's train ``CocoDetection`` with :class:`MixAugmenter` run before its transforms."""

    def __init__(self, base: Any, settings: AugmentSettings) -> None:
        self.base = base
        self.settings = settings
        ball_ids = {cat_id for cat_id, label in (base.cat2label or {}).items() if label == BALL_LABEL}
        self.has_ball = []
        for image_id in base.ids:
            anns = base.coco.imgToAnns.get(image_id, [])
            self.has_ball.append(any(a.get("category_id") in ball_ids and not a.get("iscrowd", 0) for a in anns))
        self.augmenter = MixAugmenter(settings, self.load, len(base.ids),
                                      [i for i, ball in enumerate(self.has_ball) if ball])
        self._rng: np.random.Generator | None = None
        self._rng_pid = -1

    # rfdetr reads coco, label2cat, ... from its datasets: answer with the wrapped one's.
    def __getattr__(self, name: str) -> Any:
        if name in ("base", "__setstate__", "__getstate__") or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.base, name)

    def __len__(self) -> int:
        return len(self.base)

    def rng(self) -> np.random.Generator:
        """A generator per process, seeded from torch (which seeds every DataLoader worker differently)."""
        if self._rng is None or self._rng_pid != os.getpid():
            self._rng = np.random.default_rng(torch.initial_seed() % (2**63))
            self._rng_pid = os.getpid()
        return self._rng

    def load(self, index: int) -> Sample:
        """The raw frame and its boxes, exactly as rfdetr's ``CocoDetection.__getitem__`` reads them."""
        base = self.base
        image_id = base.ids[index]
        image, (x_scale, y_scale) = internals.decode_image(base, image_id)
        annotations = internals.load_target(base, image_id)
        if (x_scale, y_scale) != (1.0, 1.0):
            annotations = [scale_coco_annotation(a, x_scale, y_scale) for a in annotations]
        image, target = base.prepare(image, {"image_id": image_id, "annotations": annotations})
        return Sample(np.asarray(image.convert("RGB")), target["boxes"].numpy(), target["labels"].numpy())

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        if not self.augmenter.active:
            return self.base[index]
        sample = self.augmenter(index, self.rng())
        height, width = sample.height, sample.width
        target = {
            "boxes": torch.from_numpy(sample.boxes.copy()),
            "labels": torch.from_numpy(sample.labels.copy()),
            "image_id": torch.as_tensor([self.base.ids[index]]),
            "area": torch.from_numpy(box_areas(sample.boxes).astype(np.float32)),
            "iscrowd": torch.zeros(len(sample.labels), dtype=torch.int64),
            "orig_size": torch.as_tensor([height, width]),
            "size": torch.as_tensor([height, width]),
        }
        image = Image.fromarray(sample.image)
        transforms = internals.dataset_transforms(self.base)
        if transforms is not None:
            return transforms(image, target)
        return image, target


class SoccerDataModule(RFDETRDataModule):
    """rfdetr's data module with our train-time augmentations and ball-frame oversampling."""

    def __init__(self, model_config: ModelConfig, train_config: TrainConfig, augment: AugmentSettings) -> None:
        super().__init__(model_config, train_config)
        self.augment = augment

    def setup(self, stage: str) -> None:
        super().setup(stage)
        train = internals.train_dataset(self)
        if stage == "fit" and train is not None and not isinstance(train, MixedDataset):
            dataset = MixedDataset(train, self.augment)
            internals.set_train_dataset(self, dataset)
            log.info("Train split: %d frames, %d with the ball; mosaic/mixup/copy-paste %s",
                     len(dataset), sum(dataset.has_ball), "on" if dataset.augmenter.active else "off")

    def train_dataloader(self) -> DataLoader:
        dataset = internals.require_train_dataset(self)
        oversampling = self.augment.ball_oversampling
        if not (isinstance(dataset, MixedDataset) and oversampling.enabled and oversampling.weight != 1.0
                and any(dataset.has_ball)):
            return super().train_dataloader()
        batch_size = internals.batch_size(self)
        effective = batch_size * internals.grad_accum_steps(self)
        world_size = getattr(self.trainer, "world_size", 1) if self.trainer else 1
        # As rfdetr: at least a few effective batches per epoch, and whole accumulation windows on every rank.
        unit = effective * world_size
        samples = max(len(dataset), effective * internals.min_train_batches() * world_size)
        samples = int(math.ceil(samples / unit) * unit)
        weights = torch.as_tensor(sampling_weights(dataset.has_ball, self.augment), dtype=torch.double)
        sampler = WeightedRandomSampler(weights, num_samples=samples, replacement=True)
        return DataLoader(
            dataset,
            batch_size=batch_size,
            sampler=sampler,
            drop_last=True,
            **internals.train_loader_options(self),
        )
