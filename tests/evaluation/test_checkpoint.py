"""A checkpoint evaluated end to end on the CPU: a random-weights Nano at 320 px, with and without SAHI.

No weights can be downloaded here and there is no GPU, so the numbers mean
nothing; what is checked is the path: the checkpoint loads, runs on every
image of the split (SAHI slices or whole frames), the evaluation is stored
with its run, and evaluating it again reads the stored detections.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.evaluation.runner import EvaluationRequest, evaluate
from soccer_desktop.project.store import ClassId, NewBox, Project
from soccer_desktop.train.runs import register_run
from soccer_desktop.video.extract import ExtractionStrategy, extract_frames
from soccer_desktop.video.library import add_video
from tests.detect.clips import write_pitch_clip
from tests.detect.test_rfdetr_e2e import random_checkpoint  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


def test_random_nano_checkpoint_of_a_run_with_and_without_sahi(tmp_path: Path, random_checkpoint: Path) -> None:  # noqa: F811
    root = tmp_path / "project"
    with Project.create(root) as project:
        add_video(project, write_pitch_clip(tmp_path / "clip.mp4", frames=30, width=640, height=384))
        extract_frames(project, None, ExtractionStrategy(target_count=2))
        for frame in project.frames():
            project.add_boxes(frame.id, [NewBox(ClassId.PLAYER, 100, 100, 20, 50), NewBox(ClassId.BALL, 400, 200, 8, 8)])
            project.set_reviewed(frame.id)
        export_dataset(project, root / "datasets" / "ds", valid=0.0)
        run_dir = root / "runs" / "r1"
        (run_dir / "phase1").mkdir(parents=True)
        checkpoint = run_dir / "phase1" / "checkpoint_best_total.pth"
        shutil.copyfile(random_checkpoint, checkpoint)
        run = register_run(project, "r1", run_dir, {})

    dataset = root / "datasets" / "ds"
    sliced = evaluate(EvaluationRequest(dataset, "train", checkpoint=checkpoint, device="cpu"))
    whole = evaluate(EvaluationRequest(dataset, "train", checkpoint=checkpoint, device="cpu", sahi=False))
    for outcome in (sliced, whole):
        assert not outcome.cached and outcome.record is not None and outcome.record.run_id == run.id
        assert outcome.summary(0.3)["images"] == 2 and len(outcome.metrics.detections) > 0
        assert outcome.metrics.detections.score.min() >= 0.01  # computed once at the low confidence
    assert sliced.record.settings["sahi"] is True and sliced.record.settings["slice_size"] == 320
    assert whole.record.settings["sahi"] is False and whole.record.name.endswith("(no SAHI)")
    again = evaluate(EvaluationRequest(dataset, "train", checkpoint=checkpoint, device="cpu"))
    assert again.cached and again.record.id == sliced.record.id
