"""Exports of an analysis: CSV, JSON, MOT text files, and an MP4 with the overlays drawn in.

Every file is written under a temporary name beside its target and renamed
when complete, so a cancelled or failed export never leaves half a file under
the real name. ``track_id`` and ``team`` stay empty until tracking fills them.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from soccer_desktop.analysis import store
from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, check_cancel, never_cancelled, no_progress
from soccer_desktop.project.store import ClassId, Project

CSV_COLUMNS = ("frame", "time_s", "class", "x", "y", "w", "h", "score", "track_id", "team", "flags")
FORMATS = ("csv", "json", "mot", "video")
_CHECK_EVERY = 5000  # boxes between cancel checks and progress reports


class ExportError(UserError):
    """An export that cannot be written; the message says why and what to do."""


@contextmanager
def staged_path(target: Path, folder: bool = False) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it only if the block finishes."""
    target = Path(target).expanduser().resolve()
    if not target.parent.is_dir():
        raise ExportError(f"The folder {target.parent} does not exist. Create it or choose another place.")
    staging = target.with_name(f".{target.name}.partial")
    _remove(staging)
    if folder:
        staging.mkdir()
    try:
        yield staging
    except BaseException:
        _remove(staging)
        raise
    _remove(target)
    os.replace(staging, target)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _rows(project: Project, analysis_id: int, progress: ProgressCallback,
          cancel: CancelCheck) -> Iterator[store.Detection]:  # fmt: skip
    total = store.detection_count(project, analysis_id)
    for done, detection in enumerate(store.iter_detections(project, analysis_id)):
        if done % _CHECK_EVERY == 0:
            check_cancel(cancel)
            progress(Progress(done, total, f"Exporting box {done}/{total}"))
        yield detection
    progress(Progress(total, total, "Export written"))


def _record(detection: store.Detection, fps: float) -> dict[str, Any]:
    return {
        "frame": detection.frame_index,
        "time_s": round(detection.frame_index / fps, 6) if fps else None,
        "class": ClassId(detection.class_id).label,
        "x": detection.x, "y": detection.y, "w": detection.w, "h": detection.h,
        "score": detection.score, "track_id": detection.track_id, "team": detection.team, "flags": detection.flags,
    }  # fmt: skip


def export_csv(project: Project, analysis_id: int, out: Path, progress: ProgressCallback = no_progress,
               cancel: CancelCheck = never_cancelled) -> Path:  # fmt: skip
    """One row per box: frame, time, class, box (x, y, w, h in pixels), score, track id, team, flags."""
    analysis = store.get_analysis(project, analysis_id)
    fps = project.video(analysis.video_id).fps
    with staged_path(out) as staging, staging.open("w", newline="") as file:
        writer = csv.DictWriter(file, CSV_COLUMNS)
        writer.writeheader()
        for detection in _rows(project, analysis_id, progress, cancel):
            writer.writerow({k: "" if v is None else v for k, v in _record(detection, fps).items()})
    return Path(out)


def export_json(project: Project, analysis_id: int, out: Path, progress: ProgressCallback = no_progress,
                cancel: CancelCheck = never_cancelled) -> Path:  # fmt: skip
    """The analysis, its video and its boxes; boxes streamed one per line (a match has millions)."""
    analysis = store.get_analysis(project, analysis_id)
    video = project.video(analysis.video_id)
    header = {
        "analysis": {"id": analysis.id, "name": analysis.name, "detector": analysis.detector,
                     "settings": analysis.settings, "status": analysis.status},
        "video": {"path": video.path, "width": video.width, "height": video.height, "fps": video.fps,
                  "frame_count": video.frame_count},
        **_tracking_header(project, analysis_id),
    }  # fmt: skip
    with staged_path(out) as staging, staging.open("w") as file:
        file.write(json.dumps(header)[:-1] + ', "detections": [\n')
        first = True
        for detection in _rows(project, analysis_id, progress, cancel):
            file.write(("" if first else ",\n") + json.dumps(_record(detection, video.fps)))
            first = False
        file.write("\n]}\n")
    return Path(out)


def _tracking_header(project: Project, analysis_id: int) -> dict[str, Any]:
    """Team names and colours and the tracking settings, once the analysis was tracked (flags: 1 ghost, 2 filled)."""
    from soccer_desktop.analysis.track_store import team_styles, tracking_record

    record = tracking_record(project, analysis_id)
    if record is None:
        return {}
    teams = {str(t): {"name": s.name, "colour": s.colour} for t, s in team_styles(project, analysis_id).items()}
    return {"tracking": {"settings": record.settings, "teams": teams,
                         "flags": {"1": "ghost ball", "2": "interpolated ball"}}}  # fmt: skip


def export_mot(project: Project, analysis_id: int, out: Path, progress: ProgressCallback = no_progress,
               cancel: CancelCheck = never_cancelled) -> Path:  # fmt: skip
    """A MOTChallenge-style folder: ``det/det.txt`` (every box) and ``gt/gt.txt`` (boxes with a track id).

    Frames count from 1 as in MOT. det: ``frame,-1,x,y,w,h,score,-1,-1,-1``;
    gt: ``frame,track,x,y,w,h,1,class,1`` with class 1 player, 2 ball.
    """
    analysis = store.get_analysis(project, analysis_id)
    video = project.video(analysis.video_id)
    with staged_path(out, folder=True) as staging:
        (staging / "det").mkdir()
        (staging / "gt").mkdir()
        (staging / "seqinfo.ini").write_text(
            f"[Sequence]\nname={Path(video.path).stem}\nframeRate={video.fps:g}\nseqLength={video.frame_count}\n"
            f"imWidth={video.width}\nimHeight={video.height}\nimExt=.jpg\n"
        )
        with (staging / "det" / "det.txt").open("w") as det, (staging / "gt" / "gt.txt").open("w") as gt:
            for d in _rows(project, analysis_id, progress, cancel):
                _mot_line(det, d.frame_index + 1, -1, d, -1 if d.score is None else d.score, "-1,-1,-1")
                if d.track_id is not None:
                    _mot_line(gt, d.frame_index + 1, d.track_id, d, 1, f"{d.class_id},1")
    return Path(out)


def _mot_line(file: TextIO, frame: int, track: int, d: store.Detection, score: float, tail: str) -> None:
    file.write(f"{frame},{track},{d.x:.3f},{d.y:.3f},{d.w:.3f},{d.h:.3f},{score:.6g},{tail}\n")


def export_analysis(project: Project, analysis_id: int, out: Path, kind: str,
                    progress: ProgressCallback = no_progress, cancel: CancelCheck = never_cancelled) -> Path:  # fmt: skip
    """Write one export of ``kind`` (one of :data:`FORMATS`)."""
    if kind == "video":
        from soccer_desktop.analysis.render import render_video

        return render_video(project, analysis_id, out, progress=progress, cancel=cancel)
    writers = {"csv": export_csv, "json": export_json, "mot": export_mot}
    if kind not in writers:
        raise ExportError(f"Unknown export format {kind!r}; choose one of {', '.join(FORMATS)}.")
    return writers[kind](project, analysis_id, Path(out), progress, cancel)
