"""Render an analysis into an MP4: every frame of the video with its overlays (PyAV + libx264).

The overlays are the ones the video panel shows (:mod:`.styling`), drawn with
OpenCV so this runs headless. Frames are decoded in order by the frame-accurate
reader on a thread of their own (decoding overlaps encoding), boxes are read a
block of frames at a time, so memory stays flat on a full match. The file is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from soccer_desktop.analysis import store
from soccer_desktop.analysis.export import ExportError, staged_path
from soccer_desktop.analysis.runner import decoded_batches
from soccer_desktop.analysis.styling import OverlayOptions, ball_trail, styled_boxes
from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, check_cancel, never_cancelled, no_progress
from soccer_desktop.project.store import ClassId, Project

BLOCK_FRAMES = 250
ENCODER_OPTIONS = {"preset": "veryfast", "crf": "20"}


def draw_overlay(image: np.ndarray, detections: list[store.Detection], recent_balls: list[store.Detection],
                 frame_index: int, options: OverlayOptions) -> None:  # fmt: skip
    """Draw boxes, labels and the ball trail onto a BGR frame in place."""
    for point in ball_trail(recent_balls, frame_index, options):
        x, y = int(round(point.x)), int(round(point.y))
        x0, y0 = max(0, x - 4), max(0, y - 4)
        patch = image[y0 : y + 5, x0 : x + 5]
        if patch.size:
            dot = patch.copy()
            cv2.circle(dot, (x - x0, y - y0), 3, (255, 64, 255)[::-1], -1, cv2.LINE_AA)
            cv2.addWeighted(dot, point.opacity, patch, 1 - point.opacity, 0, dst=patch)
    for box in styled_boxes(detections, options):
        colour = box.colour[::-1]  # RGB -> BGR
        top_left = (int(round(box.x)), int(round(box.y)))
        bottom_right = (int(round(box.x + box.w)), int(round(box.y + box.h)))
        if box.ghost:  # a hollow ring: a candidate the ball's trajectory rejected
            centre = (int(round(box.x + box.w / 2)), int(round(box.y + box.h / 2)))
            cv2.circle(image, centre, max(3, int(round(max(box.w, box.h) / 2)) + 2), colour, 1, cv2.LINE_AA)
            continue
        cv2.rectangle(image, top_left, bottom_right, colour, 1 if box.dashed else 2)
        if box.label:
            cv2.putText(image, box.label, (top_left[0], max(10, top_left[1] - 3)), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                        colour, 1, cv2.LINE_AA)  # fmt: skip


def render_video(project: Project, analysis_id: int, out: Path, options: OverlayOptions | None = None,
                 progress: ProgressCallback = no_progress, cancel: CancelCheck = never_cancelled) -> Path:  # fmt: skip
    """Write ``out`` (MP4, H.264) with the analysis's overlays on every frame of its video."""
    if options is None:  # the analysis's own team colours (named and recoloured teams)
        from soccer_desktop.analysis.track_store import team_styles

        options = OverlayOptions(team_colours={t: s.rgb for t, s in team_styles(project, analysis_id).items()})
    analysis = store.get_analysis(project, analysis_id)
    video = project.video(analysis.video_id)
    out = Path(out)
    count = video.frame_count
    with staged_path(out) as staging:
        try:
            container = av.open(str(staging), "w", format="mp4")
        except (av.error.FFmpegError, OSError) as error:
            raise ExportError(f"{out} cannot be written ({error}). Choose a folder you can write to.") from error
        with container:
            stream = container.add_stream("libx264", rate=Fraction(video.fps).limit_denominator(1001))
            stream.width, stream.height, stream.pix_fmt = video.width // 2 * 2, video.height // 2 * 2, "yuv420p"
            stream.options = ENCODER_OPTIONS
            by_frame: dict[int, list[store.Detection]] = {}
            balls: list[store.Detection] = []
            for [index], [image] in decoded_batches(video, range(count), 1, cancel):  # decoded on its own thread
                if index % BLOCK_FRAMES == 0:
                    check_cancel(cancel)
                    progress(Progress(index, count, f"Rendering frame {index}/{count}"))
                    by_frame, balls = _block(project, analysis_id, index, options.trail_frames)
                draw_overlay(image, by_frame.get(index, []), balls, index, options)
                image = image[: stream.height, : stream.width]
                for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        progress(Progress(count, count, f"Rendered {count} frames"))
    return out


def _block(project: Project, analysis_id: int, start: int,
           trail: int) -> tuple[dict[int, list[store.Detection]], list[store.Detection]]:  # fmt: skip
    """Boxes of frames ``start..start+BLOCK_FRAMES-1`` by frame, and balls from ``trail`` frames earlier on."""
    rows = store.detections_between(project, analysis_id, max(0, start - trail), start + BLOCK_FRAMES - 1)
    by_frame: dict[int, list[store.Detection]] = {}
    for row in rows:
        by_frame.setdefault(row.frame_index, []).append(row)
    return by_frame, [row for row in rows if row.class_id == ClassId.BALL]
