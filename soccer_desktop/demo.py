"""The built-in demo project: a synthetic match that walks the whole loop with no GPU and no weights.

The project holds the clip with its events; frames labelled from the match's
exact ground truth (imported through the COCO importer with ``frame_index``,
so their boxes are marked *imported*, and marked reviewed: a confirmed set
made from exact truth, enough to build a dataset and train at once); and
extracted frames with motion pseudo-labels waiting in the review queue; and a
finished motion analysis of the whole match, so it opens onto overlay playback.
"""

from __future__ import annotations

from pathlib import Path

from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.project.store import DB_NAME, Project

DEMO_SECONDS = 12.0  # short enough to render, analyse and track in about a minute on two cores
#: Every this many frames the ground truth is imported as reviewed (0, 30, …: ten frames of the 12 s clip).
GROUND_TRUTH_EVERY = 30
#: Every this many frames a frame is extracted for review (the ones between the imported frames).
REVIEW_EVERY = 25
#: Written last: a demo folder without it is finished on the next start, never used half-made.
COMPLETE_MARKER = ".demo-complete"
#: The exact ground truth the synthetic match is written with, beside its video.
GROUND_TRUTH_FILE = "ground_truth.coco.json"
#: Share of the progress bar each stage takes (rendering dominates).
_STAGES = (("Rendering the match", 0.30), ("Importing the ground truth", 0.04),
           ("Extracting frames to review", 0.04), ("Motion pseudo-labels", 0.05),
           ("Analysing the match", 0.45), ("Tracking players, the ball and the teams", 0.12))


def build_demo_project(
    project_dir: Path,
    seconds: float | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> Path:
    """Create the demo project in ``project_dir`` unless it is already complete; return its folder.

    The clip is rendered into ``media/`` first (its files appear all at once)
    and the project database is created after it. Every later step only adds
    what is missing, so a cancelled or failed build is finished on the next
    call, and a demo made by an older version gains the new steps without
    losing anything done in it.
    """
    from soccer_desktop.video.synthetic import generate_match

    project_dir = Path(project_dir).expanduser().resolve()
    if (project_dir / COMPLETE_MARKER).is_file() and (project_dir / DB_NAME).is_file():
        return project_dir
    stage = _StagedProgress(progress)
    media = project_dir / "media"
    video, truth, events = media / "match.mp4", media / GROUND_TRUTH_FILE, media / "events.json"
    if not (video.is_file() and truth.is_file() and events.is_file()):
        generate_match(media, seconds=seconds or DEMO_SECONDS, progress=stage(0), cancel=cancel)
    with Project.open_or_create(project_dir) as project:
        video_id = _add_demo_video(project, video, events)
        import_ground_truth(project, truth, video, stage(1), cancel)
        _extract_frames_to_review(project, stage(2), cancel)
        _pseudo_label_with_motion(project, stage(3), cancel)
        _analyse_match(project, video_id, stage, cancel)
    (project_dir / COMPLETE_MARKER).write_text("complete\n", encoding="utf-8")
    return project_dir


def _add_demo_video(project: Project, video: Path, events: Path) -> int:
    from soccer_desktop.video.library import add_video

    known = project.video_by_path(video)
    return known.id if known is not None else add_video(project, video, events)[0].id


def import_ground_truth(project: Project, truth: Path, video: Path, progress: ProgressCallback,
                         cancel: CancelCheck) -> None:
    """Exact boxes of every GROUND_TRUTH_EVERY-th frame, imported (boxes marked imported) and reviewed."""
    from soccer_desktop.dataset.label_import import import_labels

    import_labels(project, truth, "coco", video=video, every=GROUND_TRUTH_EVERY, reviewed=True,
                  progress=progress, cancel=cancel)


def _extract_frames_to_review(project: Project, progress: ProgressCallback, cancel: CancelCheck) -> None:
    from soccer_desktop.video.extract import DEFAULT_QUALITY, ExtractionStrategy, extract_frames

    # Frames already in the project (the imported ones) are skipped: only the ones between are added.
    extract_frames(project, None, ExtractionStrategy(every_n=REVIEW_EVERY), DEFAULT_QUALITY, progress, cancel)


def _pseudo_label_with_motion(project: Project, progress: ProgressCallback, cancel: CancelCheck) -> None:
    """Motion proposals on the frames that have no box yet (never on reviewed frames or edited ones)."""
    from soccer_desktop.detect.motion import MotionProposals
    from soccer_desktop.detect.pseudo_label import FrameScope, pseudo_label, select_frames

    frames = select_frames(project, FrameScope(unlabelled_only=True))
    if frames:
        pseudo_label(project, MotionProposals(), frames, progress=progress, cancel=cancel)


def _analyse_match(project: Project, video_id: int, stage: _StagedProgress, cancel: CancelCheck) -> None:
    """A whole-match motion analysis with player tracks, the ball's trajectory and teams, so the project
    opens onto overlay playback (the analysis resumes if interrupted; tracking runs again in one go)."""
    from soccer_desktop.analysis.motion_windows import analyse_with_motion
    from soccer_desktop.analysis.track_job import run_tracking

    summary = analyse_with_motion(project, video_id, progress=stage(4), cancel=cancel)
    run_tracking(project, summary.analysis_id, progress=stage(5), cancel=cancel)


class _StagedProgress:
    """One progress bar over several stages: ``stage(i)`` is the callback for stage i."""

    RESOLUTION = 1000

    def __init__(self, progress: ProgressCallback) -> None:
        self._progress = progress

    def __call__(self, index: int) -> ProgressCallback:
        start = sum(share for _, share in _STAGES[:index])
        name, share = _STAGES[index]

        def report(step: Progress) -> None:
            fraction = step.fraction or 0.0
            done = round((start + share * fraction) * self.RESOLUTION)
            self._progress(Progress(done, self.RESOLUTION, f"{name}: {step.message}" if step.message else name))

        report(Progress(0, 0))
        return report

