"""A synthetic soccer match: a demo clip whose every box and event is known exactly.

It lets a new user try the whole find / correct / train workflow without real
footage, and lets tests check detectors and importers against pixel-exact
ground truth. The camera is static (a fixed panoramic rig or a closer fixed
view), players and ball are drawn as small sprites over a pre-rendered pitch,
and each sprite's box is measured from the very pixels it covers.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
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
from soccer_desktop.video.synthetic_drawing import (
    CAMERAS,
    PLAYER_HEIGHT_M,
    Camera,
    Look,
    Placement,
    ball_sprite,
    composite,
    people_looks,
    player_sprite,
    render_background,
    shadow,
)
from soccer_desktop.video.synthetic_play import PEOPLE, Event, Match, person_role, person_team

VIEWS: dict[str, tuple[int, int]] = {"panorama": (3840, 1080), "broadcast": (1920, 1080)}

PLAYER_CATEGORY = 1
BALL_CATEGORY = 2
BALL_TRACK_ID = 0


@dataclass(frozen=True)
class DemoMatch:
    """Where a generated match was written and what its video looks like."""

    video: Path
    ground_truth: Path
    events: Path
    width: int
    height: int
    fps: float
    frame_count: int


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class _Box:
    track_id: int
    category_id: int
    bbox: tuple[float, float, float, float]
    occluded: bool


class _Renderer:
    """Draws one frame of the match and measures every object's box from the pixels it painted.

    Objects are painted far to near, each stamping its label into ``_painter``
    where it is solid, so what is left of an object's label afterwards is
    exactly the part of it that stays visible.
    """

    def __init__(self, camera: Camera, looks: list[Look], background: np.ndarray) -> None:
        self._camera = camera
        self._looks = looks
        self._background = background
        self._painter = np.zeros(background.shape[:2], np.int16)
        self._previous_ball: np.ndarray | None = None

    def render(self, match: Match, frame: np.ndarray) -> list[_Box]:
        camera = self._camera
        np.copyto(frame, self._background)
        self._painter.fill(0)
        feet = camera.project(match.pos)
        heights = camera.player_height(feet[:, 1])
        ball_ground = camera.project(match.ball)[0]
        ball_height = float(camera.player_height(ball_ground[1]))
        # Bigger than to scale so the ball stays 5-15 px; a little bigger still when high in the air.
        diameter = float(np.clip(0.22 * ball_height, 5.5, 12.4)) * (1.0 + 0.02 * min(match.ball_z, 10.0))
        centre = ball_ground - np.array([0.0, diameter / 2 + match.ball_z * ball_height / PLAYER_HEIGHT_M])
        previous = centre if self._previous_ball is None else self._previous_ball
        self._previous_ball = centre
        visible = [k for k in range(PEOPLE) if self._may_show(feet[k], heights[k])]
        for k in visible:
            h = float(heights[k])
            shadow(frame, feet[k] + np.array([0.12 * h, 0.0]), (0.3 * h, 0.06 * h), 0.3)
        shadow(frame, ball_ground, (0.55 * diameter, 0.22 * diameter), 0.35 / (1.0 + 0.15 * match.ball_z))
        ball_label = PEOPLE + 1
        painted: list[tuple[int, Placement, np.ndarray, _Box]] = []
        for k in sorted([*visible, PEOPLE], key=lambda k: ball_ground[1] if k == PEOPLE else feet[k, 1]):
            if k == PEOPLE:
                canvas, disc = ball_sprite(centre, previous, diameter, match.ball_spin)
                placement = composite(frame, canvas)
                box = self._disc_box(centre, diameter)
                if placement is None or box is None:
                    continue
                solid = disc[placement[1]] >= 0.5
                painted.append((ball_label, placement, solid, box))
            else:
                stride = min(1.0, float(np.hypot(*match.vel[k])) / 5.5)
                canvas = player_sprite(
                    self._looks[k], feet[k], float(heights[k]), float(match.facing[k]), stride, float(match.phase[k])
                )
                placement = composite(frame, canvas)
                if placement is None:
                    continue
                alpha = canvas.alpha[placement[1]]
                box = self._coverage_box(alpha, placement[0], k + 1)
                if box is None:
                    continue
                solid = alpha >= 128
                painted.append((k + 1, placement, solid, box))
            self._painter[placement[0]][solid] = painted[-1][0]
        return [self._with_occlusion(label, placement, solid, box) for label, placement, solid, box in painted]

    def _may_show(self, foot: np.ndarray, height: float) -> bool:
        x, y = float(foot[0]), float(foot[1])
        camera = self._camera
        return -0.5 * height < x < camera.width + 0.5 * height and -8.0 < y < camera.height + 1.1 * height

    def _disc_box(self, centre: np.ndarray, diameter: float) -> _Box | None:
        r = diameter / 2
        x0, y0 = max(float(centre[0]) - r, 0.0), max(float(centre[1]) - r, 0.0)
        x1 = min(float(centre[0]) + r, float(self._camera.width))
        y1 = min(float(centre[1]) + r, float(self._camera.height))
        if x1 - x0 < 1.0 or y1 - y0 < 1.0:
            return None
        return _Box(BALL_TRACK_ID, BALL_CATEGORY, (x0, y0, x1 - x0, y1 - y0), occluded=False)

    @staticmethod
    def _coverage_box(alpha: np.ndarray, in_frame: tuple[slice, slice], track_id: int) -> _Box | None:
        """The tight box of the pixels a sprite covers at least a quarter (fainter anti-aliasing is not 'drawn')."""
        covered = alpha >= 64
        rows, cols = np.flatnonzero(covered.any(axis=1)), np.flatnonzero(covered.any(axis=0))
        if rows.size == 0:
            return None
        x0, y0 = in_frame[1].start + int(cols[0]), in_frame[0].start + int(rows[0])
        w, h = int(cols[-1] - cols[0]) + 1, int(rows[-1] - rows[0]) + 1
        return _Box(track_id, PLAYER_CATEGORY, (float(x0), float(y0), float(w), float(h)), occluded=False)

    def _with_occlusion(self, label: int, placement: Placement, solid: np.ndarray, box: _Box) -> _Box:
        total = int(np.count_nonzero(solid))
        shown = int(np.count_nonzero(self._painter[placement[0]][solid] == label))
        return _Box(box.track_id, box.category_id, box.bbox, occluded=total > 0 and shown < 0.5 * total)


# --------------------------------------------------------------------------- files


def _temporary_path(final: Path) -> Path:
    """A unique hidden name next to ``final``, so the finished file can be moved into place atomically."""
    return final.with_name(f".{final.name}.{os.getpid()}.{secrets.token_hex(4)}.part")


def _video_codec() -> str:
    """H.264 where this FFmpeg build has it; MPEG-4 Part 2 is in every build."""
    return "libx264" if "libx264" in av.codecs_available else "mpeg4"


def _add_video_stream(container: Any, width: int, height: int, fps: int) -> Any:
    codec = _video_codec()
    stream = container.add_stream(codec, rate=fps)
    stream.width, stream.height = width, height
    stream.pix_fmt = "yuv420p"
    stream.time_base = Fraction(1, fps)
    if codec == "libx264":
        stream.options = {"crf": "23", "preset": "veryfast"}
    else:
        stream.bit_rate = int(0.12 * width * height * fps)
    # cv2's BGR -> I420 is limited-range BT.601; say so, so players do not guess BT.709 for HD.
    context = stream.codec_context
    context.colorspace, context.color_range, context.color_primaries, context.color_trc = 6, 1, 6, 6
    return stream


def _game_time(position_ms: int) -> str:
    seconds = position_ms // 1000
    return f"1 - {seconds // 60:02d}:{seconds % 60:02d}"


def _events_document(events: list[Event], fps: int) -> dict[str, Any]:
    annotations = []
    for event in events:
        position = round(event.frame_index * 1000 / fps)
        annotations.append(
            {
                "gameTime": _game_time(position),
                "label": event.label,
                "position": str(position),
                "team": event.team,
                "visibility": "visible",
            }
        )
    return {"UrlLocal": "", "annotations": annotations}


def generate_match(
    out_dir: Path,
    seconds: float = 20.0,
    fps: int = 25,
    view: str = "panorama",
    seed: int = 0,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> DemoMatch:
    """Render a synthetic match into ``out_dir``: match.mp4, its COCO boxes and its events.

    Track ids: ball 0, left team 1-11 (1 is the keeper), right team 12-22 (12
    is the keeper), referee 23. Every box also carries ``team`` (0 left, 1
    right, null for the referee and the ball) and ``role`` (``player``,
    ``goalkeeper``, ``referee``; ``ball`` for the ball). A box is "occluded" when more than half of what
    was drawn of it is hidden behind someone nearer the camera. Everything is
    written under temporary names and renamed at the very end, so a cancelled
    or failed run leaves ``out_dir`` as it was.
    """
    if view not in VIEWS:
        raise ValueError(f"Unknown view {view!r}; choose one of: {', '.join(VIEWS)}.")
    if not seconds > 0:
        raise ValueError(f"seconds must be greater than 0, got {seconds!r}.")
    if not isinstance(fps, int) or fps <= 0:
        raise ValueError(f"fps must be a whole number of frames per second above 0, got {fps!r}.")
    width, height = VIEWS[view]
    frame_count = max(1, round(seconds * fps))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    background_rng, look_rng, play_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    camera = Camera(CAMERAS[view], width, height)
    renderer = _Renderer(camera, people_looks(look_rng), render_background(camera, background_rng))
    match = Match(play_rng, fps, frame_count / fps)
    result = DemoMatch(
        video=out_dir / "match.mp4",
        ground_truth=out_dir / "ground_truth.coco.json",
        events=out_dir / "events.json",
        width=width,
        height=height,
        fps=float(fps),
        frame_count=frame_count,
    )
    finals = (result.video, result.ground_truth, result.events)
    temporaries = [_temporary_path(final) for final in finals]
    try:
        images, annotations = _render_video(temporaries[0], match, renderer, result, progress, cancel)
        coco = {
            "info": {"description": "Soccer Desktop synthetic match", "seed": seed, "fps": fps, "view": view},
            "images": images,
            "annotations": annotations,
            "categories": [{"id": PLAYER_CATEGORY, "name": "player"}, {"id": BALL_CATEGORY, "name": "ball"}],
        }
        temporaries[1].write_text(json.dumps(coco, separators=(",", ":")), encoding="utf-8")
        temporaries[2].write_text(json.dumps(_events_document(match.events, fps), indent=2), encoding="utf-8")
        for temporary, final in zip(temporaries, finals, strict=True):
            os.replace(temporary, final)
    except BaseException:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        raise
    return result


def _identity(box: _Box) -> dict[str, Any]:
    """Team (0 left, 1 right, None for the referee and the ball) and role of a box, beside its track id."""
    if box.category_id == BALL_CATEGORY:
        return {"team": None, "role": "ball"}
    person = box.track_id - 1
    return {"team": person_team(person), "role": person_role(person)}


def _render_video(
    path: Path, match: Match, renderer: _Renderer, clip: DemoMatch, progress: ProgressCallback, cancel: CancelCheck
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Simulate, draw and encode every frame; returns the COCO images and annotations on the way."""
    images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    width, height, fps, frame_count = clip.width, clip.height, int(clip.fps), clip.frame_count
    time_base = Fraction(1, fps)
    frame = np.empty((height, width, 3), np.uint8)
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = _add_video_stream(container, width, height, fps)
        for index in range(frame_count):
            check_cancel(cancel)
            match.step(index)
            boxes = renderer.render(match, frame)
            images.append(
                {
                    "id": index + 1,
                    "file_name": f"match.mp4#frame={index}",
                    "width": width,
                    "height": height,
                    "frame_index": index,
                }
            )
            for box in boxes:
                x, y, w, h = (round(v, 2) for v in box.bbox)
                annotations.append(
                    {
                        "id": len(annotations) + 1,
                        "image_id": index + 1,
                        "category_id": box.category_id,
                        "bbox": [x, y, w, h],
                        "area": round(w * h, 2),
                        "iscrowd": 0,
                        "track_id": box.track_id,
                        **_identity(box),
                        "occluded": box.occluded,
                    }
                )
            yuv = np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420), dtype=np.uint8)  # 20x faster than swscale
            video_frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
            video_frame.pts = index
            video_frame.time_base = time_base
            container.mux(stream.encode(video_frame))
            progress(Progress(index + 1, frame_count, "Rendering frames"))
        container.mux(stream.encode(None))
    return images, annotations
