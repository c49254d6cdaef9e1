"""RF-DETR + SAHI end to end with a randomly initialised Nano (weights cannot be downloaded here).

The random model is saved the way training saves the project's checkpoints
(class names player/ball), then goes through the real path: safe loading,
class mapping, SAHI tiles of the model's resolution, the pseudo-label job.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from soccer_desktop.core.jobs import CancelToken, JobCancelled, Progress
from soccer_desktop.detect.pseudo_label import pseudo_label, select_frames
from soccer_desktop.detect.rfdetr_backend import load_rfdetr
from soccer_desktop.detect.sahi_slicing import SlicedDetector
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project
from soccer_desktop.video.extract import ExtractionStrategy, extract_frames
from soccer_desktop.video.library import add_video
from tests.detect.clips import write_pitch_clip

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, RESOLUTION = 640, 384, 320


@pytest.fixture(scope="module")
def random_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random Nano at 320 px with few queries, saved like a checkpoint of the project's own training."""
    import torch
    from rfdetr import RFDETRNano

    model = RFDETRNano(pretrain_weights=None, num_classes=2, device="cpu", resolution=RESOLUTION, num_queries=30,
                       num_select=30, group_detr=1)  # fmt: skip
    network = model.model.model
    assert network is not None
    state = network.state_dict()
    state["class_embed.bias"] = torch.zeros_like(state["class_embed.bias"])  # scores near 0.5: boxes to store
    config = model.model_config.model_dump(mode="json")
    for machine_specific in ("pretrain_weights", "device"):
        config.pop(machine_specific)
    path = tmp_path_factory.mktemp("weights") / "checkpoint_best_total.pth"
    args = {"class_names": ["player", "ball"], "num_classes": 2, "num_queries": 30, "group_detr": 1}
    torch.save({"model": state, "args": args, "model_name": "RFDETRNano", "model_config": config}, path)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "project") as project:
        add_video(project, write_pitch_clip(tmp_path / "clip.mp4", frames=30, width=WIDTH, height=HEIGHT))
        extract_frames(project, None, ExtractionStrategy(target_count=3))
        yield project


def test_sliced_random_model_stores_mapped_boxes_in_frame_space_and_resumes(
    project: Project, random_checkpoint: Path
) -> None:
    rfdetr = load_rfdetr("nano", random_checkpoint, confidence=0.3, device="cpu")
    assert rfdetr.resolution == RESOLUTION and rfdetr.mapping == {0: ClassId.PLAYER, 1: ClassId.BALL}
    detector = SlicedDetector(rfdetr)
    assert detector.slice_size == RESOLUTION
    frames = select_frames(project)
    manual = project.add_boxes(frames[0].id, [NewBox(ClassId.BALL, 5, 5, 8, 8)])

    token = CancelToken()

    def stop_after_first_frame(report: Progress) -> None:
        if report.done >= 1:
            token.cancel()

    with pytest.raises(JobCancelled):
        pseudo_label(project, detector, frames, progress=stop_after_first_frame, cancel=token)
    labelled = [f for f in frames if any(b.source == BoxSource.PSEUDO for b in project.boxes(f.id))]
    assert [f.id for f in labelled] == [frames[0].id]

    summary = pseudo_label(project, detector, frames)
    assert summary.resumed == 1 and summary.labelled == 2
    boxes = [b for f in frames for b in project.boxes(f.id) if b.source == BoxSource.PSEUDO]
    assert boxes and {b.class_id for b in boxes} <= {ClassId.PLAYER, ClassId.BALL}
    assert all(b.detector == "rfdetr-nano+sahi" and b.score is not None and b.score >= 0.3 for b in boxes)
    assert all(b.x >= 0 and b.x + b.w <= WIDTH + 1e-3 and b.y >= 0 and b.y + b.h <= HEIGHT + 1e-3 for b in boxes)
    assert max(b.x + b.w for b in boxes) > RESOLUTION + 10  # beyond the first tile: shifted to frame space
    assert project.box(manual[0]).source == BoxSource.MANUAL


def test_command_line_runs_the_random_model_on_whole_frames(
    project: Project, random_checkpoint: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from soccer_desktop.cli import main

    status = main(["pseudo-label", str(project.root), "--detector", "rfdetr", "--weights", str(random_checkpoint),
                   "--no-sahi", "--conf", "0.3"])  # fmt: skip
    output = capsys.readouterr()
    assert status == 0, output.err
    assert "rfdetr-nano: 3 frames pseudo-labelled" in output.out and "player" in output.out
    assert "slow" in output.err  # the CPU warning
