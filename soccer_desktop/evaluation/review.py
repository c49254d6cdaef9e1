"""Errors back to labelling: "Send to review" puts their frames at the top of the review queue."""

from __future__ import annotations

from collections.abc import Iterable

from soccer_desktop.evaluation.dataset import EvalDataset, EvaluationError
from soccer_desktop.evaluation.metrics import ErrorItem
from soccer_desktop.labels.review_queue import request_review
from soccer_desktop.project.store import Frame, Project, ProjectError


def error_reason(item: ErrorItem, evaluation: str) -> str:
    score = f", score {item.score:.2f}" if item.score is not None else ""
    return f"{item.kind}{score}, {item.size:.0f} px ({evaluation})"


def send_to_review(project: Project, dataset: EvalDataset, items: Iterable[ErrorItem], evaluation: str) -> int:
    """Request review of the errors' frames, one reason per frame; returns how many frames.

    A dataset exported from this project names its images by frame id; one from elsewhere is
    refused, because its frames are not in this project's review queue.
    """
    reasons: dict[int, list[str]] = {}
    for item in items:
        reasons.setdefault(item.image_id, []).append(error_reason(item, evaluation))
    for image_id in reasons:
        image = dataset.images[image_id]
        frame = _frame(project, image_id)
        if frame is None or (image.frame_index is not None and frame.frame_index != image.frame_index):
            raise EvaluationError(
                f"The dataset image {image.file_name} is not a frame of the project {project.root}, so it cannot be "
                "sent to its review queue. Open the project the dataset was exported from."
            )
    return request_review(project, {frame: "; ".join(texts[:3]) + (f" (+{len(texts) - 3} more)" if len(texts) > 3
                                                                   else "") for frame, texts in reasons.items()})


def _frame(project: Project, frame_id: int) -> Frame | None:
    try:
        return project.frame(frame_id)
    except ProjectError:
        return None
