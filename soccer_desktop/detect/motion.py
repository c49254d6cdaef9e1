"""Motion proposals: players and ball candidates from background subtraction on a static camera.

Panoramic rigs do not move, so the empty pitch is the per-pixel median of
frames sampled a while apart: anyone running passes through. What differs
from it, minus the shadows players cast, is split into connected blobs;
tall blobs become player boxes and small, bright, roundish ones ball
candidates. It needs no weights and no GPU, which makes it the cold-start
detector; :data:`MOTION_LIMITS` says where it fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from soccer_desktop.core.jobs import (
    CancelCheck,
    Progress,
    ProgressCallback,
    check_cancel,
    never_cancelled,
    no_progress,
)
from soccer_desktop.detect.base import DetectorUnavailableError, pseudo_box
from soccer_desktop.project.store import ClassId, NewBox, Video
from soccer_desktop.video.reader import VideoReader

MOTION_LIMITS = (
    "Motion proposals only work with a fixed camera (panoramic rigs, tripods): a panning or zooming "
    "camera turns the whole picture into motion. Players who stand still for most of the sampled "
    "time (stoppages, a goalkeeper waiting) become part of the background and are missed; players "
    "who overlap come out as one box; sudden light changes (clouds, floodlights) cause false boxes, "
    "or none at all when most of the picture changed. "
    "Ball candidates are small bright round blobs: white kit parts can look like one, and a ball on "
    "a white line or at a player's feet can be missed. Review the boxes, then train RF-DETR."
)
BACKGROUND_SAMPLES = 25  # five groups of five: a median of medians is ~15x faster than np.median on 4K
MIN_SAMPLE_SPAN_S = 20.0  # samples spread over this long: every running player passes through
KEYFRAME_SPAN_S = 300.0  # when this window has enough keyframes, sample those: one decode each


@dataclass(frozen=True)
class MotionSettings:
    """Thresholds of the blob filters, in pixels of the full frame unless said otherwise."""

    threshold: int = 30  # colour change (grey levels, any channel) that counts as motion
    max_moving_share: float = 0.25  # more of the frame changed: the camera moved or the light changed
    player_height: tuple[int, int] = (12, 250)
    min_player_width: int = 4
    player_aspect: tuple[float, float] = (0.8, 6.0)  # height / width; below 1.5 is usually two players
    ball_size: tuple[int, int] = (4, 16)
    ball_aspect: tuple[float, float] = (0.75, 1.34)  # height / width of the bright core
    ball_brightness: int = 160  # darkest channel of a ball pixel
    player_score: float = 0.6
    merged_player_score: float = 0.3  # odd shapes (two players, player and ball): worth a look
    ball_score: float = 0.5
    ball_on_player_score: float = 0.25  # a candidate inside a player box is often kit, not the ball


def background_sample_indices(keyframes: Sequence[int], frame_count: int, fps: float, first: int,
                              last: int) -> list[int]:  # fmt: skip
    """Which frames to learn the background of frames ``first..last`` from.

    Keyframes decode on their own, so when a few minutes around the frames hold enough of
    them they are used; otherwise frames spread over at least 20 s are decoded exactly.
    """
    if frame_count < BACKGROUND_SAMPLES:
        raise DetectorUnavailableError(
            f"The video has only {frame_count} frames; motion proposals need at least "
            f"{BACKGROUND_SAMPLES} to learn the empty pitch. Use RF-DETR for this video."
        )
    low, high = _window(first, last, round(KEYFRAME_SPAN_S * fps), frame_count)
    nearby = [k for k in keyframes if low <= k <= high]
    if len(nearby) >= BACKGROUND_SAMPLES:
        picks = np.round(np.linspace(0, len(nearby) - 1, BACKGROUND_SAMPLES)).astype(int)
        return [nearby[i] for i in picks]
    low, high = _window(first, last, round(MIN_SAMPLE_SPAN_S * fps), frame_count)
    return [int(i) for i in np.round(np.linspace(low, high, BACKGROUND_SAMPLES))]


def _window(first: int, last: int, length: int, frame_count: int) -> tuple[int, int]:
    """``first..last`` widened around its middle to ``length`` frames, kept inside the video."""
    length = min(max(length, last - first + 1, BACKGROUND_SAMPLES), frame_count)
    low = max(0, min((first + last + 1 - length) // 2, frame_count - length))
    return low, low + length - 1


def median_background(images: Sequence[np.ndarray]) -> np.ndarray:
    """Median of medians of 25 frames: robust to players passing through, and fast (min/max only)."""
    if len(images) != BACKGROUND_SAMPLES:
        raise ValueError(f"need exactly {BACKGROUND_SAMPLES} frames, got {len(images)}")
    shape = images[0].shape
    flat = [image.reshape(shape[0], -1) for image in images]  # cv2 min/max want at most 4 channels
    groups = [_median5(*flat[g::5]) for g in range(5)]  # each group spans the whole time window
    return _median5(*groups).reshape(shape)


def _median5(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray, e: np.ndarray) -> np.ndarray:
    low = cv2.max(cv2.min(a, b), cv2.min(c, d))
    high = cv2.min(cv2.max(a, b), cv2.max(c, d))
    return cv2.max(cv2.min(e, low), cv2.min(cv2.max(e, low), high))


class MotionProposals:
    """Factory of :class:`MotionDetector` s: learns the background of each group of frames."""

    name = "motion"
    needs_video = True

    def __init__(self, settings: MotionSettings | None = None, index_cache: Path | None = None) -> None:
        """``index_cache``: the project's frame-index folder; the video is then demuxed at most once, ever."""
        self.settings = settings or MotionSettings()
        self.index_cache = index_cache

    @property
    def fingerprint(self) -> str:
        return f"{self.name}|{self.settings!r}"

    def for_frames(
        self,
        video: Video | None,
        frame_indices: Sequence[int],
        progress: ProgressCallback = no_progress,
        cancel: CancelCheck = never_cancelled,
    ) -> MotionDetector:
        if video is None:
            raise DetectorUnavailableError(
                "Motion proposals need the video a frame comes from; imported images have none. "
                "Use RF-DETR for them."
            )
        # The frame index comes from memory or the project, so each group decodes only its 25 samples.
        with VideoReader(video.path, index_cache=self.index_cache) as grabber:
            samples = background_sample_indices(
                grabber.keyframes, grabber.frame_count, video.fps, min(frame_indices), max(frame_indices)
            )
            images = []
            for index, image in grabber.grab(samples):
                check_cancel(cancel)
                images.append(image)
                progress(Progress(len(images), len(samples), f"learning the empty pitch from frame {index}"))
        return MotionDetector(median_background(images), self.settings)


