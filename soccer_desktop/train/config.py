"""Training configuration: typed dataclasses that round-trip through YAML, with validation.

One file describes a whole run except the data: model, augmentations, the
two phases, hardware, checkpoints and tracking. ``soccer_desktop/configs/*.yaml`` and the
wizard's "Save as YAML" use exactly this form. Every section and every key
may be left out (the plan's defaults fill it in); an unknown key is an error
that names the key and the keys allowed there, so a typo never trains with a
silently ignored setting.

Nothing here imports torch, rfdetr or albumentations: the GUI and the CLI read
and check configurations at start-up speed. The checks that need those
libraries (albumentations names, device memory) run in the training process.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

import yaml

from soccer_desktop.core.atomic import atomic_write_text
from soccer_desktop.core.disk import writing
from soccer_desktop.core.errors import UserError

SCHEMA_VERSION = 1
#: The detector's classes, in label order (COCO category 1 = label 0 = player, 2 = 1 = ball).
CLASS_NAMES = ("player", "ball")


class ConfigError(UserError):
    """A configuration that cannot be used; the message names each bad key and how to fix it."""


@dataclass(frozen=True)
class ModelSize:
    """What the wizard tells about a model size, and what the engine builds for it."""

    name: str
    label: str
    config_class: str
    default_resolution: int
    weights_file: str
    memory_hint: str


#: RF-DETR detection sizes (rfdetr 1.11). Resolutions must be multiples of patch 16 x 2 windows = 32.
MODEL_SIZES: dict[str, ModelSize] = {
    "nano": ModelSize("nano", "Nano", "RFDETRNanoConfig", 384, "rf-detr-nano.pth",
                      "fastest; ~2 GB GPU memory at batch 4, trains on a CPU for tests only"),
    "small": ModelSize("small", "Small", "RFDETRSmallConfig", 512, "rf-detr-small.pth",
                       "good default; ~4 GB GPU memory at batch 4"),
    "medium": ModelSize("medium", "Medium", "RFDETRMediumConfig", 576, "rf-detr-medium.pth",
                        "more accurate; ~6 GB GPU memory at batch 4"),
    "large": ModelSize("large", "Large", "RFDETRLargeConfig", 704, "rf-detr-large-2026.pth",
                       "most accurate; ~10 GB GPU memory at batch 4"),
}
RESOLUTION_MULTIPLE = 32
START_WEIGHTS = ("coco", "checkpoint", "random")
PRECISIONS = ("auto", "bf16", "fp16", "fp32")
ACCELERATORS = ("auto", "gpu", "cpu")
STRATEGIES = ("auto", "ddp")


# ----------------------------------------------------------------------------- sections
@dataclass
class ModelSettings:
    size: str = "small"
    """nano | small | medium | large."""
    resolution: int | None = 640
    """Square input size in pixels, a multiple of 32; None takes the size's default."""
    start_weights: str = "coco"
    """coco (COCO-pretrained file) | checkpoint (a previous run's) | random (quick tests only)."""
    weights_path: str | None = None
    """The weights file; for coco, None looks for the size's file in the models folder."""
    num_queries: int = 300
    num_select: int = 300
    group_detr: int = 13
    gradient_checkpointing: bool = False

    @property
    def effective_resolution(self) -> int:
        size = MODEL_SIZES.get(self.size)
        return self.resolution or (size.default_resolution if size else 0)


@dataclass
class TransformSpec:
    """One albumentations transform by class name, with its arguments."""

    name: str = ""
    enabled: bool = True
    params: dict[str, Any] = field(default_factory=dict)


def default_albumentations() -> list[TransformSpec]:
    """The plan's photometric transforms (albumentations 2.x argument names)."""
    return [
        TransformSpec("HorizontalFlip", True, {"p": 0.5}),
        TransformSpec("ColorJitter", True, {"brightness": 0.2, "contrast": 0.2, "saturation": 0.2, "hue": 0.1, "p": 0.5}),
        # "Kernel up to 20": albumentations needs odd kernel sizes, so 19 is the largest.
        TransformSpec("MotionBlur", True, {"blur_limit": [3, 19], "p": 0.4}),
        TransformSpec("GaussianBlur", True, {"blur_limit": [3, 7], "sigma_limit": [0.5, 2.0], "p": 0.3}),
        TransformSpec("ISONoise", True, {"p": 0.3}),
        TransformSpec("ImageCompression", True, {"quality_range": [60, 95], "p": 0.2}),
        TransformSpec("CLAHE", True, {"clip_limit": 2.0, "tile_grid_size": [8, 8], "p": 0.5}),
    ]


