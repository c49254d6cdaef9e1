"""Small RF-DETR/Roboflow-layout datasets drawn on the fly for the training tests.

``DATASET/train|valid|test/_annotations.coco.json`` with the images beside each
file, categories exactly player (id 1) and ball (id 2), and
``DATASET/manifest.json`` (counts per class and split, seed, annotation hash),
the layout the dataset builder exports. Players are coloured rectangles, balls
small discs on grass, so every box is exactly where its object is drawn.

With ``unique=True`` every object gets its own colour (recorded in its
annotation as ``"colour"``) on flat grass, so tests can find each object's
pixels after augmentation and compare them with its box.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

CATEGORIES = [
    {"id": 1, "name": "player", "supercategory": "none"},
    {"id": 2, "name": "ball", "supercategory": "none"},
]
PLAYER_COLOURS = [(220, 40, 40), (40, 40, 220), (240, 220, 30), (20, 20, 20)]
GRASS = (40, 130, 45)


def unique_colours(count: int, seed: int = 1) -> list[tuple[int, int, int]]:
    """Colours far from each other and from the grass (every channel at 0, 128 or 255; no grass-like green)."""
    levels = (0, 128, 255)
    palette = [(r, g, b) for r in levels for g in levels for b in levels
               if (r, g, b) not in ((0, 128, 0), (0, 128, 128), (0, 255, 0), (128, 128, 128))]
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(palette))
    return [palette[i] for i in order[:count]]


@dataclass
class Drawn:
    image: np.ndarray  # RGB
    boxes: list[list[float]] = field(default_factory=list)  # xywh
    categories: list[int] = field(default_factory=list)
    colours: list[tuple[int, int, int]] = field(default_factory=list)


def draw_sample(rng: np.random.Generator, size: int = 320, players: int = 4, ball: bool = True,
                colours: list[tuple[int, int, int]] | None = None, noise: bool = True) -> Drawn:
    """One RGB picture with its boxes ``[x, y, w, h]``, category ids and the colour of each object."""
    if noise:
        image = (rng.integers(0, 25, (size, size, 1)) + np.array([40, 120, 45])).astype(np.uint8)
    else:
        image = np.zeros((size, size, 3), np.uint8) + np.array(GRASS, np.uint8)
    drawn = Drawn(image)
    occupied: list[tuple[int, int, int, int]] = []
    for index in range(players + int(ball)):
        is_ball = index == players
        for _ in range(50):
            if is_ball:
                radius = int(rng.integers(3, 7))
                w = h = 2 * radius + 1
            else:
                w, h = int(rng.integers(14, 30)), int(rng.integers(30, 60))
            x, y = int(rng.integers(1, size - w - 1)), int(rng.integers(1, size - h - 1))
            if not any(x < ox + ow + 2 and ox < x + w + 2 and y < oy + oh + 2 and oy < y + h + 2
                       for ox, oy, ow, oh in occupied):
                break
        occupied.append((x, y, w, h))
        colour = colours[len(drawn.colours)] if colours else (
            (250, 250, 250) if is_ball else PLAYER_COLOURS[int(rng.integers(len(PLAYER_COLOURS)))])
        if is_ball:
            cv2.circle(image, (x + radius, y + radius), radius, colour, -1, lineType=cv2.LINE_8)
        else:
            image[y : y + h, x : x + w] = colour
        drawn.boxes.append([float(x), float(y), float(w), float(h)])
        drawn.categories.append(2 if is_ball else 1)
        drawn.colours.append(tuple(int(c) for c in colour))
    return drawn


def write_dataset(
    root: Path,
    counts: dict[str, int] | None = None,
    size: int = 320,
    seed: int = 0,
    ball_every: int = 2,
    unique: bool = False,
    ext: str = ".jpg",
) -> Path:
    """Write a dataset; every ``ball_every``-th image has a ball (0: none has one)."""
    counts = counts or {"train": 8, "valid": 4}
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    manifest_counts: dict[str, dict[str, int]] = {}
    hashes: dict[str, str] = {}
    annotation_id = image_id = 1
    for split, number in counts.items():
        folder = root / split
        folder.mkdir(parents=True, exist_ok=True)
        images, annotations = [], []
        stats = {"images": 0, "negatives": 0, "player": 0, "ball": 0, "ball_frames": 0}
        for index in range(number):
            has_ball = ball_every > 0 and index % ball_every == 0
            players = int(rng.integers(2, 5))
            colours = unique_colours(players + 1, seed=image_id) if unique else None
            drawn = draw_sample(rng, size, players=players, ball=has_ball, colours=colours, noise=not unique)
            name = f"{split}_{index:04d}{ext}"
            params = [cv2.IMWRITE_JPEG_QUALITY, 95] if ext == ".jpg" else []
            cv2.imwrite(str(folder / name), cv2.cvtColor(drawn.image, cv2.COLOR_RGB2BGR), params)
            images.append({"id": image_id, "file_name": name, "width": size, "height": size})
            for box, category, colour in zip(drawn.boxes, drawn.categories, drawn.colours):
                annotation = {"id": annotation_id, "image_id": image_id, "category_id": category, "bbox": box,
                              "area": box[2] * box[3], "iscrowd": 0}
                if unique:
                    annotation["colour"] = list(colour)
                annotations.append(annotation)
                annotation_id += 1
                stats["player" if category == 1 else "ball"] += 1
            stats["images"] += 1
            stats["ball_frames"] += int(has_ball)
            image_id += 1
        document = {"info": {"description": "synthetic"}, "licenses": [], "categories": CATEGORIES,
                    "images": images, "annotations": annotations}
        data = json.dumps(document).encode("utf-8")
        (folder / "_annotations.coco.json").write_bytes(data)
        hashes[f"{split}/_annotations.coco.json"] = hashlib.sha256(data).hexdigest()
        manifest_counts[split] = stats
    listing = "".join(f"{digest}  {name}\n" for name, digest in sorted(hashes.items()))
    manifest = {
        "schema": 1,
        "format": "coco",
        "counts": manifest_counts,
        "split": {"seed": seed},
        "seed": seed,
        "annotation_files": hashes,
        "annotations_sha256": hashlib.sha256(listing.encode("utf-8")).hexdigest(),
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return root
