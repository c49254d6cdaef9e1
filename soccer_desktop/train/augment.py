"""Small-object augmentations on (image, boxes): mosaic, mixup, ball copy-paste, and albumentations checks.

rfdetr has no mosaic, mixup or copy-paste, so they live here, as plain numpy
and OpenCV on a :class:`Sample` (RGB image, ``xyxy`` pixel boxes, labels
0 = player / 1 = ball). Every operation keeps the boxes true to the picture:
boxes are moved and scaled with exactly the pixels they cover, clipped to what
stays visible, and dropped when only a remnant is left (narrower or lower than
``min_box_size`` pixels, or less than ``min_visible`` of their area).

The same :class:`MixAugmenter` feeds the training dataset (``train.data``) and
the wizard's preview grid, so the preview shows what training sees.
albumentations (which imports torch) is imported only inside the functions
that need it.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from soccer_desktop.core.errors import UserError
from soccer_desktop.train.config import AugmentSettings, TransformSpec

log = logging.getLogger(__name__)

PLAYER_LABEL = 0
BALL_LABEL = 1
#: Canvas colour where a mosaic tile leaves no picture (the usual YOLO grey).
MOSAIC_FILL = 114
#: Ball patches larger than this are most likely mislabelled and are not pasted.
MAX_BALL_PATCH = 64
#: How many ball frames the copy-paste bank reads its patches from.
BANK_FRAMES = 64


class AugmentationError(UserError):
    """An augmentation that cannot be built; names the transform, the argument and the fix."""


@dataclass
class Sample:
    """One training picture: ``image`` HxWx3 uint8 RGB, ``boxes`` (N, 4) float32 xyxy pixels, ``labels`` (N,)."""

    image: np.ndarray
    boxes: np.ndarray
    labels: np.ndarray

    def __post_init__(self) -> None:
        self.boxes = np.asarray(self.boxes, dtype=np.float32).reshape(-1, 4)
        self.labels = np.asarray(self.labels, dtype=np.int64).reshape(-1)
        if len(self.boxes) != len(self.labels):
            raise ValueError(f"{len(self.boxes)} boxes but {len(self.labels)} labels")

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def has_ball(self) -> bool:
        return bool((self.labels == BALL_LABEL).any())


# --------------------------------------------------------------------------- boxes
def box_areas(boxes: np.ndarray) -> np.ndarray:
    return np.clip(boxes[:, 2] - boxes[:, 0], 0, None) * np.clip(boxes[:, 3] - boxes[:, 1], 0, None)


def clip_boxes(
    boxes: np.ndarray,
    labels: np.ndarray,
    region: tuple[float, float, float, float],
    min_size: float,
    min_visible: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Clip ``xyxy`` boxes to ``region`` (x0, y0, x1, y1); drop tiny or mostly hidden remnants."""
    if len(boxes) == 0:
        return boxes.reshape(0, 4).astype(np.float32), labels.reshape(0).astype(np.int64)
    x0, y0, x1, y1 = region
    before = box_areas(boxes)
    clipped = boxes.copy()
    clipped[:, 0::2] = np.clip(clipped[:, 0::2], x0, x1)
    clipped[:, 1::2] = np.clip(clipped[:, 1::2], y0, y1)
    width = clipped[:, 2] - clipped[:, 0]
    height = clipped[:, 3] - clipped[:, 1]
    after = width * height
    keep = (width >= max(min_size, 1e-3)) & (height >= max(min_size, 1e-3))
    keep &= after >= min_visible * np.maximum(before, 1e-9)
    return clipped[keep].astype(np.float32), labels[keep].astype(np.int64)


def resize_sample(sample: Sample, width: int, height: int) -> Sample:
    """Resize the picture to ``width`` x ``height``, scaling boxes by exactly the same factors."""
    if (width, height) == (sample.width, sample.height):
        return Sample(sample.image.copy(), sample.boxes.copy(), sample.labels.copy())
    sx, sy = width / sample.width, height / sample.height
    interpolation = cv2.INTER_AREA if sx * sy < 1 else cv2.INTER_LINEAR
    image = cv2.resize(sample.image, (width, height), interpolation=interpolation)
    boxes = sample.boxes * np.array([sx, sy, sx, sy], np.float32)
    return Sample(image, boxes, sample.labels.copy())


