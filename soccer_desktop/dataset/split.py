"""Train/valid/test split by contiguous time blocks, so near-identical neighbours never leak.

Consecutive frames of a match are almost the same picture: a random split
per frame would put a frame in train and its twin in valid, and the valid
score would measure memory, not detection. So each video is cut into fixed
windows of video time (``block_seconds``, 10 s by default: frame ``i`` is in
block ``i // round(fps * block_seconds)``), frames without a video (imported
image folders) into runs of ``images_per_block`` files in file-name order,
and whole blocks are dealt to the splits.

Dealing is deterministic for a seed: blocks are shuffled with
``random.Random(seed)`` and each goes to the split furthest below its target
share. Blocks holding ball frames are dealt first and on their own ball-frame
counts (stratified), and the first of them goes to valid, so valid has ball
frames whenever the selection has any. When there are too few blocks to
split (fewer than :data:`MIN_BLOCKS`, or all ball frames in one block), the
block length is halved until there are enough or each block is one frame,
and a warning says so.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from soccer_desktop.dataset.common import DatasetError
from soccer_desktop.dataset.selection import ExportFrame

SPLITS = ("train", "valid", "test")
DEFAULT_BLOCK_SECONDS = 10.0
DEFAULT_IMAGES_PER_BLOCK = 10
MIN_BLOCKS = 10
FALLBACK_FPS = 25.0
NO_VIDEO = -1

#: (video id, or NO_VIDEO for frames without one; block number)
BlockKey = tuple[int, int]


@dataclass(frozen=True)
class SplitPlan:
    split_of: Mapping[int, str]
    block_of: Mapping[int, BlockKey]
    requested_block_seconds: float
    block_seconds: float
    images_per_block: int
    frames_per_block: Mapping[int, int]
    warnings: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        """The parameters a manifest records to reproduce the blocks."""
        return {
            "method": "contiguous time blocks per video",
            "requested_block_seconds": self.requested_block_seconds,
            "block_seconds": self.block_seconds,
            "images_per_block": self.images_per_block,
            "frames_per_block": {str(video): length for video, length in sorted(self.frames_per_block.items())},
        }


def check_shares(valid: float, test: float) -> None:
    if not (0.0 <= valid < 1.0 and 0.0 <= test < 1.0 and valid + test < 1.0):
        raise DatasetError(
            f"The split shares valid={valid:g} and test={test:g} leave nothing to train on. "
            "Use shares between 0 and 1 whose sum is below 1, e.g. --valid 0.2 --test 0."
        )


def _blocks(
    frames: Sequence[ExportFrame], block_seconds: float, images_per_block: int
) -> tuple[dict[int, BlockKey], dict[int, int]]:
    block_of: dict[int, BlockKey] = {}
    lengths: dict[int, int] = {}
    loose: list[ExportFrame] = []
    for item in frames:
        video, index = item.video, item.frame.frame_index
        if video is None or index is None:
            loose.append(item)
            continue
        if video.id not in lengths:
            fps = video.fps if video.fps > 0 else FALLBACK_FPS
            lengths[video.id] = max(1, round(fps * block_seconds))
        block_of[item.frame.id] = (video.id, index // lengths[video.id])
    loose.sort(key=lambda item: (item.frame.image_path, item.frame.id))
    for position, item in enumerate(loose):
        block_of[item.frame.id] = (NO_VIDEO, position // images_per_block)
    return block_of, lengths


def _neediest(shares: Mapping[str, float], placed: Mapping[str, int], total: int) -> str:
    """The split furthest below its target (ties go to the earlier of train, valid, test)."""
    return max(shares, key=lambda split: shares[split] * total - placed[split])


def plan_split(
    frames: Sequence[ExportFrame],
    valid: float = 0.2,
    test: float = 0.0,
    seed: int = 0,
    block_seconds: float = DEFAULT_BLOCK_SECONDS,
    images_per_block: int = DEFAULT_IMAGES_PER_BLOCK,
) -> SplitPlan:
    """Assign every frame to train, valid or test by whole time blocks."""
    check_shares(valid, test)
    if block_seconds <= 0 or images_per_block < 1:
        raise DatasetError(
            f"Blocks of {block_seconds:g} s / {images_per_block} images cannot be made. "
            "Use a positive block length, e.g. --block-seconds 10."
        )
    warnings: list[str] = []
    level = 0
    while True:
        seconds = block_seconds / 2**level
        per_block = max(1, images_per_block >> level)
        block_of, lengths = _blocks(frames, seconds, per_block)
        members: dict[BlockKey, list[ExportFrame]] = {}
        for item in frames:
            members.setdefault(block_of[item.frame.id], []).append(item)
        ball_keys = sorted(key for key, items in members.items() if any(i.has_ball for i in items))
        ball_frames = sum(item.has_ball for item in frames)
        enough = len(members) >= MIN_BLOCKS and (ball_frames < 2 or len(ball_keys) >= 2)
        smallest = per_block == 1 and all(length == 1 for length in lengths.values())
        if valid + test == 0 or enough or smallest:
            break
        level += 1
    if level and valid + test > 0:
        sizes = [f"{seconds:.2g} s of video"] if lengths else []
        if any(key[0] == NO_VIDEO for key in members):
            sizes.append(f"{per_block} imported images")
        warnings.append(
            f"The selection is small, so blocks were shortened to {' / '.join(sizes)} to have enough "
            "of them to split: frames on either side of a block edge may look alike. Review frames "
            "from more moments of the match for a cleaner split."
        )

    shares = {name: share for name, share in zip(SPLITS, (1.0 - valid - test, valid, test), strict=True) if share > 0}
    rng = random.Random(seed)
    other_keys = sorted(set(members) - set(ball_keys))
    rng.shuffle(ball_keys)
    rng.shuffle(other_keys)
    frames_in = dict.fromkeys(shares, 0)
    balls_in = dict.fromkeys(shares, 0)
    split_of: dict[int, str] = {}

    def place(key: BlockKey, split: str) -> None:
        for item in members[key]:
            split_of[item.frame.id] = split
            frames_in[split] += 1
            balls_in[split] += item.has_ball

    for number, key in enumerate(ball_keys):
        place(key, "valid" if number == 0 and "valid" in shares else _neediest(shares, balls_in, ball_frames))
    for key in other_keys:
        place(key, _neediest(shares, frames_in, len(frames)))
    if "valid" in shares and len(ball_keys) == 1:
        warnings.append(
            "All ball frames lie in one stretch of video; it went to valid, so train has no ball. "
            "Review ball frames from other moments of the match."
        )
    return SplitPlan(split_of, block_of, block_seconds, seconds, per_block, lengths, tuple(warnings))