class MotionDetector:
    """Detects on frames of one static view, given its empty-pitch background (BGR)."""

    name = "motion"

    def __init__(self, background: np.ndarray, settings: MotionSettings | None = None) -> None:
        self.background = background
        self.settings = settings or MotionSettings()

    def detect(self, image_bgr: np.ndarray, cancel: CancelCheck = never_cancelled) -> list[NewBox]:
        if image_bgr.shape != self.background.shape:
            raise DetectorUnavailableError(
                f"A frame of {image_bgr.shape[1]}x{image_bgr.shape[0]} does not match its video "
                f"({self.background.shape[1]}x{self.background.shape[0]}). Extract the frames again."
            )
        moving, bright = self._masks(image_bgr)
        if np.count_nonzero(moving) > self.settings.max_moving_share * moving.size:
            return []  # hundreds of false boxes would cost the reviewer more than none
        height, width = image_bgr.shape[:2]
        players = self._players(moving, width, height)
        return players + self._balls(bright, players, width, height)

    def _masks(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Moving pixels without cast shadows, and the bright ones among them."""
        diff = cv2.absdiff(image, self.background)
        change = cv2.max(cv2.max(diff[..., 0], diff[..., 1]), diff[..., 2])
        moving = (change > self.settings.threshold).astype(np.uint8)
        rows, cols = np.nonzero(moving)
        pixels = image[rows, cols].astype(np.float32)
        ratio = (pixels + 1.0) / (self.background[rows, cols].astype(np.float32) + 1.0)
        low, high = ratio.min(axis=1), ratio.max(axis=1)
        shadow = (high < 0.95) & (low > 0.4) & (high - low < 0.15)  # darker, same hue: grass in shade
        moving[rows[shadow], cols[shadow]] = 0
        bright = np.zeros_like(moving)
        keep = ~shadow & (pixels.min(axis=1) >= self.settings.ball_brightness)
        bright[rows[keep], cols[keep]] = 1
        return moving, bright

    def _players(self, moving: np.ndarray, width: int, height: int) -> list[NewBox]:
        s = self.settings
        closed = cv2.morphologyEx(moving, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 5)))
        boxes = []
        for x, y, w, h, area in _components(closed):
            if not s.player_height[0] <= h <= s.player_height[1] or w < s.min_player_width:
                continue
            aspect = h / w
            if not s.player_aspect[0] <= aspect <= s.player_aspect[1] or area < 0.25 * w * h:
                continue
            score = s.player_score if 1.5 <= aspect <= 4.5 else s.merged_player_score
            box = pseudo_box(ClassId.PLAYER, x, y, x + w, y + h, score, self.name, width, height)
            if box is not None:
                boxes.append(box)
        return boxes

    def _balls(self, bright: np.ndarray, players: list[NewBox], width: int, height: int) -> list[NewBox]:
        s = self.settings
        boxes = []
        for x, y, w, h, area in _components(bright):
            if not (s.ball_size[0] <= w <= s.ball_size[1] and s.ball_size[0] <= h <= s.ball_size[1]):
                continue
            if not s.ball_aspect[0] <= h / w <= s.ball_aspect[1] or area < 0.45 * w * h:
                continue
            cx, cy = x + w / 2, y + h / 2
            on_player = any(p.x <= cx <= p.x + p.w and p.y <= cy <= p.y + p.h for p in players)
            score = s.ball_on_player_score if on_player else s.ball_score
            box = pseudo_box(ClassId.BALL, x, y, x + w, y + h, score, self.name, width, height)
            if box is not None:
                boxes.append(box)
        return boxes


def _components(mask: np.ndarray) -> np.ndarray:
    """``x, y, w, h, area`` of each 8-connected blob (background excluded)."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return stats[1:]