@dataclass
class MosaicSettings:
    enabled: bool = True
    p: float = 0.5
    scale: tuple[float, float] = (0.4, 1.0)
    """Each of the four tiles is scaled by a factor drawn from this range."""


@dataclass
class MixupSettings:
    enabled: bool = True
    p: float = 0.3
    alpha: float = 0.2
    """Blend weight ~ Beta(alpha, alpha)."""
    min_label_weight: float = 0.2
    """Boxes of an image blended in below this weight are dropped (its objects are barely visible)."""


@dataclass
class CopyPasteSettings:
    enabled: bool = True
    p: float = 0.5
    max_copies: int = 3
    """1..max_copies balls cut from other training frames are pasted on free grass."""


@dataclass
class OversamplingSettings:
    enabled: bool = True
    weight: float = 3.0
    """A frame with a ball is drawn this many times as often as one without."""


@dataclass
class AugmentSettings:
    albumentations: list[TransformSpec] = field(default_factory=default_albumentations)
    mosaic: MosaicSettings = field(default_factory=MosaicSettings)
    mixup: MixupSettings = field(default_factory=MixupSettings)
    ball_copy_paste: CopyPasteSettings = field(default_factory=CopyPasteSettings)
    ball_oversampling: OversamplingSettings = field(default_factory=OversamplingSettings)
    scale_jitter: bool = True
    """rfdetr's random resize-and-crop branch (zooms in on part of the frame half of the time)."""
    multi_scale: bool = True
    """rfdetr's per-batch multi-scale training around the resolution."""
    min_box_size: float = 2.0
    """Boxes narrower or lower than this many pixels after clipping are dropped."""
    min_visible: float = 0.3
    """Boxes keeping less than this share of their area after clipping are dropped."""


@dataclass
class LossSettings:
    cls_loss_coef: float = 1.0
    """Weight of the classification loss. The focal-loss alpha (0.25) is fixed inside rfdetr and is not a
    per-class weight; to make the ball count more, use ball-frame oversampling and ball copy-paste."""


@dataclass
class EmaSettings:
    enabled: bool = True
    decay: float = 0.993


@dataclass
class EarlyStoppingSettings:
    enabled: bool = False
    patience: int = 10
    min_delta: float = 0.001


@dataclass
class PhaseSettings:
    epochs: int = 10
    lr: float = 1e-4
    """Learning rate of the decoder, heads and projector, exactly as given (no hidden scaling)."""
    lr_encoder: float | None = None
    """Learning rate of the DINOv2 encoder when it trains (phase 2); None = the same as lr."""
    min_lr: float = 1e-6
    """The cosine schedule ends here."""
    warmup_epochs: float = 1.0
    weight_decay: float = 1e-4
    grad_clip: float = 0.1
    """Maximum gradient norm (0 = no clipping)."""
    ema: EmaSettings = field(default_factory=EmaSettings)
    early_stopping: EarlyStoppingSettings = field(default_factory=EarlyStoppingSettings)
    init_from: str = "previous"
    """Phase 2 only: 'previous' = phase 1's best weights of the same run, or a weights file."""


def default_phase1() -> PhaseSettings:
    return PhaseSettings(epochs=10, lr=1e-4, min_lr=1e-6, warmup_epochs=1.0)


def default_phase2() -> PhaseSettings:
    return PhaseSettings(
        epochs=40, lr=1e-5, min_lr=1e-7, warmup_epochs=1.0,
        early_stopping=EarlyStoppingSettings(enabled=True, patience=10, min_delta=0.001),
    )


