"""Motion proposals for whole videos: one learned empty pitch per fixed window of the video.

The window a frame falls in is fixed by its index alone, so a resumed or sharded
run learns exactly the background an uninterrupted run would have. This module
needs neither torch nor rfdetr: the demo project analyses its match with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from soccer_desktop.analysis.runner import AnalysisSummary, analyse_video
from soccer_desktop.core.jobs import CancelCheck, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.detect.motion import MotionDetector, MotionProposals
from soccer_desktop.project.store import NewBox, Project, Video

MOTION_WINDOW_S = 120.0  # frames in the same window share one learned background


class MotionWindows:
    """Motion proposals with one background per fixed window of the video (learned when first needed)."""

    def __init__(self, proposals: MotionProposals | None = None,
                 progress: ProgressCallback = no_progress) -> None:  # fmt: skip
        self.proposals = proposals or MotionProposals()
        self.progress = progress
        self._window: tuple[int, int] | None = None
        self._detector: MotionDetector | None = None

    @property
    def name(self) -> str:
        return "motion"

    @property
    def fingerprint(self) -> str:
        return f"{self.proposals.fingerprint}|window={MOTION_WINDOW_S}"

    def frames_per_call(self, width: int, height: int) -> int:
        return 1

    def detect_frames(self, video: Video, indices: Sequence[int], images: Sequence[np.ndarray],
                      cancel: CancelCheck = never_cancelled) -> list[list[NewBox]]:  # fmt: skip
        span = max(1, round(MOTION_WINDOW_S * video.fps))
        results = []
        for index, image in zip(indices, images, strict=True):
            first = index // span * span
            window = (first, min(first + span, video.frame_count) - 1)
            if window != self._window or self._detector is None:
                self._detector = self.proposals.for_frames(video, list(window), self.progress, cancel)
                self._window = window
            results.append(self._detector.detect(image, cancel))
        return results


def analyse_with_motion(project: Project, video_id: int, name: str = "Motion proposals",
                        progress: ProgressCallback = no_progress,
                        cancel: CancelCheck = never_cancelled) -> AnalysisSummary:  # fmt: skip
    """A whole-video motion-proposal analysis (what the demo project is created with)."""
    return analyse_video(project, video_id, MotionWindows(), {"detector": "motion"}, name=name,
                         progress=progress, cancel=cancel)  # fmt: skip
