"""The rfdetr model and train configurations of one training phase, built from a :class:`TrainingConfig`.

The engine builds each phase from them; tests build the same configurations to train rfdetr directly. rfdetr is
imported inside the functions only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from soccer_desktop.train.config import CLASS_NAMES, MODEL_SIZES, TrainingConfig

MODEL_CLASS_NAMES = {"nano": "RFDETRNano", "small": "RFDETRSmall", "medium": "RFDETRMedium", "large": "RFDETRLarge"}


# ------------------------------------------------------------------- configs for rfdetr
def build_model_config(config: TrainingConfig, pretrain_weights: Path | None, freeze_encoder: bool,
                       accelerator: str) -> Any:
    import rfdetr.config as rfconfig

    m = config.model
    cls = getattr(rfconfig, MODEL_SIZES[m.size].config_class)
    kwargs: dict[str, Any] = dict(
        pretrain_weights=str(pretrain_weights) if pretrain_weights else None,
        num_classes=len(CLASS_NAMES),
        resolution=m.effective_resolution,
        num_queries=m.num_queries,
        num_select=m.num_select,
        group_detr=m.group_detr,
        gradient_checkpointing=m.gradient_checkpointing,
        freeze_encoder=freeze_encoder,
    )
    if accelerator == "cpu":
        kwargs["device"] = "cpu"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rfconfig.PretrainWeightsCompatibilityWarning)
        model_config = cls(**kwargs)
        model_config.model_name = MODEL_CLASS_NAMES[m.size]  # validate_assignment re-runs the warning check
    return model_config


def build_train_config(config: TrainingConfig, number: int, dataset_dir: Path, phase_dir: Path,
                       aug_config: dict[str, dict], devices: int | None) -> Any:
    from rfdetr.config import TrainConfig

    phase = config.phase(number)
    h = config.hardware
    amp = {"auto": "auto", "bf16": "bf16", "fp16": "fp16", "fp32": None}[h.precision]
    return TrainConfig(
        dataset_dir=str(dataset_dir),
        output_dir=str(phase_dir),
        class_names=list(CLASS_NAMES),
        epochs=phase.epochs,
        batch_size=h.batch_size,
        grad_accum_steps=h.grad_accum_steps,
        num_workers=h.num_workers,
        # Exactly the configured rates: no hidden decoder (x0.7) or per-layer encoder factors.
        lr=phase.lr,
        lr_encoder=phase.lr_encoder if phase.lr_encoder is not None else phase.lr,
        lr_component_decay=1.0,
        lr_vit_layer_decay=1.0,
        weight_decay=phase.weight_decay,
        lr_scheduler="cosine",
        lr_scheduler_kwargs={"min_factor": min(1.0, phase.min_lr / phase.lr)},
        warmup_epochs=phase.warmup_epochs,
        clip_max_norm=phase.grad_clip,
        use_ema=phase.ema.enabled,
        ema_decay=phase.ema.decay,
        early_stopping=phase.early_stopping.enabled,
        early_stopping_patience=phase.early_stopping.patience,
        early_stopping_min_delta=phase.early_stopping.min_delta,
        checkpoint_interval=config.checkpoints.full_state_every,
        cls_loss_coef=config.loss.cls_loss_coef,
        multi_scale=config.augment.multi_scale,
        scale_jitter=config.augment.scale_jitter,
        aug_config=aug_config,
        augmentation_backend="albumentations" if aug_config else "torchvision",
        log_per_class_metrics=True,
        tensorboard=False,
        mlflow=False,  # tracked by this engine, into the project's database
        progress_bar=None,
        accelerator=h.accelerator,
        devices=devices or h.devices,
        strategy=h.strategy,
        num_nodes=h.num_nodes,
        amp_dtype=amp,
        seed=config.seed,
    )