@dataclass
class HardwareSettings:
    accelerator: str = "auto"
    """auto | gpu | cpu."""
    devices: int = 1
    """GPUs per machine; more than one trains with Lightning's DDP."""
    strategy: str = "auto"
    """auto (DDP when devices > 1) | ddp."""
    num_nodes: int = 1
    """Machines (a SLURM job sets this with --nodes)."""
    batch_size: int = 4
    grad_accum_steps: int = 4
    precision: str = "auto"
    """auto (bf16 where the GPU has it, else fp16) | bf16 | fp16 | fp32; CPUs always train in fp32."""
    num_workers: int = 2


@dataclass
class CheckpointSettings:
    keep_last_weights: int = 20
    """Lightweight weights are written every epoch; only this many recent ones are kept."""
    full_state_every: int = 10
    """Full training state (weights, optimizer, schedule) every N epochs, besides the end of each phase."""


@dataclass
class LimitSettings:
    """Caps for smoke tests and benchmarks (None = the whole split every epoch)."""

    train_batches_per_epoch: int | None = None
    val_batches: int | None = None


@dataclass
class TrackingSettings:
    mlflow: bool = True
    tracking_uri: str | None = None
    """None = sqlite:///<project>/mlflow.db (or <run>/mlflow.db for a run outside a project)."""
    experiment: str = "soccer-desktop"


