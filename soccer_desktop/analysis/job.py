"""The analysis job as the CLI and the GUI start it: a detector choice in, a stored analysis out.

The detector (RF-DETR loads here, off the GUI thread) is built from the plain
:class:`DetectorChoice`; :func:`soccer_desktop.analysis.runner.analyse_video`
does the work: decode thread, chunked writes, resume, shards.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from soccer_desktop.analysis.detectors import build_batch_detector
from soccer_desktop.analysis.runner import AnalysisSummary, FrameBatchDetector, analyse_video, parse_range
from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.detect.choice import DetectorChoice
from soccer_desktop.project.store import Project

__all__ = ["AnalysisSummary", "choice_settings", "parse_range", "run_analysis"]


def choice_settings(choice: DetectorChoice) -> dict[str, Any]:
    """The detector choice as plain JSON values (stored with the analysis)."""
    values = asdict(choice)
    values["weights"] = str(choice.weights) if choice.weights else None
    return values


def run_analysis(
    project: Project,
    video_id: int,
    choice: DetectorChoice,
    frame_range: tuple[int, int] | None = None,
    *,
    batch: int | None = None,
    name: str | None = None,
    detector: FrameBatchDetector | None = None,
    warn: Callable[[str], None] = lambda _: None,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> AnalysisSummary:
    """Analyse frames ``frame_range`` (inclusive; None: the whole video) of a video with the chosen detector.

    ``batch`` is images per model call (None: from free GPU memory, fixed on the CPU); ``detector``
    replaces the one built from ``choice`` (benchmarks). Same settings continue the same analysis.
    """
    project.video(video_id)  # an unknown video fails before the model loads
    if detector is None:
        progress(Progress(0, 0, "Loading the detector…"))
        detector = build_batch_detector(choice, batch, warn)
    weights = f" · {Path(choice.weights).stem}" if choice.weights and choice.detector != "motion" else ""
    return analyse_video(project, video_id, detector, {"choice": choice_settings(choice)}, frame_range,
                         name=name or f"{detector.name}{weights} · {time.strftime('%Y-%m-%d %H:%M')}",
                         progress=progress, cancel=cancel)  # fmt: skip
