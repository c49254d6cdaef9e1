"""The evaluation job: get detections once (or from the cache), store them, compute the metrics."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.evaluation.dataset import EvalDataset, EvaluationError, load_split
from soccer_desktop.evaluation.metrics import DEFAULT_BALL_DISTANCE, DEFAULT_CONFIDENCE, DETECTION_CONFIDENCE, Metrics
from soccer_desktop.evaluation.sources import (
    detections_from_checkpoint,
    detections_from_project_detector,
    detections_from_results,
    file_sha256,
)
from soccer_desktop.evaluation.store import (
    EvaluationRecord,
    cache_key,
    find_evaluation,
    load_detections,
    save_evaluation,
)
from soccer_desktop.project.store import DB_NAME, Project

MOTION_DATASET = "motion-evaluation"


@dataclass(frozen=True)
class EvaluationRequest:
    dataset: Path
    split: str = "valid"
    checkpoint: Path | None = None
    detections: Path | None = None
    detector: str | None = None  # with project: a project detector ("motion")
    project: Path | None = None  # where the evaluation is stored (found from the checkpoint or dataset if None)
    sahi: bool = True
    model: str = "nano"
    device: str = "auto"
    confidence: float = DEFAULT_CONFIDENCE
    ball_distance: float = DEFAULT_BALL_DISTANCE


@dataclass(frozen=True)
class EvaluationOutcome:
    metrics: Metrics
    record: EvaluationRecord | None  # None when there was no project to store it in
    cached: bool
    seconds: float  # of this call (the detections' original time is in the record)

    def summary(self, confidence: float) -> dict[str, Any]:
        return self.metrics.summary(confidence)


def _storage_project(request: EvaluationRequest) -> Path | None:
    """The project folder to keep the evaluation in: given, the checkpoint's run's, or the dataset's."""
    if request.project is not None:
        return Path(request.project).expanduser().resolve()
    if request.checkpoint is not None:
        from soccer_desktop.train.runs import project_of_run_dir

        for folder in Path(request.checkpoint).expanduser().resolve().parents:
            if folder.parent.name == "runs":
                found = project_of_run_dir(folder)
                if found is not None:
                    return found
    manifest = Path(request.dataset) / "dataset_manifest.json"
    if manifest.is_file():
        import json

        try:
            root = json.loads(manifest.read_text(encoding="utf-8")).get("project", {}).get("root")
        except (OSError, ValueError, AttributeError):
            root = None
        if root and (Path(root) / DB_NAME).is_file():
            return Path(root)
    return None


def _run_id(project: Project, checkpoint: Path | None) -> int | None:
    if checkpoint is None:
        return None
    from soccer_desktop.train.runs import list_runs

    resolved = Path(checkpoint).expanduser().resolve()
    for run in list_runs(project, sync=False):
        if resolved.is_relative_to(Path(run.directory)):
            return run.id
    return None


def evaluate(request: EvaluationRequest, progress: ProgressCallback = no_progress,
             cancel: CancelCheck = never_cancelled) -> EvaluationOutcome:  # fmt: skip
    """Evaluate one detection source on one dataset split; a second call with the same keys is instant."""
    started = time.perf_counter()
    sources = [request.checkpoint is not None, request.detections is not None, request.detector is not None]
    if sum(sources) != 1:
        raise EvaluationError("Choose exactly one detection source: a checkpoint, a results file, or a detector.")
    if request.detector is not None and request.project is None:
        raise EvaluationError("A project detector needs the project: pass --project PROJECT.")
    dataset = load_split(request.dataset, request.split)
    root = _storage_project(request)
    project = Project.open(root) if root is not None else None
    try:
        kind, source, source_hash, settings = _describe(request, dataset)
        key = cache_key(kind, source_hash, dataset.hash, request.split, settings)
        record = find_evaluation(project, key) if project is not None and source_hash else None
        if record is not None:
            progress(Progress(1, 1, "Read the stored detections"))
            metrics = Metrics(dataset, load_detections(project, record.id), request.ball_distance)  # type: ignore[arg-type]
            return EvaluationOutcome(metrics, record, True, time.perf_counter() - started)
        detections_started = time.perf_counter()
        if request.detections is not None:
            detections = detections_from_results(dataset, request.detections)
        elif request.checkpoint is not None:
            detections, run_settings = detections_from_checkpoint(
                dataset, Path(request.checkpoint), sahi=request.sahi, confidence=DETECTION_CONFIDENCE,
                model=request.model, device=request.device, progress=progress, cancel=cancel,
            )  # fmt: skip
            settings = {**settings, **run_settings}
        else:
            assert project is not None and request.detector is not None
            detections, _ = detections_from_project_detector(dataset, project, request.detector, progress, cancel)
        seconds = time.perf_counter() - detections_started
        metrics = Metrics(dataset, detections, request.ball_distance)
        if project is not None:
            record = save_evaluation(
                project, run_id=_run_id(project, request.checkpoint), name=_name(kind, source, request),
                source_kind=kind, source=source, source_hash=source_hash, dataset_dir=str(dataset.root),
                dataset_hash=dataset.hash, split=request.split, settings=settings, seconds=seconds,
                metrics=metrics.summary(request.confidence), detections=detections, key=key,
            )  # fmt: skip
        progress(Progress(1, 1, "Evaluated"))
        return EvaluationOutcome(metrics, record, False, time.perf_counter() - started)
    finally:
        if project is not None:
            project.close()


