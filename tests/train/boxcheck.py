"""Checks that boxes and pictures agree: every box frames its object's pixels, no sizeable object is unboxed.

Used with pictures whose objects each have their own colour (``synthetic.write_dataset(unique=True)``).
"""

from __future__ import annotations

import math

import numpy as np

from tests.train.synthetic import GRASS


def colour_mask(image: np.ndarray, colour, tolerance: int = 40) -> np.ndarray:
    return np.all(np.abs(image.astype(np.int16) - np.array(colour, np.int16)) <= tolerance, axis=2)


def box_problems(image: np.ndarray, boxes: np.ndarray, colour_areas: dict[tuple, float],
                 min_visible: float = 0.3, scale_max: float = 1.0, side_tolerance: float = 2.5) -> list[str]:
    """Disagreements between ``boxes`` (xyxy) and the coloured objects in ``image`` (empty when they agree).

    ``colour_areas``: each object colour and the largest area (px) an object of that colour had in the source.
    """
    problems = []
    height, width = image.shape[:2]
    covered = np.zeros((height, width), bool)
    colours = list(colour_areas)
    for box in boxes:
        x0, y0, x1, y1 = (float(v) for v in box)
        if not (0 <= x0 < x1 <= width + 1e-3 and 0 <= y0 < y1 <= height + 1e-3):
            problems.append(f"box {box} is not inside the {width}x{height} picture")
            continue
        ix0, iy0, ix1, iy1 = math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1)
        region = image[iy0:iy1, ix0:ix1]
        covered[max(iy0 - 2, 0) : iy1 + 2, max(ix0 - 2, 0) : ix1 + 2] = True
        if min(x1 - x0, y1 - y0) < 6:  # too small for colour matching after resampling: something must be there
            difference = np.abs(region.reshape(-1, 3).astype(float).mean(0) - np.array(GRASS)).max()
            if difference < 25:
                problems.append(f"small box {box} frames only grass")
            continue
        counts = [int(colour_mask(region, c).sum()) for c in colours]
        best = colours[int(np.argmax(counts))]
        if max(counts) < 0.25 * (x1 - x0) * (y1 - y0):
            problems.append(f"box {box} is mostly empty ({max(counts)} object pixels)")
            continue
        ex0, ey0 = max(ix0 - 3, 0), max(iy0 - 3, 0)
        mask = colour_mask(image[ey0 : iy1 + 3, ex0 : ix1 + 3], best)
        ys, xs = np.nonzero(mask)
        found = (xs.min() + ex0, ys.min() + ey0, xs.max() + 1 + ex0, ys.max() + 1 + ey0)
        if any(abs(a - b) > side_tolerance for a, b in zip(found, (x0, y0, x1, y1))):
            problems.append(f"box {box} but its object spans {found}")
    for colour, area in colour_areas.items():
        loose = int((colour_mask(image, colour) & ~covered).sum())
        if loose > min_visible * area * scale_max**2 * 1.2 + 12:
            problems.append(f"{loose} pixels of an object coloured {colour} have no box")
    return problems
