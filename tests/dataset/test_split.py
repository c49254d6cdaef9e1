"""The time-block split on its own: whole blocks per split, file-order blocks for loose images, determinism."""

from __future__ import annotations

from collections import defaultdict

import pytest

from soccer_desktop.dataset.selection import ExportBox, ExportFrame
from soccer_desktop.dataset.split import NO_VIDEO, plan_split
from soccer_desktop.project.store import ClassId, Frame, Video

BALL = ExportBox(1, ClassId.BALL, 1.0, 1.0, 3.0, 3.0, None, "manual", None)


def _video(video_id: int, fps: float = 25.0) -> Video:
    return Video(video_id, f"/videos/m{video_id}.mp4", 1, 0.0, 64, 48, fps, 100_000, "h264")


def _frames() -> list[ExportFrame]:
    frames: list[ExportFrame] = []
    for video_id, fps in ((1, 25.0), (2, 50.0)):
        video = _video(video_id, fps)
        for index in range(0, 30_000, 37):
            frame = Frame(len(frames) + 1, video_id, index, index / fps, f"v{video_id}/{index}.jpg", 64, 48, True)
            ball = index % 1000 < 37
            frames.append(ExportFrame(frame, video, (BALL,) if ball else (), ball))
    for number in range(95):
        frame = Frame(len(frames) + 1, None, None, None, f"imported/x/{number:03d}.jpg", 64, 48, True)
        frames.append(ExportFrame(frame, None, (), False))
    return frames


@pytest.mark.parametrize("seed", range(5))
def test_every_block_lies_in_one_split(seed: int) -> None:
    frames = _frames()
    plan = plan_split(frames, valid=0.2, test=0.1, seed=seed)
    assert plan.frames_per_block == {1: 250, 2: 500} and plan.images_per_block == 10 and not plan.warnings
    splits_of_block: dict[tuple[int, int], set[str]] = defaultdict(set)
    for item in frames:
        splits_of_block[plan.block_of[item.frame.id]].add(plan.split_of[item.frame.id])
    assert all(len(splits) == 1 for splits in splits_of_block.values())
    sizes = {split: sum(s == split for s in plan.split_of.values()) for split in ("train", "valid", "test")}
    assert abs(sizes["valid"] / len(frames) - 0.2) < 0.03 and abs(sizes["test"] / len(frames) - 0.1) < 0.03
    for split in ("valid", "test"):
        assert any(plan.split_of[i.frame.id] == split for i in frames if i.has_ball)


def test_loose_images_are_blocked_in_file_order() -> None:
    frames = [item for item in _frames() if item.video is None]
    plan = plan_split(list(reversed(frames)))
    blocks = [plan.block_of[item.frame.id] for item in frames]  # frames are in file order
    assert blocks == [(NO_VIDEO, number // 10) for number in range(95)]


def test_same_seed_same_split() -> None:
    frames = _frames()
    assert plan_split(frames, seed=3).split_of == plan_split(list(reversed(frames)), seed=3).split_of
    assert plan_split(frames, seed=3).split_of != plan_split(frames, seed=4).split_of