def _describe(request: EvaluationRequest, dataset: EvalDataset) -> tuple[str, str, str, dict[str, Any]]:
    """Source kind, source, its hash and the settings that change the detections (the cache key's parts)."""
    if request.checkpoint is not None:
        path = Path(request.checkpoint).expanduser().resolve()
        if not path.is_file():
            raise EvaluationError(f"The checkpoint {path} does not exist. Choose a .pth file of a training run.")
        return "checkpoint", str(path), file_sha256(path), {"sahi": request.sahi, "model": request.model,
                                                            "confidence": DETECTION_CONFIDENCE}  # fmt: skip
    if request.detections is not None:
        path = Path(request.detections).expanduser().resolve()
        if not path.is_file():
            raise EvaluationError(f"The results file {path} does not exist. Choose a COCO results JSON file.")
        return "detections", str(path), file_sha256(path), {}
    from soccer_desktop.detect.motion import MotionProposals

    fingerprint = MotionProposals().fingerprint if request.detector == "motion" else str(request.detector)
    return "detector", str(request.detector), fingerprint, {}


def _name(kind: str, source: str, request: EvaluationRequest) -> str:
    if kind == "checkpoint":
        path = Path(source)
        return f"{path.parent.name}/{path.name}" + ("" if request.sahi else " (no SAHI)")
    if kind == "detections":
        return Path(source).name
    return f"{source} proposals"


def open_evaluation(project: Project, record: EvaluationRecord, ball_distance: float | None = None) -> Metrics:
    """The metrics of a stored evaluation, recomputed from its detections (no model run)."""
    dataset = load_split(record.dataset_dir, record.split)
    if dataset.hash != record.dataset_hash:
        raise EvaluationError(
            f"The dataset {record.dataset_dir} changed since this evaluation was made (its labels differ). "
            "Evaluate again to score the current labels."
        )
    distance = ball_distance or float(record.metrics.get("ball_distance", DEFAULT_BALL_DISTANCE))
    return Metrics(dataset, load_detections(project, record.id), distance)


def evaluate_motion_proposals(project_root: Path | str, progress: ProgressCallback = no_progress,
                              cancel: CancelCheck = never_cancelled) -> EvaluationOutcome:  # fmt: skip
    """Score motion proposals against the project's reviewed frames (no model, no GPU).

    Exports the reviewed frames as one split (``datasets/motion-evaluation``). A project with
    none reviewed that holds a clip with exact ground truth beside it (the demo) first imports
    one labelled frame a second from it.
    """
    from soccer_desktop.dataset.export import export_dataset

    root = Path(project_root).expanduser().resolve()
    with Project.open(root) as project:
        if not project.frames(reviewed=True):
            _import_ground_truth(project, progress, cancel)
        target = root / "datasets" / MOTION_DATASET
        export_dataset(project, target, valid=0.0, test=0.0, progress=progress, cancel=cancel)
    return evaluate(EvaluationRequest(target, "train", detector="motion", project=root), progress, cancel)


def _import_ground_truth(project: Project, progress: ProgressCallback, cancel: CancelCheck) -> None:
    from soccer_desktop.demo import GROUND_TRUTH_FILE, import_ground_truth

    for video in project.videos():
        truth = Path(video.path).with_name(GROUND_TRUTH_FILE)
        if truth.is_file():
            import_ground_truth(project, truth, Path(video.path), progress, cancel)
            return
    raise EvaluationError(
        "The project has no reviewed frames to score against. Review some frames first (mark each one "
        "reviewed once its boxes are right), then evaluate."
    )
