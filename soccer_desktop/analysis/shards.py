"""Merging shard projects: analyses computed on other machines join this project's analyses.

SQLite must not be shared between machines (WAL needs shared memory), so a
cluster job array gives each task a project of its own; afterwards their
frames are copied here. A video matches by file name and frame count (the
path differs between machines); an analysis matches by its settings'
fingerprint, so shards of one run become one analysis. Frames are copied a
chunk per transaction and written frames replace, never double.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from soccer_desktop.analysis import store
from soccer_desktop.core.errors import UserError
from soccer_desktop.project.store import NewBox, Project, Video

CHUNK_FRAMES = 500


def _matching_video(project: Project, shard_video: Video) -> Video:
    for video in project.videos():
        if Path(video.path).name == Path(shard_video.path).name and video.frame_count == shard_video.frame_count:
            return video
    raise UserError(
        f"This project has no video {Path(shard_video.path).name} with {shard_video.frame_count} frames. "
        "Add the same video first (soccer-desktop video add PROJECT VIDEO), then merge again."
    )


def merge_shards(project: Project, shard_roots: Sequence[Path]) -> list[str]:
    """Copy every analysis of each shard project into ``project``; returns one line per analysis merged."""
    lines = []
    for root in shard_roots:
        with Project.open(root) as shard:
            for analysis in store.list_analyses(shard):
                video = _matching_video(project, shard.video(analysis.video_id))
                target = store.find_analysis(project, video.id, analysis.fingerprint)
                if target is None:
                    target = store.create_analysis(project, video.id, analysis.name, analysis.detector,
                                                   analysis.settings)  # fmt: skip
                frames = sorted(store.done_frames(shard, analysis.id))
                for start in range(0, len(frames), CHUNK_FRAMES):
                    chunk = frames[start : start + CHUNK_FRAMES]
                    rows = store.detections_between(shard, analysis.id, chunk[0], chunk[-1])
                    by_frame: dict[int, list[NewBox]] = {index: [] for index in chunk}
                    for row in rows:
                        if row.frame_index in by_frame:
                            by_frame[row.frame_index].append(
                                NewBox(row.class_id, row.x, row.y, row.w, row.h, row.score, track_id=row.track_id))  # type: ignore[arg-type]
                    store.write_frames(project, target.id, list(by_frame.items()))
                done = store.done_count(project, target.id)
                store.set_status(project, target.id, "done" if done >= video.frame_count else "running")
                lines.append(f"{root}: {len(frames)} frames of {analysis.name!r} merged into analysis {target.id} "
                             f"({done}/{video.frame_count} frames done)")  # fmt: skip
    return lines
