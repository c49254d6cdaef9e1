"""SAHI slicing with a stand-in predictor at the seam: tile boxes land in frame coordinates, frames go in as RGB."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import supervision as sv

from soccer_desktop.core.jobs import JobCancelled
from soccer_desktop.detect.base import DetectorUnavailableError
from soccer_desktop.detect.rfdetr_backend import RfdetrDetector
from soccer_desktop.detect.sahi_slicing import SahiSettings, SlicedDetector
from soccer_desktop.project.store import BoxSource, ClassId

RESOLUTION = 256


class SquareFinder:
    """Stands in for an RF-DETR model: reports each red square of the image it is given, in its pixels."""

    size = "rfdetr-nano"
    class_names = ["player", "ball"]
    model = SimpleNamespace(args=SimpleNamespace(num_classes=2))
    model_config = SimpleNamespace(resolution=RESOLUTION)

    def __init__(self) -> None:
        self.shapes: list[tuple[int, ...]] = []

    def predict(self, image: np.ndarray, threshold: float = 0.5) -> sv.Detections:
        self.shapes.append(image.shape)
        red = (image[..., 0] > 200) & (image[..., 2] < 50)  # red only when the channels are RGB
        ys, xs = np.nonzero(red)
        if xs.size == 0:
            return sv.Detections.empty()
        return sv.Detections(
            xyxy=np.array([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], float),
            confidence=np.array([0.8]),
            class_id=np.array([1]),
        )


def _frame(square: tuple[int, int, int, int]) -> np.ndarray:
    image = np.full((384, 640, 3), (40, 120, 40), np.uint8)
    x, y, w, h = square
    image[y : y + h, x : x + w] = (0, 0, 255)  # BGR red
    return image


@pytest.mark.parametrize("square", [(300, 150, 12, 12), (200, 190, 10, 10), (620, 370, 12, 10)])
def test_tile_boxes_land_in_frame_coordinates(square: tuple[int, int, int, int]) -> None:
    finder = SquareFinder()
    detector = SlicedDetector(RfdetrDetector(finder, "nano"))
    boxes = detector.detect(_frame(square))
    assert len(boxes) == 1
    box = boxes[0]
    assert (box.class_id, box.source, box.detector) == (ClassId.BALL, BoxSource.PSEUDO, "rfdetr-nano+sahi")
    assert (box.x, box.y, box.w, box.h) == pytest.approx(square, abs=0.01)
    assert box.score == pytest.approx(0.8)
    # Tiles are the model's resolution, so nothing is shrunk; the square sits in more than one of them.
    assert set(finder.shapes) == {(RESOLUTION, RESOLUTION, 3)} and len(finder.shapes) == 6


def test_options_full_frame_pass_and_slice_size() -> None:
    finder = SquareFinder()
    detector = SlicedDetector(RfdetrDetector(finder, "nano"), SahiSettings(slice_size=320, full_frame_pass=True))
    assert len(detector.detect(_frame((100, 100, 8, 8)))) == 1
    assert finder.shapes.count((320, 320, 3)) == 6 and finder.shapes[-1] == (384, 640, 3)
    assert "slice=320" in detector.fingerprint and detector.name == "rfdetr-nano+sahi"


def test_cancel_is_checked_between_slices() -> None:
    finder = SquareFinder()
    detector = SlicedDetector(RfdetrDetector(finder, "nano"))
    with pytest.raises(JobCancelled):
        detector.detect(_frame((1, 1, 5, 5)), cancel=lambda: len(finder.shapes) >= 2)
    assert len(finder.shapes) == 2


@pytest.mark.parametrize(
    "settings",
    [SahiSettings(overlap=1.0), SahiSettings(slice_size=8), SahiSettings(postprocess="MAGIC"),
     SahiSettings(match_metric="DICE"), SahiSettings(match_threshold=0)],
)  # fmt: skip
def test_bad_settings_name_the_fix(settings: SahiSettings) -> None:
    with pytest.raises(DetectorUnavailableError, match="use|choose"):
        settings.validate()


def test_whole_frame_detection_is_rgb_and_maps_classes() -> None:
    finder = SquareFinder()
    boxes = RfdetrDetector(finder, "small", confidence=0.2).detect(_frame((30, 40, 6, 6)))
    found = [(b.class_id, b.x, b.y, b.w, b.h, b.detector) for b in boxes]
    assert found == [(ClassId.BALL, 30, 40, 6, 6, "rfdetr-small")]
