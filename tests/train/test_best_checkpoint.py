"""The "best" checkpoint a run reports is the file whose metric is shown: evaluating it gives the recorded mAP.

One short phase on the CPU (``configs/training_cpu_smoke.yaml``: Nano at 320 px, random weights, 2 steps and
1 validation batch per epoch, EMA on), then the reported file is validated again on the same split through
the engine's own model and data builders, with EMA off so the file's weights are what is scored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soccer_desktop.dataset.manifest import dataset_hash
from soccer_desktop.train.config import load_config
from soccer_desktop.train.runs import read_manifest
from tests.train.synthetic import write_dataset

CONFIGS = Path(__file__).resolve().parents[2] / "soccer_desktop" / "configs"
pytestmark = pytest.mark.slow


def _validate(config, weights: Path, dataset: Path, out: Path) -> dict[str, float]:  # noqa: ANN001
    from rfdetr.training import RFDETRModelModule, build_trainer

    from soccer_desktop.train.data import SoccerDataModule
    from soccer_desktop.train.rfdetr_configs import build_model_config, build_train_config
    from soccer_desktop.train.run_callback import VAL_KEYS

    config.phase1.ema.enabled = False  # score the file's weights themselves
    model_config = build_model_config(config, weights, freeze_encoder=True, accelerator="cpu")
    train_config = build_train_config(config, 1, dataset, out, {}, None)
    module = RFDETRModelModule(model_config, train_config)
    trainer = build_trainer(train_config, model_config, accelerator="cpu",
                            limit_val_batches=config.limits.val_batches)
    trainer.validate(module, SoccerDataModule(model_config, train_config, config.augment), verbose=False)
    metrics = trainer.callback_metrics
    return {key: float(metrics[name]) for key, name in VAL_KEYS.items() if name in metrics}


def _grid_validation(dataset: Path, cell: int = 16) -> Path:
    """Validation boxes on the model's 16 px grid: an untrained RF-DETR predicts boxes there, so its mAP is not 0
    (and changes from epoch to epoch), which lets the comparison below tell one checkpoint from another."""
    path = dataset / "valid" / "_annotations.coco.json"
    document = json.loads(path.read_text())
    document["annotations"] = [
        {"id": len(document["images"]) * 1000 + n, "image_id": image["id"], "category_id": 1,
         "bbox": [x, y, cell, cell], "area": cell * cell, "iscrowd": 0}
        for image in document["images"]
        for n, (x, y) in enumerate((x, y) for y in range(0, image["height"], cell * 2)
                                   for x in range(0, image["width"], cell * 2))
    ]
    for n, annotation in enumerate(document["annotations"]):
        annotation["id"] = n + 1
    path.write_text(json.dumps(document))
    return dataset


def test_best_checkpoint_scores_the_recorded_map(tmp_path: Path) -> None:
    from soccer_desktop.train.engine import run_training

    dataset = _grid_validation(write_dataset(tmp_path / "ds", {"train": 4, "valid": 2}))
    config = load_config(CONFIGS / "training_cpu_smoke.yaml")
    config.phases = [1]
    config.tracking.mlflow = False
    config.augment.albumentations = []
    outcome = run_training(config, dataset, tmp_path / "run")
    assert outcome.status == "completed"
    manifest = read_manifest(tmp_path / "run")
    assert manifest["dataset"]["sha256"] == dataset_hash(dataset)  # what resume compares against
    best = tmp_path / "run" / manifest["best_checkpoint"]
    assert best == outcome.best_checkpoint and best.is_file()
    recorded = manifest["best_metrics"]
    scored = _validate(load_config(CONFIGS / "training_cpu_smoke.yaml"), best, dataset, tmp_path / "eval")
    assert recorded["map"] > 0, recorded  # else the comparison could not tell checkpoints apart
    assert scored["map"] == pytest.approx(recorded["map"], abs=1e-6), (scored, recorded)
    assert scored["map50"] == pytest.approx(recorded["map50"], abs=1e-6)
