"""One synthetic match shared by the tracking tests: exact tracks, teams and roles in its ground truth."""

from __future__ import annotations

import numpy as np
import pytest

from soccer_desktop.analysis.tracking import BoxColumns
from soccer_desktop.project.store import ClassId
from soccer_desktop.video.synthetic import DemoMatch, generate_match

MATCH_SECONDS = 5.0


@pytest.fixture(scope="session")
def match(tmp_path_factory: pytest.TempPathFactory) -> DemoMatch:
    return generate_match(tmp_path_factory.mktemp("tracking-match"), seconds=MATCH_SECONDS, view="panorama", seed=3)


@pytest.fixture(scope="session")
def motion_boxes(match: DemoMatch) -> dict[ClassId, BoxColumns]:
    """Player boxes and ball candidates of motion proposals on every frame (what the weight-free analysis stores)."""
    from soccer_desktop.detect.motion import MotionDetector, background_sample_indices, median_background
    from soccer_desktop.video.reader import VideoReader

    found: dict[ClassId, tuple[list, list, list]] = {ClassId.PLAYER: ([], [], []), ClassId.BALL: ([], [], [])}
    with VideoReader(match.video) as reader:
        samples = background_sample_indices([], reader.frame_count, match.fps, 0, reader.frame_count - 1)
        detector = MotionDetector(median_background([image for _, image in reader.grab(samples)]))
        for index, image in reader.grab(range(reader.frame_count)):
            for box in detector.detect(image):
                frames, boxes, scores = found[box.class_id]
                frames.append(index)
                boxes.append((box.x, box.y, box.w, box.h))
                scores.append(box.score)
    return {c: BoxColumns.from_rows(f, np.array(b).reshape(-1, 4), s) for c, (f, b, s) in found.items()}


@pytest.fixture(scope="session")
def motion_players(motion_boxes: dict[ClassId, BoxColumns]) -> BoxColumns:
    return motion_boxes[ClassId.PLAYER]