# -------------------------------------------------------------------------- mosaic
def mosaic(
    samples: Sequence[Sample],
    rng: np.random.Generator,
    scale: tuple[float, float] = (0.4, 1.0),
    min_size: float = 2.0,
    min_visible: float = 0.3,
    out_size: tuple[int, int] | None = None,
) -> Sample:
    """Four pictures around a random centre; each tile scaled by a factor drawn from ``scale``.

    The canvas has the first picture's size. Tile k meets the centre with its
    inner corner (top-left tile with its bottom-right corner, and so on), so the
    pictures touch at the centre and the canvas edges crop them.
    """
    if len(samples) != 4:
        raise ValueError("mosaic needs exactly four samples")
    width, height = out_size or (samples[0].width, samples[0].height)
    canvas = np.full((height, width, 3), MOSAIC_FILL, np.uint8)
    cx = int(round(rng.uniform(0.25, 0.75) * width))
    cy = int(round(rng.uniform(0.25, 0.75) * height))
    regions = [(0, 0, cx, cy), (cx, 0, width, cy), (0, cy, cx, height), (cx, cy, width, height)]
    all_boxes: list[np.ndarray] = []
    all_labels: list[np.ndarray] = []
    for k, (sample, region) in enumerate(zip(samples, regions)):
        factor = rng.uniform(*scale)
        tw = max(1, int(round(sample.width * factor)))
        th = max(1, int(round(sample.height * factor)))
        tile = resize_sample(sample, tw, th)
        ox = cx - tw if k in (0, 2) else cx
        oy = cy - th if k in (0, 1) else cy
        rx0, ry0, rx1, ry1 = region
        # Intersection of the placed tile with its quadrant, in canvas and in tile coordinates.
        ix0, iy0 = max(ox, rx0), max(oy, ry0)
        ix1, iy1 = min(ox + tw, rx1), min(oy + th, ry1)
        if ix1 <= ix0 or iy1 <= iy0:
            continue
        canvas[iy0:iy1, ix0:ix1] = tile.image[iy0 - oy : iy1 - oy, ix0 - ox : ix1 - ox]
        boxes = tile.boxes + np.array([ox, oy, ox, oy], np.float32)
        boxes, labels = clip_boxes(boxes, tile.labels, (ix0, iy0, ix1, iy1), min_size, min_visible)
        all_boxes.append(boxes)
        all_labels.append(labels)
    boxes = np.concatenate(all_boxes) if all_boxes else np.zeros((0, 4), np.float32)
    labels = np.concatenate(all_labels) if all_labels else np.zeros((0,), np.int64)
    return Sample(canvas, boxes, labels)


# --------------------------------------------------------------------------- mixup
def mixup(
    first: Sample,
    second: Sample,
    rng: np.random.Generator,
    alpha: float = 0.2,
    min_label_weight: float = 0.2,
) -> Sample:
    """Blend two pictures with weight ``lam ~ Beta(alpha, alpha)``; the second is resized to the first's size.

    The boxes of a picture blended in with a weight below ``min_label_weight``
    are left out: its objects are barely visible and labelling them would teach
    the detector to see ghosts.
    """
    other = resize_sample(second, first.width, first.height)
    lam = float(rng.beta(alpha, alpha))
    image = cv2.addWeighted(first.image, lam, other.image, 1.0 - lam, 0.0)
    parts = [(first, lam), (other, 1.0 - lam)]
    kept = [(s.boxes, s.labels) for s, weight in parts if weight >= min_label_weight]
    boxes = np.concatenate([b for b, _ in kept]) if kept else np.zeros((0, 4), np.float32)
    labels = np.concatenate([lab for _, lab in kept]) if kept else np.zeros((0,), np.int64)
    return Sample(image, boxes, labels)


# ------------------------------------------------------------------ ball copy-paste
class BallBank:
    """Patches of annotated balls, cut from training frames, for :func:`paste_balls`."""

    def __init__(self) -> None:
        self.patches: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.patches)

    def add(self, sample: Sample) -> int:
        """Cut every ball of ``sample`` (its box, rounded outwards); returns how many were added."""
        added = 0
        for box in sample.boxes[sample.labels == BALL_LABEL]:
            x0, y0 = int(np.floor(box[0])), int(np.floor(box[1]))
            x1, y1 = int(np.ceil(box[2])), int(np.ceil(box[3]))
            x0, y0 = max(x0, 0), max(y0, 0)
            x1, y1 = min(x1, sample.width), min(y1, sample.height)
            w, h = x1 - x0, y1 - y0
            if w < 2 or h < 2 or w > MAX_BALL_PATCH or h > MAX_BALL_PATCH:
                continue
            self.patches.append(sample.image[y0:y1, x0:x1].copy())
            added += 1
        return added


