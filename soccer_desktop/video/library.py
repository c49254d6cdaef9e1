"""Adding videos (and their event files) to a project."""

from __future__ import annotations

from pathlib import Path

from soccer_desktop.project.store import Project, Video
from soccer_desktop.video.events import parse_events
from soccer_desktop.video.frame_index import FrameIndex, frame_index_for, index_dir
from soccer_desktop.video.reader import VideoError, VideoInfo, VideoReader


def _index(project: Project, path: Path | str) -> tuple[VideoInfo, FrameIndex]:
    """Probe a video and keep its frame index in the project (the one demux this file will need)."""
    with VideoReader(path, index_cache=index_dir(project.root)) as reader:
        return reader.info, reader.index


def add_video(project: Project, path: Path | str, events_path: Path | str | None = None) -> tuple[Video, int]:
    """Probe and register a video; import its events if given. Returns the video and event count.

    The event file is validated before the video is registered, so a bad file
    leaves the project as it was.
    """
    info, timeline = _index(project, path)
    events = parse_events(events_path, info.fps, info.frame_count, timeline) if events_path else None
    video = project.add_video(
        info.path, width=info.width, height=info.height, fps=info.fps,
        frame_count=info.frame_count, codec=info.codec,
    )
    count = project.replace_events(video.id, events, str(events_path)) if events is not None else 0
    return video, count


def import_events(project: Project, video: Video, events_path: Path | str) -> int:
    """Replace a video's events with those of an event file; returns how many were imported."""
    events = parse_events(events_path, video.fps, video.frame_count, frame_index_for(project, video))
    return project.replace_events(video.id, events, str(events_path))


def relink_video(project: Project, video_id: int, new_path: Path | str) -> Video:
    """Point a moved video at its new file, after checking it is the same video (size, rate, frames).

    Indexing the new file reads all of it: run this as a job, never on the GUI thread.
    """
    video = project.video(video_id)
    resolved = Path(new_path).expanduser().resolve()
    project.check_relink_target(video_id, resolved)  # before indexing: that reads the whole file
    info, _ = _index(project, resolved)
    if (info.width, info.height, info.frame_count) != (video.width, video.height, video.frame_count):
        raise VideoError(
            f"{Path(new_path).name} is not the same video as {Path(video.path).name}: it is "
            f"{info.width}×{info.height} with {info.frame_count} frames, the project's is "
            f"{video.width}×{video.height} with {video.frame_count}. Choose the moved file itself."
        )
    return project.relink_video(video_id, info.path)