@dataclass
class TrainingConfig:
    name: str = "training"
    phases: list[int] = field(default_factory=lambda: [1, 2])
    model: ModelSettings = field(default_factory=ModelSettings)
    augment: AugmentSettings = field(default_factory=AugmentSettings)
    loss: LossSettings = field(default_factory=LossSettings)
    phase1: PhaseSettings = field(default_factory=default_phase1)
    phase2: PhaseSettings = field(default_factory=default_phase2)
    hardware: HardwareSettings = field(default_factory=HardwareSettings)
    checkpoints: CheckpointSettings = field(default_factory=CheckpointSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    seed: int = 0
    schema: int = SCHEMA_VERSION

    # ------------------------------------------------------------------ access
    def phase(self, number: int) -> PhaseSettings:
        if number == 1:
            return self.phase1
        if number == 2:
            return self.phase2
        raise ConfigError(f"There is no phase {number}: training has phase 1 (encoder frozen) and 2 (all trained).")

    def total_epochs(self, phases: list[int] | None = None) -> int:
        return sum(self.phase(p).epochs for p in (phases or self.phases))

    # ------------------------------------------------------------- conversion
    def as_dict(self) -> dict[str, Any]:
        return _to_plain(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, where: str = "The configuration") -> TrainingConfig:
        """Build from plain data (a parsed YAML file); unknown keys and wrong types raise :class:`ConfigError`."""
        problems: list[str] = []
        config = _from_plain(cls, data or {}, "", problems)
        if problems:
            raise ConfigError(_problem_text(where, problems))
        return config

    def copy(self) -> TrainingConfig:
        return TrainingConfig.from_dict(self.as_dict())

    # ------------------------------------------------------------- validation
    def problems(self) -> list[str]:
        """Every value that cannot train, as 'key: what is wrong, and the fix' lines (empty when usable)."""
        p: list[str] = []
        if self.schema != SCHEMA_VERSION:
            p.append(f"schema: this app reads schema {SCHEMA_VERSION}, the file says {self.schema}")
        if not self.phases or any(x not in (1, 2) for x in self.phases) or len(set(self.phases)) != len(self.phases):
            p.append("phases: list 1, 2 or both (1 = encoder frozen, 2 = everything trained), e.g. [1, 2]")
        m = self.model
        if m.size not in MODEL_SIZES:
            p.append(f"model.size: {m.size!r} is not a model size; use one of {', '.join(MODEL_SIZES)}")
        if m.resolution is not None and (m.resolution < 64 or m.resolution % RESOLUTION_MULTIPLE):
            p.append(f"model.resolution: {m.resolution} must be a multiple of {RESOLUTION_MULTIPLE} "
                     f"and at least 64 (e.g. {max(64, round((m.resolution or 0) / 32) * 32)})")
        if m.start_weights not in START_WEIGHTS:
            p.append(f"model.start_weights: {m.start_weights!r}; use one of {', '.join(START_WEIGHTS)}")
        if m.start_weights == "checkpoint" and not m.weights_path:
            p.append("model.weights_path: start_weights is 'checkpoint', so name the checkpoint file to start from")
        if m.num_queries < 1 or m.num_select < 1 or m.group_detr < 1:
            p.append("model.num_queries, num_select and group_detr must be at least 1")
        elif m.num_select > m.num_queries:
            p.append(f"model.num_select ({m.num_select}) cannot exceed num_queries ({m.num_queries})")
        a = self.augment
        for index, spec in enumerate(a.albumentations):
            if not spec.name or not str(spec.name).isidentifier():
                p.append(f"augment.albumentations[{index}].name: {spec.name!r} is not a transform class name")
            prob = spec.params.get("p", 0.5)
            if not _is_prob(prob):
                p.append(f"augment.albumentations[{index}] ({spec.name}).params.p: {prob!r} must be between 0 and 1")
        for key, prob in (("mosaic.p", a.mosaic.p), ("mixup.p", a.mixup.p), ("ball_copy_paste.p", a.ball_copy_paste.p),
                          ("mixup.min_label_weight", a.mixup.min_label_weight), ("min_visible", a.min_visible)):
            if not _is_prob(prob):
                p.append(f"augment.{key}: {prob!r} must be between 0 and 1")
        low, high = a.mosaic.scale
        if not (0 < low <= high <= 2):
            p.append(f"augment.mosaic.scale: [{low}, {high}] must be a range 0 < low <= high <= 2, e.g. [0.4, 1.0]")
        if a.mixup.alpha <= 0:
            p.append("augment.mixup.alpha must be above 0 (0.2 = mostly one image, 32 = about half and half)")
        if a.ball_copy_paste.max_copies < 1:
            p.append("augment.ball_copy_paste.max_copies must be at least 1 (switch it off with enabled: false)")
        if a.ball_oversampling.weight < 1:
            p.append("augment.ball_oversampling.weight must be at least 1 (1 = no oversampling)")
        if a.min_box_size < 0:
            p.append("augment.min_box_size must be 0 or more pixels")
        if self.loss.cls_loss_coef <= 0:
            p.append("loss.cls_loss_coef must be above 0")
        for number in (1, 2):
            ph = self.phase(number)
            key = f"phase{number}"
            if ph.epochs < 1:
                p.append(f"{key}.epochs must be at least 1")
            for name in ("lr", "min_lr", "weight_decay", "grad_clip"):
                value = getattr(ph, name)
                if not isinstance(value, (int, float)) or value < 0 or not math.isfinite(value):
                    p.append(f"{key}.{name}: {value!r} must be a number of 0 or more")
            if ph.lr <= 0:
                p.append(f"{key}.lr must be above 0")
            if ph.lr_encoder is not None and ph.lr_encoder <= 0:
                p.append(f"{key}.lr_encoder must be above 0, or left empty to use lr")
            if ph.min_lr > ph.lr:
                p.append(f"{key}.min_lr ({ph.min_lr:g}) cannot be above lr ({ph.lr:g})")
            if ph.lr_encoder is not None and ph.min_lr > ph.lr_encoder:
                p.append(f"{key}.min_lr ({ph.min_lr:g}) cannot be above lr_encoder ({ph.lr_encoder:g})")
            if ph.warmup_epochs < 0 or ph.warmup_epochs > ph.epochs:
                p.append(f"{key}.warmup_epochs must be between 0 and epochs ({ph.epochs})")
            if not (0 < ph.ema.decay < 1):
                p.append(f"{key}.ema.decay must be between 0 and 1 (e.g. 0.993)")
            if ph.early_stopping.patience < 1:
                p.append(f"{key}.early_stopping.patience must be at least 1 epoch")
        if self.phase1.init_from != "previous":
            p.append("phase1.init_from: phase 1 starts from model.start_weights; remove init_from there")
        h = self.hardware
        if h.accelerator not in ACCELERATORS:
            p.append(f"hardware.accelerator: {h.accelerator!r}; use one of {', '.join(ACCELERATORS)}")
        if h.strategy not in STRATEGIES:
            p.append(f"hardware.strategy: {h.strategy!r}; use one of {', '.join(STRATEGIES)}")
        if h.precision not in PRECISIONS:
            p.append(f"hardware.precision: {h.precision!r}; use one of {', '.join(PRECISIONS)}")
        for name in ("devices", "num_nodes", "batch_size", "grad_accum_steps"):
            if getattr(h, name) < 1:
                p.append(f"hardware.{name} must be at least 1")
        if h.num_workers < 0:
            p.append("hardware.num_workers must be 0 or more")
        if h.accelerator == "cpu" and h.devices > 1:
            p.append("hardware.devices: several devices need GPUs; with accelerator cpu use devices: 1")
        if self.checkpoints.keep_last_weights < 1 or self.checkpoints.full_state_every < 1:
            p.append("checkpoints.keep_last_weights and full_state_every must be at least 1")
        for name in ("train_batches_per_epoch", "val_batches"):
            value = getattr(self.limits, name)
            if value is not None and value < 1:
                p.append(f"limits.{name} must be at least 1, or empty for the whole split")
        return p

    def validate(self, where: str = "The configuration") -> TrainingConfig:
        problems = self.problems()
        if problems:
            raise ConfigError(_problem_text(where, problems))
        return self


def _is_prob(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


def _problem_text(where: str, problems: list[str]) -> str:
    lines = "\n".join(f"  - {problem}" for problem in problems)
    return f"{where} cannot be used:\n{lines}\nCorrect these values and try again."


# ------------------------------------------------------------------ conversion helpers
def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_plain(v) for k, v in value.items()}
    return value


def _type_name(kind: Any) -> str:
    return getattr(kind, "__name__", str(kind).replace("typing.", ""))


def _from_plain(kind: Any, data: Any, path: str, problems: list[str], base: Any = None) -> Any:
    """Convert plain data to ``kind``, appending a message per bad value and returning a default for it.

    A section only overrides the keys it names: the others keep ``base`` (the default of that very section,
    so a partial ``phase2:`` keeps phase 2's own defaults rather than phase 1's).
    """
    origin = get_origin(kind)
    args = get_args(kind)
    label = path or "the configuration"
    if dataclasses.is_dataclass(kind):
        if not isinstance(data, dict):
            problems.append(f"{label}: expected a section of keys, got {data!r}")
            return kind()
        hints = get_type_hints(kind)
        known = {f.name for f in fields(kind)}
        unknown = sorted(set(map(str, data)) - known)
        for key in unknown:
            problems.append(f"{path + '.' if path else ''}{key}: unknown key; allowed here: {', '.join(sorted(known))}")
        instance = kind() if base is None else base
        for f in fields(kind):
            if f.name in data:
                default = getattr(instance, f.name)
                value = _from_plain(hints[f.name], data[f.name], f"{path + '.' if path else ''}{f.name}", problems,
                                    default if dataclasses.is_dataclass(default) else None)
                setattr(instance, f.name, value)
        return instance
    if origin is list:
        if not isinstance(data, (list, tuple)):
            problems.append(f"{label}: expected a list, got {data!r}")
            return []
        return [_from_plain(args[0], item, f"{path}[{i}]", problems) for i, item in enumerate(data)]
    if origin is tuple:
        if not isinstance(data, (list, tuple)) or len(data) != len(args):
            problems.append(f"{label}: expected a list of {len(args)} numbers, got {data!r}")
            return tuple(0.0 for _ in args)
        return tuple(_from_plain(a, item, f"{path}[{i}]", problems) for i, (a, item) in enumerate(zip(args, data)))
    if origin is dict:
        if not isinstance(data, dict):
            problems.append(f"{label}: expected a mapping of arguments, got {data!r}")
            return {}
        return {str(k): v for k, v in data.items()}
    if args and type(None) in args:  # Optional[X]
        if data is None:
            return None
        inner = [a for a in args if a is not type(None)]
        return _from_plain(inner[0], data, path, problems)
    if kind is bool:
        if not isinstance(data, bool):
            problems.append(f"{label}: expected true or false, got {data!r}")
            return False
        return data
    if kind is int:
        if isinstance(data, bool) or not isinstance(data, int):
            if isinstance(data, float) and data.is_integer():
                return int(data)
            problems.append(f"{label}: expected a whole number, got {data!r}")
            return 0
        return data
    if kind is float:
        if isinstance(data, str):
            try:
                return float(data)  # YAML 1.1 reads "1e-4" (no dot) as a string
            except ValueError:
                pass
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            problems.append(f"{label}: expected a number, got {data!r}")
            return 0.0
        return float(data)
    if kind is str:
        if not isinstance(data, str):
            problems.append(f"{label}: expected text, got {data!r}")
            return ""
        return data
    if kind is Any:
        return data
    problems.append(f"{label}: cannot read a {_type_name(kind)} from {data!r}")
    return None


# ------------------------------------------------------------------------- files
HEADER = """\
# Soccer Desktop training configuration (schema {schema}).
# Run it headless:  soccer-desktop train --config THIS.yaml --dataset DATASET_DIR --out RUN_DIR [--phase 1|2|both]
# Any section or key left out takes the built-in default; unknown keys are errors.
"""


def dump_config(config: TrainingConfig) -> str:
    body = yaml.safe_dump(config.as_dict(), sort_keys=False, default_flow_style=None, width=110)
    return HEADER.format(schema=SCHEMA_VERSION) + body


def save_config(config: TrainingConfig, path: Path | str) -> Path:
    """Write the configuration as YAML (atomically: a temporary file, then a rename)."""
    path = Path(path)
    with writing("the training configuration", path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, dump_config(config))
    return path


def parse_config(text: str, where: str = "The configuration") -> TrainingConfig:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ConfigError(f"{where} is not valid YAML{at}: {getattr(error, 'problem', error)}. "
                          "Fix the indentation or quoting there.") from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{where} must be a YAML mapping of sections (model:, augment:, phase1: ...).")
    return TrainingConfig.from_dict(data, where)


def load_config(path: Path | str) -> TrainingConfig:
    """Read and validate a configuration file; a bare name that is no file here names a shipped one."""
    path = Path(path)
    if not path.exists() and path.parent == Path("."):
        from soccer_desktop.shipped import config_file

        path = config_file(path.name) or path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"The configuration file {path} does not exist. Check the path, or name a shipped "
                          f"configuration: {', '.join(_shipped_names())}.") from None
    except OSError as error:
        raise ConfigError(f"The configuration file {path} cannot be read: {error.strerror}.") from None
    where = f"The configuration file {path}"
    return parse_config(text, where).validate(where)


