"""Benchmark: our batched slicing against stock ``sahi.predict.get_sliced_prediction``, same model and frames.

Run as a script: ``python tests/bench/bench_sliced_inference.py [--frames N] [--resolution R] [--crop WxH]
[--batch B] [--device cpu|cuda] [--weights CKPT]``.

Without ``--weights`` the model is a random RF-DETR Nano (weights cannot be downloaded here) saved with
player/ball classes; frames are the shared SoccerTrack panoramas (``shared/data/soccertrack_v2_frames``),
cropped with ``--crop`` to keep a CPU run short. Both sides run each frame twice and keep the faster run;
the detections must match (boxes within 0.5 px, scores within 1e-4). Targets: ratio >= 1.0x on the CPU,
>= 1.5x on a GPU; on a GPU also frames/s of our slicing on full 3840x1080 frames (target >= 25).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SOCCER_DESKTOP_HOME", tempfile.mkdtemp(prefix="bench-slicing-"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "soccertrack_v2_frames" / "images"


def stock_boxes(detector: object, image: np.ndarray) -> list[tuple]:
    """Stock sahi through the app's own wrapper (one predict per tile), without its silent NMS switch."""
    from soccer_desktop.detect.sahi_slicing import SlicedDetector

    sliced = SlicedDetector(detector)  # type: ignore[arg-type]
    from sahi.predict import get_sliced_prediction

    s = sliced.settings
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    result = get_sliced_prediction(rgb, sliced._model, slice_height=sliced.slice_size, slice_width=sliced.slice_size,
                                   overlap_height_ratio=s.overlap, overlap_width_ratio=s.overlap,
                                   perform_standard_pred=False, postprocess_type=s.postprocess,
                                   postprocess_match_metric=s.match_metric,
                                   postprocess_match_threshold=s.match_threshold, verbose=0,
                                   force_postprocess_type=True)  # fmt: skip
    height, width = image.shape[:2]
    boxes = detector.boxes([(p.bbox.to_xyxy(), int(p.category.id), float(p.score.value))  # type: ignore[attr-defined]
                            for p in result.object_prediction_list], width, height)  # fmt: skip
    return sorted((int(b.class_id), b.x, b.y, b.w, b.h, b.score) for b in boxes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=2)
    parser.add_argument("--resolution", type=int, default=384)
    parser.add_argument("--crop", default="1536x768", help="WxH from the frame centre; 'full' for the whole frame")
    parser.add_argument("--batch", type=int, default=None, help="tiles per call (default: automatic)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--weights", type=Path)
    args = parser.parse_args()

    from soccer_desktop.analysis.slicing import BatchedSlicer, slice_boxes
    from soccer_desktop.detect.rfdetr_backend import load_rfdetr
    from soccer_desktop.detect.sahi_slicing import SahiSettings
    from tests.analysis.conftest import save_random_nano

    weights = args.weights or save_random_nano(Path(tempfile.mkdtemp()) / "nano.pth", args.resolution, queries=100)
    detector = load_rfdetr("nano", weights, confidence=0.3, device=args.device)
    images = []
    for path in sorted(SHARED.glob("*.jpg"))[: args.frames]:
        image = cv2.imread(str(path))
        if args.crop != "full":
            w, h = (int(v) for v in args.crop.split("x"))
            y0, x0 = max(0, (image.shape[0] - h) // 2), max(0, (image.shape[1] - w) // 2)
            image = image[y0 : y0 + h, x0 : x0 + w]
        images.append(image)
    if not images:
        sys.exit(f"No frames in {SHARED}")
    slicer = BatchedSlicer(detector, SahiSettings(), args.batch)
    tiles = len(slice_boxes(images[0].shape[1], images[0].shape[0], slicer.slice_size, 0.2))
    print(f"{len(images)} frames of {images[0].shape[1]}x{images[0].shape[0]}, {tiles} tiles of {slicer.slice_size} px "
          f"each, {slicer.batch} tiles per call, device {detector.device.device}")  # fmt: skip

    def timed(run: object) -> tuple[float, object]:
        best, result = float("inf"), None
        for _ in range(2):
            started = time.perf_counter()
            result = run()  # type: ignore[operator]
            best = min(best, time.perf_counter() - started)
        return best, result

    stock_s, stock = timed(lambda: [stock_boxes(detector, image) for image in images])
    ours_s, ours = timed(lambda: slicer.detect_frames(images))
    ours_sorted = [sorted((int(b.class_id), b.x, b.y, b.w, b.h, b.score) for b in boxes) for boxes in ours]  # type: ignore[union-attr]
    equal = all(len(a) == len(b) and (not a or (np.abs(np.array(a)[:, 1:5] - np.array(b)[:, 1:5]).max() <= 0.5
                                                and np.abs(np.array(a)[:, 5] - np.array(b)[:, 5]).max() <= 1e-4))
                for a, b in zip(stock, ours_sorted, strict=True))  # type: ignore[arg-type]
    count = sum(len(a) for a in stock)  # type: ignore[union-attr]
    print(f"stock sahi: {len(images) / stock_s:.2f} frames/s; batched: {len(images) / ours_s:.2f} frames/s; "
          f"ratio {stock_s / ours_s:.2f}x; detections equal: {equal} ({count} boxes)")  # fmt: skip


if __name__ == "__main__":
    main()
