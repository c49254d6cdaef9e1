"""The Lightning callback each training phase runs with: events, cancel, per-epoch weights, manifest, MLflow.

The engine (:mod:`soccer_desktop.train.engine`) appends it to rfdetr's trainer;
it reports through the engine's run session. The class is made on
first use by :func:`make_callback_class`: its base class comes from
pytorch_lightning, which (like torch) is imported inside functions only.
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING, Any

from soccer_desktop.train.checkpoint_io import save_checkpoint

if TYPE_CHECKING:
    from soccer_desktop.train.engine import _Session

ENCODER_PREFIX = "backbone.0.encoder."
WEIGHTS_DIR = "weights"

VAL_KEYS = {
    "map": "val/mAP_50_95",
    "map50": "val/mAP_50",
    "map75": "val/mAP_75",
    "ap_player": "val/AP/player",
    "ap_ball": "val/AP/ball",
}


def weights_fingerprint(state_dict: dict[str, Any], prefix: str = "") -> str:
    """SHA-256 over the bytes of every tensor whose key starts with ``prefix`` (sorted by key)."""
    import torch

    digest = hashlib.sha256()
    for key in sorted(state_dict):
        if not key.startswith(prefix):
            continue
        value = state_dict[key]
        if torch.is_tensor(value):
            digest.update(key.encode())
            digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def memory_usage() -> dict[str, float | None]:
    import psutil
    import torch

    usage: dict[str, float | None] = {"ram_mb": psutil.Process().memory_info().rss / 2**20,
                                      "gpu_mb": None, "gpu_peak_mb": None}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        usage["gpu_mb"] = torch.cuda.memory_allocated() / 2**20
        usage["gpu_peak_mb"] = torch.cuda.max_memory_allocated() / 2**20
    return usage


# -------------------------------------------------------------------------- callback
def make_callback_class() -> type:
    from pytorch_lightning import Callback

    class RunCallback(Callback):
        """Events, cancel, lightweight weights, manifest and MLflow for one phase (rank 0 writes)."""

        def __init__(self, session: _Session, number: int) -> None:
            self.session = session
            self.number = number
            self.phase = session.config.phase(number)
            self.cancelled = False
            self.epochs_done = 0
            self.steps_per_epoch = 0
            self.step_in_phase = 0
            self.step_times: list[float] = []
            self.epoch_times: list[float] = []
            self.val: dict[str, float | None] | None = None
            self.last_val: dict[str, Any] = {}
            self.best: dict[str, Any] = {}
            self._epoch_start = 0.0
            self._last_step = 0.0
            self.start_fingerprint = ""
            self.end_fingerprint = ""

        # ---------------------------------------------------------------- start
        def on_train_start(self, trainer: Any, pl_module: Any) -> None:
            self.steps_per_epoch = int(trainer.num_training_batches)
            self.step_in_phase = trainer.current_epoch * self.steps_per_epoch
            model = pl_module.model
            state = model.state_dict()
            self.start_fingerprint = weights_fingerprint(state, ENCODER_PREFIX)
            lrs = sorted({float(g.get("initial_lr", g["lr"])) for opt in trainer.optimizers for g in opt.param_groups})
            trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
            frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
            encoder_trainable = any(p.requires_grad for n, p in model.named_parameters()
                                    if n.startswith(ENCODER_PREFIX))
            if trainer.is_global_zero:
                self.session.emit(
                    "phase_started", phase=self.number, epochs=int(trainer.max_epochs),
                    start_epoch=int(trainer.current_epoch), steps_per_epoch=self.steps_per_epoch,
                    init_weights=self.session.init_weights.get(self.number), freeze_encoder=not encoder_trainable,
                    lr_groups=lrs, trainable_params=trainable, frozen_params=frozen,
                    weights_fingerprint=weights_fingerprint(state), encoder_fingerprint=self.start_fingerprint,
                    resumed_from=self.session.resumed_from.get(self.number),
                )

        def on_train_end(self, trainer: Any, pl_module: Any) -> None:
            self.end_fingerprint = weights_fingerprint(pl_module.model.state_dict(), ENCODER_PREFIX)

        def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
            # rfdetr's best-model callback (before this one) writes the phase's best weights on rank 0 only;
            # the other ranks must not go on to phase 2 (which starts from that file) before it exists.
            if trainer.world_size > 1:
                trainer.strategy.barrier("soccer-desktop-phase-end")

        # ---------------------------------------------------------------- steps
        def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
            self._epoch_start = self._last_step = time.perf_counter()
            self.val = None

        def on_train_batch_end(self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int) -> None:
            now = time.perf_counter()
            self.step_times.append(now - self._last_step)
            self._last_step = now
            self.step_in_phase += 1
            if trainer.is_global_zero:
                loss = outputs["loss"] if isinstance(outputs, dict) else outputs
                loss_value = float(loss.detach()) if loss is not None else None
                lr = float(trainer.optimizers[0].param_groups[0]["lr"]) if trainer.optimizers else None
                self.session.emit("step", phase=self.number, epoch=trainer.current_epoch + 1,
                                  step=self.step_in_phase, batch=batch_idx + 1, loss=loss_value, lr=lr,
                                  eta_s=self._eta(trainer, batch_idx + 1))
                tracker_step = self.session.step_offset(self.number) + self.step_in_phase
                self.session.metric("step/loss", loss_value, tracker_step)
                self.session.metric("step/lr", lr, tracker_step)
            requested = self.session.cancel_requested()
            if trainer.world_size > 1:  # every rank must stop at the same step
                requested = trainer.strategy.reduce_boolean_decision(requested, all=False)
            if not self.cancelled and requested:
                self.cancelled = True
                trainer.should_stop = True
                if trainer.is_global_zero:
                    self.session.emit("log", level="info", message=(
                        f"Cancel requested: phase {self.number} stops after step {self.step_in_phase}, "
                        "validates once and keeps its checkpoints."))

        def _eta(self, trainer: Any, batches_done: int) -> float | None:
            recent = self.step_times[-50:]
            if not recent:
                return None
            per_step = sum(recent) / len(recent)
            epoch_estimate = (sum(self.epoch_times[-5:]) / len(self.epoch_times[-5:]) if self.epoch_times
                              else per_step * max(self.steps_per_epoch, 1))
            epochs_left = int(trainer.max_epochs) - trainer.current_epoch - 1
            return (max(self.steps_per_epoch - batches_done, 0) * per_step
                    + (epochs_left + self.session.future_epochs(self.number)) * epoch_estimate)

        # ---------------------------------------------------------- validation
        def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
            if trainer.sanity_checking:
                return
            metrics = trainer.callback_metrics
            self.val = {key: (float(metrics[name]) if name in metrics else None) for key, name in VAL_KEYS.items()}

        # ------------------------------------------------------------ epoch end
        def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
            epoch_time = time.perf_counter() - self._epoch_start
            self.epoch_times.append(epoch_time)
            self.epochs_done = trainer.current_epoch + 1
            if not trainer.is_global_zero:
                return
            metrics = trainer.callback_metrics
            train = {k.split("/", 1)[1]: float(v) for k, v in metrics.items()
                     if k.startswith("train/") and not k.startswith("train/lr")}
            lr = float(trainer.optimizers[0].param_groups[0]["lr"]) if trainer.optimizers else None
            epochs_left = int(trainer.max_epochs) - self.epochs_done
            average = sum(self.epoch_times[-5:]) / len(self.epoch_times[-5:])
            eta = (epochs_left + self.session.future_epochs(self.number)) * average
            if self.cancelled:
                eta = 0.0
            val = self.val
            if val is not None and val.get("map") is not None:
                self.last_val = {**val, "phase": self.number, "epoch": self.epochs_done}
                # As rfdetr's BestModelCallback: the EMA track needs a strictly better mAP than 0 to save; the
                # regular track (EMA off) saves its first validation. Strictly better wins afterwards.
                floor = 0.0 if self.phase.ema.enabled else -1.0
                if val["map"] > self.best.get("map", floor):
                    self.best = dict(self.last_val)
            memory = memory_usage()
            self.session.emit("epoch", phase=self.number, epoch=self.epochs_done, epochs=int(trainer.max_epochs),
                              train=train, val=val, lr=lr, memory=memory, epoch_time_s=epoch_time, eta_s=eta)
            step = self.session.epoch_offset(self.number) + self.epochs_done
            for key, value in train.items():
                self.session.metric(f"epoch/train_{key}", value, step)
            for key, value in (val or {}).items():
                self.session.metric(f"val/{key}", value, step)
            self.session.metric("epoch/lr", lr, step)
            self.session.metric("epoch/time_s", epoch_time, step)
            self.session.metric("epoch/ram_mb", memory["ram_mb"], step)
            self.session.metric("epoch/gpu_peak_mb", memory["gpu_peak_mb"], step)
            self.session.flush_metrics()
            self._save_weights(trainer, pl_module)
            self.session.phase_progress(self.number, epochs_done=self.epochs_done, steps=self.step_in_phase,
                                        best_metrics=self.best or None)

        def _save_weights(self, trainer: Any, pl_module: Any) -> None:
            """The epoch's weights (EMA-averaged when EMA is on) in rfdetr's ``.pth`` form; keep the newest N."""
            state, source = None, "live"
            for callback in trainer.callbacks:
                getter = getattr(callback, "get_ema_model_state_dict", None)
                if callable(getter):
                    state = getter()
                    source = "ema" if state is not None else "live"
                    break
            if state is None:
                state = pl_module.model.state_dict()
            folder = self.session.phase_dir(self.number) / WEIGHTS_DIR
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"epoch_{self.epochs_done:03d}.pth"
            payload = {
                "model": state,
                "epoch": self.epochs_done - 1,
                "phase": self.number,
                "weights": source,
                "model_name": pl_module.model_config.model_name,
                "args": {**pl_module.train_config.model_dump(mode="json"),
                         "num_queries": pl_module.model_config.num_queries,
                         "group_detr": pl_module.model_config.group_detr},
                "model_config": pl_module.model_config.model_dump(mode="json"),
            }
            save_checkpoint(payload, path)  # whole or not at all; a full disk is a one-line DiskError
            self.session.emit("checkpoint", phase=self.number, kind="weights", path=str(path), epoch=self.epochs_done)
            keep = self.session.config.checkpoints.keep_last_weights
            for old in sorted(folder.glob("epoch_*.pth"))[:-keep]:
                old.unlink(missing_ok=True)

    return RunCallback