def _shipped_names() -> list[str]:
    from soccer_desktop.shipped import config_names

    return config_names()


def parse_phases(text: str | None, default: list[int]) -> list[int]:
    """``'1'``, ``'2'``, ``'both'`` (or None for the configuration's own list)."""
    if text is None:
        return list(default)
    choices = {"1": [1], "2": [2], "both": [1, 2], "1,2": [1, 2]}
    if text not in choices:
        raise ConfigError(f"--phase {text!r} is not a phase: use 1, 2 or both.")
    return choices[text]


# ---------------------------------------------------------------------- presets
def soccertrack_config() -> TrainingConfig:
    """The plan's defaults (what the shipped training_soccertrack_phase*.yaml hold)."""
    return TrainingConfig(name="soccertrack")


def cpu_smoke_config() -> TrainingConfig:
    """Both phases in a few minutes on 2 CPU cores, random weights (tests, and checking an install)."""
    config = TrainingConfig(name="cpu-smoke")
    config.model = ModelSettings(size="nano", resolution=320, start_weights="random", num_queries=100,
                                 num_select=100, group_detr=1)
    config.augment.multi_scale = False
    config.phase1 = PhaseSettings(epochs=2, lr=1e-4, min_lr=1e-6, warmup_epochs=0.0)
    config.phase2 = PhaseSettings(epochs=1, lr=1e-5, min_lr=1e-7, warmup_epochs=0.0)
    config.hardware = HardwareSettings(accelerator="cpu", devices=1, batch_size=2, grad_accum_steps=1,
                                       precision="fp32", num_workers=0)
    config.limits = LimitSettings(train_batches_per_epoch=2, val_batches=1)
    return config
