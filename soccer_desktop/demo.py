"""The built-in demo project: a synthetic match with events, so a new user sees the app work at once."""

from __future__ import annotations

import shutil
from pathlib import Path

from soccer_desktop.analysis.motion_windows import analyse_with_motion
from soccer_desktop.analysis.track_job import run_tracking
from soccer_desktop.core.jobs import CancelCheck, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.project.store import DB_NAME, Project
from soccer_desktop.video.library import add_video
from soccer_desktop.video.synthetic import generate_match

DEMO_SECONDS = 20.0


def build_demo_project(
    project_dir: Path,
    seconds: float | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> Path:
    """Create the demo project in ``project_dir`` unless it is already complete; return its folder.

    The clip is rendered into ``media/`` first and the project database is
    created last, so a cancelled or failed build leaves no half project behind.
    """
    project_dir = Path(project_dir).expanduser().resolve()
    if (project_dir / DB_NAME).is_file():
        with Project.open(project_dir) as project:
            if project.videos():
                return project_dir
    media = project_dir / "media"
    demo = generate_match(media, seconds=seconds or DEMO_SECONDS, progress=progress, cancel=cancel)
    try:
        with Project.open_or_create(project_dir) as project:
            video, _ = add_video(project, demo.video, demo.events)
            summary = analyse_with_motion(project, video.id, progress=progress, cancel=cancel)  # overlay playback
            run_tracking(project, summary.analysis_id, progress=progress, cancel=cancel)  # with ids and teams
    except BaseException:
        (project_dir / DB_NAME).unlink(missing_ok=True)
        shutil.rmtree(media, ignore_errors=True)
        raise
    return project_dir
