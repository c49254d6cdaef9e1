"""Batched slicing equals stock sahi on a real (random-weights) RF-DETR Nano and real panorama tiles."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from soccer_desktop.analysis.slicing import BatchedSlicer, is_out_of_memory, predict_in_batches, slice_boxes
from soccer_desktop.detect.rfdetr_backend import RfdetrDetector, load_rfdetr
from soccer_desktop.detect.sahi_slicing import SahiSettings
from soccer_desktop.project.store import NewBox
from tests.conftest import SHARED_DATA

FRAMES = sorted((SHARED_DATA / "soccertrack_v2_frames" / "images").glob("*.jpg"))
pytestmark = pytest.mark.skipif(not FRAMES, reason="the shared SoccerTrack frames are not here")
slow = pytest.mark.slow


@pytest.fixture(scope="module")
def nano(random_checkpoint: Path) -> RfdetrDetector:
    return load_rfdetr("nano", random_checkpoint, device="cpu")


def _crops() -> list[np.ndarray]:
    """Two real frames, cut to 576x320 around the pitch (two tiles of 320 px each) to keep the test short."""
    return [cv2.imread(str(path))[300:620, 500:1076] for path in FRAMES[:2]]


def _stock(model: object, image_bgr: np.ndarray, settings: SahiSettings, confidence: float) -> list[tuple]:
    from sahi import AutoDetectionModel
    from sahi.predict import get_sliced_prediction

    sahi_model = AutoDetectionModel.from_pretrained(model_type="roboflow", model=model,
                                                    category_mapping={0: "player", 1: "ball"},
                                                    confidence_threshold=confidence, device="cpu",
                                                    load_at_init=False)  # fmt: skip
    sahi_model.set_model(model)
    result = get_sliced_prediction(
        cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB), sahi_model, slice_height=320, slice_width=320,
        overlap_height_ratio=settings.overlap, overlap_width_ratio=settings.overlap,
        perform_standard_pred=settings.full_frame_pass, postprocess_type=settings.postprocess,
        postprocess_match_metric=settings.match_metric, postprocess_match_threshold=settings.match_threshold,
        postprocess_class_agnostic=settings.class_agnostic, verbose=0, force_postprocess_type=True,
    )  # fmt: skip
    # The random head also predicts its spare class slot; the project keeps only player and ball.
    return sorted((p.category.id, *p.bbox.to_xyxy(), p.score.value) for p in result.object_prediction_list
                  if p.category.id in (0, 1))


def _ours(boxes: list[NewBox]) -> list[tuple]:
    ids = {1: 0, 2: 1}
    return sorted((ids[int(b.class_id)], b.x, b.y, b.x + b.w, b.y + b.h, b.score) for b in boxes)


@slow
@pytest.mark.parametrize("settings, confidence", [
    (SahiSettings(), 0.3),
    (SahiSettings(postprocess="NMS", match_metric="IOU", class_agnostic=True), 0.3),
    (SahiSettings(full_frame_pass=True), 0.05),  # below 0.1: stock sahi would switch to NMS unless forced
])  # fmt: skip
def test_batched_slicing_equals_stock_sahi(nano: RfdetrDetector, settings: SahiSettings, confidence: float) -> None:
    detector = nano
    detector.confidence = confidence
    slicer = BatchedSlicer(detector, settings, batch=64)
    images = _crops()
    ours = slicer.detect_frames(images)  # both frames' tiles in one predict call
    assert len(ours) == 2
    for image, boxes in zip(images, ours, strict=True):
        expected = _stock(detector.model, image, settings, confidence)
        got = _ours(boxes)
        assert len(got) == len(expected) > 0
        got_array, expected_array = np.array(got), np.array(expected)
        assert np.array_equal(got_array[:, 0], expected_array[:, 0])
        assert np.abs(got_array[:, 1:5] - expected_array[:, 1:5]).max() <= 0.5
        assert np.abs(got_array[:, 5] - expected_array[:, 5]).max() <= 1e-4


def test_tiles_are_sahis_and_each_call_gets_at_most_the_batch() -> None:
    assert slice_boxes(900, 500, 320, 0.2) == [
        (0, 0, 320, 320), (256, 0, 576, 320), (512, 0, 832, 320), (580, 0, 900, 320),
        (0, 180, 320, 500), (256, 180, 576, 500), (512, 180, 832, 500), (580, 180, 900, 500)]  # fmt: skip
    calls: list[int] = []

    def predict(chunk: list[np.ndarray]) -> list[int]:
        calls.append(len(chunk))
        return [int(image[0, 0, 0]) for image in chunk]

    images = [np.full((2, 2, 3), i, np.uint8) for i in range(7)]
    assert predict_in_batches(predict, images, 3) == ([0, 1, 2, 3, 4, 5, 6], 3)
    assert calls == [3, 3, 1]


def test_out_of_memory_halves_the_batch_and_continues() -> None:
    calls: list[int] = []
    emptied: list[bool] = []

    def predict(chunk: list[np.ndarray]) -> list[int]:
        calls.append(len(chunk))
        if len(chunk) > 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return [int(image[0, 0, 0]) for image in chunk]

    images = [np.full((2, 2, 3), i, np.uint8) for i in range(5)]
    assert predict_in_batches(predict, images, 8, lambda: emptied.append(True)) == ([0, 1, 2, 3, 4], 2)
    assert calls == [5, 4, 2, 2, 1] and len(emptied) == 2
    with pytest.raises(RuntimeError, match="shape mismatch"):
        predict_in_batches(lambda chunk: (_ for _ in ()).throw(RuntimeError("shape mismatch")), images, 4)
    assert is_out_of_memory(RuntimeError("CUDA out of memory")) and not is_out_of_memory(RuntimeError("other"))
