"""The detector a user chose, as plain data, and the factory that builds it.

The CLI fills a :class:`DetectorChoice` from its arguments and the GUI from its
dialog; both then call :func:`build_factory` inside the job (rfdetr loads there,
off the GUI thread).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from soccer_desktop.detect.base import DetectorFactory
from soccer_desktop.detect.rfdetr_backend import DEFAULT_CONFIDENCE
from soccer_desktop.detect.sahi_slicing import SahiSettings

DETECTORS = ("motion", "rfdetr")


@dataclass(frozen=True)
class DetectorChoice:
    detector: str = "motion"  # one of DETECTORS
    model: str = "nano"
    weights: Path | None = None
    confidence: float = DEFAULT_CONFIDENCE
    device: str = "auto"
    half: bool = True
    sahi: SahiSettings | None = field(default_factory=SahiSettings)  # None: one pass per whole frame


def build_factory(
    choice: DetectorChoice, warn: Callable[[str], None] = lambda _: None, index_cache: Path | None = None
) -> DetectorFactory:
    """The detector factory for ``choice``; ``warn`` receives notes the user should see (limits, CPU).

    ``index_cache``: the project's frame-index folder, so detectors that read the video never demux it again.
    """
    if choice.detector == "motion":
        from soccer_desktop.detect.motion import MOTION_LIMITS, MotionProposals

        warn(MOTION_LIMITS)
        return MotionProposals(index_cache=index_cache)
    from soccer_desktop.detect.rfdetr_backend import load_rfdetr

    detector = load_rfdetr(choice.model, choice.weights, confidence=choice.confidence, device=choice.device,
                           half=choice.half)  # fmt: skip
    if detector.device.warning:
        warn(detector.device.warning)
    if choice.sahi is None:
        return detector
    from soccer_desktop.detect.sahi_slicing import SlicedDetector

    return SlicedDetector(detector, choice.sahi)