def _ellipse_alpha(height: int, width: int) -> np.ndarray:
    """Opaque inside the inscribed ellipse, fading out just beyond it (softens the pasted patch's corners)."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    ry, rx = max(height / 2.0, 0.5), max(width / 2.0, 0.5)
    r = np.sqrt(((xx + 0.5 - width / 2.0) / rx) ** 2 + ((yy + 0.5 - height / 2.0) / ry) ** 2)
    return np.clip((1.2 - r) / 0.4, 0.0, 1.0)[..., None]


def paste_balls(
    sample: Sample,
    bank: BallBank,
    rng: np.random.Generator,
    max_copies: int = 3,
    tries: int = 12,
    margin: float = 2.0,
) -> Sample:
    """Paste 1..``max_copies`` balls from ``bank`` where they overlap no other box; each gets its box."""
    if not len(bank):
        return sample
    image = sample.image.copy()
    boxes = [b for b in sample.boxes]
    labels = [int(lab) for lab in sample.labels]
    occupied = [b + np.array([-margin, -margin, margin, margin], np.float32) for b in sample.boxes]
    for _ in range(int(rng.integers(1, max_copies + 1))):
        patch = bank.patches[int(rng.integers(len(bank)))]
        if rng.random() < 0.5:
            patch = patch[:, ::-1]
        h, w = patch.shape[:2]
        if w >= sample.width or h >= sample.height:
            continue
        for _ in range(tries):
            x = int(rng.integers(0, sample.width - w + 1))
            y = int(rng.integers(0, sample.height - h + 1))
            candidate = np.array([x, y, x + w, y + h], np.float32)
            if not any(_overlaps(candidate, other) for other in occupied):
                break
        else:
            continue
        alpha = _ellipse_alpha(h, w)
        region = image[y : y + h, x : x + w].astype(np.float32)
        image[y : y + h, x : x + w] = np.clip(alpha * patch + (1 - alpha) * region + 0.5, 0, 255).astype(np.uint8)
        boxes.append(candidate)
        labels.append(BALL_LABEL)
        occupied.append(candidate + np.array([-margin, -margin, margin, margin], np.float32))
    return Sample(image, np.array(boxes, np.float32).reshape(-1, 4), np.array(labels, np.int64))


def _overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


# --------------------------------------------------------------------- the augmenter
class MixAugmenter:
    """Applies the enabled mosaic, mixup and ball copy-paste to the sample at an index.

    ``load(index)`` returns the raw :class:`Sample` of a training frame;
    ``ball_indices`` are the frames with a ball (the copy-paste bank is read
    from up to :data:`BANK_FRAMES` of them, the first time it is needed).
    """

    def __init__(
        self,
        settings: AugmentSettings,
        load: Callable[[int], Sample],
        size: int,
        ball_indices: Sequence[int] = (),
    ) -> None:
        self.settings = settings
        self.load = load
        self.size = size
        self.ball_indices = list(ball_indices)
        self._bank: BallBank | None = None

    @property
    def active(self) -> bool:
        s = self.settings
        return (s.mosaic.enabled and s.mosaic.p > 0) or (s.mixup.enabled and s.mixup.p > 0) or (
            s.ball_copy_paste.enabled and s.ball_copy_paste.p > 0 and bool(self.ball_indices))

    def bank(self, rng: np.random.Generator) -> BallBank:
        if self._bank is None:
            bank = BallBank()
            chosen = list(self.ball_indices)
            if len(chosen) > BANK_FRAMES:
                chosen = [chosen[i] for i in rng.choice(len(chosen), BANK_FRAMES, replace=False)]
            for index in chosen:
                bank.add(self.load(index))
            self._bank = bank
        return self._bank

    def __call__(self, index: int, rng: np.random.Generator) -> Sample:
        s = self.settings
        sample = self.load(index)
        if s.mosaic.enabled and rng.random() < s.mosaic.p and self.size > 1:
            others = [self.load(int(i)) for i in rng.integers(0, self.size, 3)]
            sample = mosaic([sample, *others], rng, tuple(s.mosaic.scale), s.min_box_size, s.min_visible)
        if s.mixup.enabled and rng.random() < s.mixup.p and self.size > 1:
            other = self.load(int(rng.integers(0, self.size)))
            sample = mixup(sample, other, rng, s.mixup.alpha, s.mixup.min_label_weight)
        if s.ball_copy_paste.enabled and self.ball_indices and rng.random() < s.ball_copy_paste.p:
            sample = paste_balls(sample, self.bank(rng), rng, s.ball_copy_paste.max_copies)
        return sample


def sampling_weights(has_ball: Iterable[bool], settings: AugmentSettings) -> list[float]:
    """Per-frame weights for the ``WeightedRandomSampler``: ball frames count ``weight`` times."""
    weight = settings.ball_oversampling.weight if settings.ball_oversampling.enabled else 1.0
    return [float(weight) if ball else 1.0 for ball in has_ball]


# ------------------------------------------------------------------- albumentations
#: Containers hold nested transforms; the wizard lists transforms one by one instead.
_CONTAINERS = frozenset({"OneOf", "SomeOf", "Sequential", "Compose"})


def check_albumentations(
    specs: Sequence[TransformSpec],
    geometric_names: frozenset[str] | set[str] | None = None,
) -> list[dict[str, dict]]:
    """Build each enabled transform once to prove its name and arguments; return rfdetr's ``aug_config`` list.

    rfdetr logs and skips a transform it cannot build; here a misspelt name, an
    unknown or invalid argument, or an argument albumentations would silently
    adjust is an :class:`AugmentationError`. With ``geometric_names`` (rfdetr's
    list of transforms whose boxes it moves), a transform that moves pixels but
    is not on that list is refused too: its boxes would no longer match.
    """
    import albumentations as A  # noqa: N812 - imports torch; only here

    config: list[dict[str, dict]] = []
    problems: list[str] = []
    for spec in specs:
        if not spec.enabled:
            continue
        name = spec.name
        if name in _CONTAINERS:
            problems.append(f"{name}: containers are not supported here; list the transforms one by one.")
            continue
        cls = getattr(A, name, None) if name and not name.startswith("_") else None
        if not (isinstance(cls, type) and issubclass(cls, A.BasicTransform)):
            close = _close_names(name, [n for n in dir(A) if isinstance(getattr(A, n), type)
                                         and issubclass(getattr(A, n), A.BasicTransform)])
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            problems.append(f"{name!r} is not an albumentations transform.{hint}")
            continue
        if geometric_names is not None and issubclass(cls, A.DualTransform) and name not in geometric_names:
            problems.append(f"{name} moves pixels but rfdetr would not move the boxes with it; "
                            "use a photometric transform or one of: HorizontalFlip, Affine, RandomResizedCrop.")
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                cls(**spec.params)
            except Exception as error:  # pydantic ValidationError, TypeError, ValueError
                problems.append(f"{name}: invalid arguments {spec.params}: {_first_line(error)}")
                continue
        complaints = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
        if complaints:
            problems.append(f"{name}: {'; '.join(complaints)}")
            continue
        config.append({name: dict(spec.params)})
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise AugmentationError(
            f"The augmentation settings cannot be used:\n{lines}\n"
            "Fix the transform names and arguments (albumentations 2.x names), or switch those transforms off."
        )
    return config


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return " ".join(t.strip() for t in text[:4]) if text else type(error).__name__


def _close_names(name: str, candidates: list[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(name, candidates, n=2, cutoff=0.75)


def albumentations_pipeline(specs: Sequence[TransformSpec]):  # noqa: ANN201 - albumentations type, lazy
    """One ``A.Compose`` of the enabled transforms, moving ``pascal_voc`` boxes (for the preview grid)."""
    import albumentations as A  # noqa: N812

    check_albumentations(specs)
    transforms = [getattr(A, s.name)(**s.params) for s in specs if s.enabled]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Got processor for bboxes")
        return A.Compose(transforms, bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"],
                                                              min_visibility=0.0, clip=True))


def apply_albumentations(pipeline, sample: Sample) -> Sample:  # noqa: ANN001
    if pipeline is None:
        return sample
    out = pipeline(image=sample.image, bboxes=sample.boxes, labels=sample.labels)
    return Sample(out["image"], np.asarray(out["bboxes"], np.float32).reshape(-1, 4),
                  np.asarray(out["labels"], np.int64))


# ------------------------------------------------------------------------- drawing
BOX_COLOURS = {PLAYER_LABEL: (255, 220, 0), BALL_LABEL: (255, 40, 40)}


def draw_boxes(sample: Sample, thickness: int = 1) -> np.ndarray:
    """An RGB copy of the picture with its boxes: players yellow, balls red."""
    image = np.ascontiguousarray(sample.image.copy())
    for box, label in zip(sample.boxes, sample.labels):
        x0, y0, x1, y1 = (int(round(v)) for v in box)
        cv2.rectangle(image, (x0, y0), (max(x0, x1 - 1), max(y0, y1 - 1)), BOX_COLOURS.get(int(label), (255, 255, 255)),
                      thickness)
    return image
