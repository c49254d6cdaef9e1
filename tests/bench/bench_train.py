"""Benchmark: one training epoch through our engine against rfdetr's own ``RFDETRNano(...).train(...)``.

Run as a script: ``python tests/bench/bench_train.py [--images N] [--repeats R] [--resolution PX]``.

Both sides train the same generated dataset (320 px frames with players and
a ball) with the same settings: RF-DETR Nano from random weights, encoder
frozen (our phase 1), ``group_detr=1``, 100 queries, no multi-scale, batch 2,
no data-loader workers, HorizontalFlip as the only augmentation, EMA on, one
epoch, on the CPU. Our engine runs with its event stream, per-epoch weights
and MLflow tracking on (as always) and with our mosaic, mixup, copy-paste and
oversampling off, so both sides do the same work; a last run with the plan's
augmentations on is reported for information only.

Timing hooks on ``RFDETRModelModule`` (the module both sides train) measure
the training loop (first batch to last batch: images/s) and the whole epoch
(training loop + validation + end-of-epoch work). The ratio is ours / rfdetr's
(target >= 0.95). Runs alternate and the best of each is kept, so load from
other processes hurts both sides alike.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from soccer_desktop.train.engine import prepare_environment  # noqa: E402

prepare_environment()

from soccer_desktop.train.config import TransformSpec, cpu_smoke_config  # noqa: E402
from tests.train.synthetic import write_dataset  # noqa: E402

STATS: dict[str, float] = {}


def install_timing_hooks() -> None:
    from rfdetr.training.module_model import RFDETRModelModule

    start, end = RFDETRModelModule.on_train_epoch_start, RFDETRModelModule.on_train_epoch_end

    def on_train_epoch_start(self) -> None:  # noqa: ANN001
        STATS.update(t0=time.perf_counter(), images=0, batches=0)
        start(self)

    def on_train_batch_end(self, outputs, batch, batch_idx) -> None:  # noqa: ANN001
        STATS["t_last"] = time.perf_counter()
        STATS["images"] += len(batch[1])
        STATS["batches"] += 1

    def on_train_epoch_end(self) -> None:  # noqa: ANN001
        end(self)
        STATS["t_end"] = time.perf_counter()

    RFDETRModelModule.on_train_epoch_start = on_train_epoch_start
    RFDETRModelModule.on_train_batch_end = on_train_batch_end
    RFDETRModelModule.on_train_epoch_end = on_train_epoch_end


class quiet:  # noqa: N801 - used as a context manager
    """Send the libraries' console output (progress tables, warnings) to a log file while a run trains."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path

    def __enter__(self) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        self.saved = os.dup(1), os.dup(2)
        self.log = open(self.log_path, "ab")  # noqa: SIM115
        os.dup2(self.log.fileno(), 1)
        os.dup2(self.log.fileno(), 2)

    def __exit__(self, *_: object) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(self.saved[0], 1)
        os.dup2(self.saved[1], 2)
        for fd in self.saved:
            os.close(fd)
        self.log.close()


def measured() -> tuple[float, float, int]:
    """(train-loop images/s, whole-epoch images/s, images) of the epoch just trained."""
    images = STATS["images"]
    loop = images / (STATS["t_last"] - STATS["t0"])
    epoch = images / (STATS["t_end"] - STATS["t0"])
    return loop, epoch, int(images)


def run_rfdetr(dataset: Path, out: Path, resolution: int) -> tuple[float, float, int]:
    from rfdetr import RFDETRNano

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = RFDETRNano(pretrain_weights=None, num_classes=2, device="cpu", resolution=resolution, group_detr=1,
                           num_queries=100, num_select=100, freeze_encoder=True)
    model.train(
        dataset_dir=str(dataset), output_dir=str(out), epochs=1, batch_size=2, grad_accum_steps=1, num_workers=0,
        multi_scale=False, lr=1e-4, lr_encoder=1e-4, lr_component_decay=1.0, lr_vit_layer_decay=1.0,
        weight_decay=1e-4, lr_scheduler="cosine", lr_scheduler_kwargs={"min_factor": 0.01}, warmup_epochs=0.0,
        clip_max_norm=0.1, use_ema=True, ema_decay=0.993, class_names=["player", "ball"], log_per_class_metrics=True,
        tensorboard=False, progress_bar=None, aug_config={"HorizontalFlip": {"p": 0.5}},
        augmentation_backend="albumentations", device="cpu", seed=0, amp_dtype=None,
    )
    return measured()


def run_ours(dataset: Path, out: Path, resolution: int, plan_augmentations: bool = False) -> tuple[float, float, int]:
    from soccer_desktop.train.engine import run_training

    config = cpu_smoke_config()
    config.phases = [1]
    config.model.resolution = resolution
    config.limits.train_batches_per_epoch = None
    config.limits.val_batches = None
    config.phase1.epochs = 1
    config.phase1.min_lr = 1e-6
    a = config.augment
    if not plan_augmentations:
        a.albumentations = [TransformSpec("HorizontalFlip", True, {"p": 0.5})]
        a.mosaic.enabled = a.mixup.enabled = a.ball_copy_paste.enabled = a.ball_oversampling.enabled = False
    run_training(config, dataset, out)
    return measured()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=40, help="training images (default 40)")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each side (default 2; best kept)")
    parser.add_argument("--resolution", type=int, default=320)
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING)
    install_timing_hooks()
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        root = Path(tmp)
        dataset = write_dataset(root / "ds", {"train": args.images, "valid": 4}, size=320)
        best = {"rfdetr": (0.0, 0.0, 0), "ours": (0.0, 0.0, 0)}
        for repeat in range(args.repeats):
            for side in ("rfdetr", "ours") if repeat % 2 == 0 else ("ours", "rfdetr"):
                out = root / f"{side}-{repeat}"
                with quiet(root / "bench.log"):
                    result = run_rfdetr(dataset, out, args.resolution) if side == "rfdetr" else \
                        run_ours(dataset, out, args.resolution)
                print(f"{side:>6} run {repeat + 1}: train loop {result[0]:.2f} images/s, whole epoch "
                      f"{result[1]:.2f} images/s ({result[2]} images)", flush=True)
                best[side] = max(best[side], result)
        with quiet(root / "bench.log"):
            extra = run_ours(dataset, root / "ours-plan", args.resolution, plan_augmentations=True)
    (r_loop, r_epoch, images), (o_loop, o_epoch, _) = best["rfdetr"], best["ours"]
    print()
    print(f"One epoch of {images} images, Nano {args.resolution} px, batch 2, encoder frozen, CPU "
          f"({os.cpu_count()} cores):")
    print(f"  rfdetr train():      {r_loop:6.2f} images/s (training loop), {r_epoch:6.2f} images/s (whole epoch)")
    print(f"  our engine:          {o_loop:6.2f} images/s (training loop), {o_epoch:6.2f} images/s (whole epoch)")
    print(f"  ratio ours / rfdetr: {o_loop / r_loop:6.3f} (training loop), {o_epoch / r_epoch:6.3f} (whole epoch); "
          "target >= 0.95")
    print(f"  (our engine with the plan's mosaic, mixup, copy-paste, oversampling and 7 photometric transforms: "
          f"{extra[0]:.2f} images/s training loop)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
