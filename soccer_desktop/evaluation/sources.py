"""Where detections come from: a checkpoint (with or without SAHI), a COCO results file, a project detector.

Every source yields :class:`~.dataset.Boxes` keyed by the dataset's COCO
image ids, computed at a low confidence, plus a hash naming the source for
the evaluation cache. torch, rfdetr and sahi are imported only inside the
checkpoint path.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path

import cv2

from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, check_cancel, never_cancelled, no_progress
from soccer_desktop.evaluation.dataset import CLASS_NAMES, Boxes, EvalDataset, EvalImage, EvaluationError
from soccer_desktop.project.store import NewBox, Project

DETECTORS = ("motion",)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rows(image_id: int, boxes: Sequence[NewBox]) -> list[tuple[int, int, float, float, float, float, float]]:
    return [(image_id, int(b.class_id), b.x, b.y, b.w, b.h, 1.0 if b.score is None else float(b.score)) for b in boxes]


def _read(image: EvalImage) -> object:
    picture = cv2.imread(str(image.path), cv2.IMREAD_COLOR)
    if picture is None:
        raise EvaluationError(f"The dataset image {image.path} is missing or unreadable. Export the dataset again.")
    return picture


# ---------------------------------------------------------------------------- results file
def detections_from_results(dataset: EvalDataset, path: Path | str) -> Boxes:
    """A COCO results file ``[{image_id, category_id, bbox, score}]`` (categories 1 player, 2 ball)."""
    path = Path(path).expanduser().resolve()
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise EvaluationError(f"{path} cannot be read as JSON ({error}). Choose a COCO results file.") from None
    if isinstance(entries, dict) and isinstance(entries.get("annotations"), list):
        entries = entries["annotations"]
    if not isinstance(entries, list):
        raise EvaluationError(f"{path} is not a COCO results list [{{image_id, category_id, bbox, score}}, …].")
    rows = []
    for number, entry in enumerate(entries):
        where = f"{path.name}: entry {number}"
        try:
            image_id, category = int(entry["image_id"]), int(entry["category_id"])
            x, y, w, h = (float(v) for v in entry["bbox"])
            score = float(entry.get("score", 1.0))
        except (KeyError, TypeError, ValueError):
            raise EvaluationError(f"{where} needs image_id, category_id, bbox [x, y, w, h] and score.") from None
        if image_id not in dataset.images:
            raise EvaluationError(
                f"{where} is for image {image_id}, which is not in the {dataset.split!r} split of {dataset.root}. "
                "Use the results of this very dataset (its image ids), or choose the split they were made on."
            )
        if category not in CLASS_NAMES:
            raise EvaluationError(f"{where} has category_id {category}; use 1 for player and 2 for ball.")
        if not all(math.isfinite(v) for v in (x, y, w, h, score)) or w <= 0 or h <= 0:
            raise EvaluationError(f"{where} has a bad box {entry['bbox']!r} or score; fix the file.")
        rows.append((image_id, category, x, y, w, h, score))
    return Boxes.from_rows(rows)


# ---------------------------------------------------------------------------- checkpoint
def detections_from_checkpoint(dataset: EvalDataset, checkpoint: Path, *, sahi: bool, confidence: float,
                               model: str = "nano", device: str = "auto", progress: ProgressCallback = no_progress,
                               cancel: CancelCheck = never_cancelled) -> tuple[Boxes, dict[str, object]]:  # fmt: skip
    """Run RF-DETR (SAHI slices of the model's resolution unless ``sahi`` is False) on every image."""
    from soccer_desktop.detect.choice import DetectorChoice, build_factory
    from soccer_desktop.detect.sahi_slicing import SahiSettings

    progress(Progress(0, len(dataset.images), "Loading the checkpoint"))
    choice = DetectorChoice("rfdetr", model, checkpoint, confidence, device, sahi=SahiSettings() if sahi else None)
    detector = build_factory(choice)
    settings: dict[str, object] = {"sahi": sahi, "confidence": confidence}
    slice_size = getattr(detector, "slice_size", None)
    if slice_size is not None:
        settings["slice_size"] = slice_size
        settings["overlap"] = SahiSettings().overlap
    rows = []
    for done, image in enumerate(dataset.images.values()):
        check_cancel(cancel)
        progress(Progress(done, len(dataset.images), f"Detecting on {image.file_name}"))
        rows += _rows(image.id, detector.detect(_read(image), cancel))  # type: ignore[arg-type]
    return Boxes.from_rows(rows), settings


# ---------------------------------------------------------------------------- project detector
def detections_from_project_detector(dataset: EvalDataset, project: Project, detector: str = "motion",
                                     progress: ProgressCallback = no_progress,
                                     cancel: CancelCheck = never_cancelled) -> tuple[Boxes, str]:  # fmt: skip
    """Run a project detector (motion proposals) on the split's frames, taken back to their videos.

    An exported image's COCO id is its project frame id; motion proposals learn the empty pitch
    from the video around the frames. Returns the boxes and the detector's fingerprint.
    """
    if detector not in DETECTORS:
        raise EvaluationError(f"Unknown detector {detector!r}; choose one of: {', '.join(DETECTORS)}.")
    from soccer_desktop.detect.motion import MotionProposals
    from soccer_desktop.detect.pseudo_label import GROUP_SPAN_S
    from soccer_desktop.project.store import ProjectError

    factory = MotionProposals()
    by_video: dict[int, list[tuple[int, EvalImage]]] = {}
    for image in dataset.images.values():
        try:
            frame = project.frame(image.id)
        except ProjectError:
            frame = None
        if frame is None or frame.video_id is None or frame.frame_index is None or (
                image.frame_index is not None and frame.frame_index != image.frame_index):
            raise EvaluationError(
                f"Image {image.file_name} (id {image.id}) of the dataset is not a video frame of the project "
                f"{project.root}. Choose the project the dataset was exported from, or evaluate a checkpoint."
            )
        by_video.setdefault(frame.video_id, []).append((frame.frame_index, image))
    rows = []
    done, total = 0, len(dataset.images)
    for video_id, members in by_video.items():
        video = project.video(video_id)
        members.sort(key=lambda item: item[0])
        span = max(1, round(GROUP_SPAN_S * video.fps))
        groups: list[list[tuple[int, EvalImage]]] = []
        for item in members:
            if groups and item[0] - groups[-1][0][0] <= span:
                groups[-1].append(item)
            else:
                groups.append([item])
        for group in groups:
            found = factory.for_frames(video, [index for index, _ in group], cancel=cancel)
            for _, image in group:
                check_cancel(cancel)
                progress(Progress(done, total, f"Motion proposals on {image.file_name}"))
                rows += _rows(image.id, found.detect(_read(image), cancel))  # type: ignore[arg-type]
                done += 1
    return Boxes.from_rows(rows), factory.fingerprint
