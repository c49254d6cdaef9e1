"""The evaluation job end to end: sources, storage, the cache, the command line and the demo's motion flow."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from soccer_desktop.core.errors import UserError
from soccer_desktop.dataset.coco_import import import_coco
from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.evaluation.runner import EvaluationRequest, evaluate, evaluate_motion_proposals, open_evaluation
from soccer_desktop.evaluation.store import list_evaluations
from soccer_desktop.project.store import Project
from soccer_desktop.video.library import add_video
from soccer_desktop.video.synthetic import DemoMatch


@pytest.fixture(scope="module")
def labelled(match: DemoMatch, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project with ten ground-truth frames of the match, reviewed, exported as one split ('train')."""
    root = tmp_path_factory.mktemp("labelled") / "project"
    with Project.create(root) as project:
        import_coco(project, match.ground_truth, video=match.video, every=5)
        export_dataset(project, root / "datasets" / "truth", valid=0.0)
    return root, root / "datasets" / "truth"


@pytest.fixture
def project_copy(labelled: tuple[Path, Path], tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    root = tmp_path / "project"
    shutil.copytree(labelled[0], root)
    manifest = root / "datasets" / "truth" / "dataset_manifest.json"
    data = json.loads(manifest.read_text())
    data["project"]["root"] = str(root)
    manifest.write_text(json.dumps(data))
    yield root, root / "datasets" / "truth"


def _results_from_truth(dataset: Path, path: Path, drop_balls: bool = False) -> Path:
    truth = json.loads((dataset / "train" / "_annotations.coco.json").read_text())
    results = [{"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"], "score": 0.9}
               for a in truth["annotations"] if not (drop_balls and a["category_id"] == 2)]  # fmt: skip
    path.write_text(json.dumps(results))
    return path


def test_results_file_is_evaluated_stored_with_the_project_and_cached(project_copy: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:  # fmt: skip
    root, dataset = project_copy
    results = _results_from_truth(dataset, tmp_path / "no-balls.json", drop_balls=True)
    from soccer_desktop.cli import main

    assert main(["evaluate", "--dataset", str(dataset), "--split", "train", "--detections", str(results),
                 "--json", str(tmp_path / "e.json")]) == 0  # fmt: skip
    errors = json.loads((tmp_path / "e.json").read_text())["errors"]
    assert len(errors) == 10 and {e["kind"] for e in errors} == {"missed ball"} and errors[0]["size"] > 0
    first = evaluate(EvaluationRequest(dataset, "train", detections=results))
    assert first.cached and first.record is not None  # the command line stored it
    summary = first.summary(0.3)
    assert summary["images"] == 10 and summary["ball"]["recall"] == 0.0 and summary["player"]["recall"] == 1.0
    again = evaluate(EvaluationRequest(dataset, "train", detections=results))
    assert again.cached and again.record.id == first.record.id
    assert again.summary(0.3) == summary
    with Project.open(root) as project:
        records = list_evaluations(project)
        assert [r.id for r in records] == [first.record.id]
        assert records[0].source_kind == "detections" and records[0].split == "train"
        assert records[0].metrics["ball"]["fn"] == 10
        assert open_evaluation(project, records[0]).summary(0.3)["ball"]["fn"] == 10
    results.write_text(results.read_text().replace("0.9", "0.8"))  # another file: not the cached one
    assert not evaluate(EvaluationRequest(dataset, "train", detections=results)).cached


def test_command_line_prints_the_table_and_writes_json(project_copy: tuple[Path, Path], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    from soccer_desktop.cli import main

    _, dataset = project_copy
    results = _results_from_truth(dataset, tmp_path / "perfect.json")
    out = tmp_path / "out.json"
    status = main(["evaluate", "--dataset", str(dataset), "--split", "train", "--detections", str(results),
                   "--conf", "0.5", "--ball-distance", "3", "--json", str(out)])  # fmt: skip
    printed = capsys.readouterr()
    assert status == 0, printed.err
    assert "AP 1.000" in printed.out and "max 300 detections" in printed.out and "<8" in printed.out
    assert "Ball (centre within 3 px) at confidence 0.5: precision 1.000  recall 1.000" in printed.out
    document = json.loads(out.read_text())
    assert document["summary"]["coco"]["AP"] == pytest.approx(1.0) and document["summary"]["ball_distance"] == 3
    assert document["errors"] == []


@pytest.mark.parametrize(("arguments", "message"), [
    (["--split", "valid"], "has no 'valid' split"),
    (["--split", "train", "--detector", "motion"], "needs --project"),
])  # fmt: skip
def test_command_line_errors_name_the_fix(project_copy: tuple[Path, Path], tmp_path: Path, arguments: list[str],
                                          message: str, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    from soccer_desktop.cli import main

    _, dataset = project_copy
    results = _results_from_truth(dataset, tmp_path / "r.json")
    source = [] if "--detector" in arguments else ["--detections", str(results)]
    assert main(["evaluate", "--dataset", str(dataset), *source, *arguments]) == 2
    assert message in capsys.readouterr().err


def test_results_for_images_outside_the_split_are_refused(project_copy: tuple[Path, Path], tmp_path: Path) -> None:
    _, dataset = project_copy
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"image_id": 99999, "category_id": 1, "bbox": [1, 1, 5, 5], "score": 0.5}]))
    with pytest.raises(UserError, match="not in the 'train' split"):
        evaluate(EvaluationRequest(dataset, "train", detections=bad))


def test_motion_proposals_of_the_project_against_its_reviewed_frames(project_copy: tuple[Path, Path]) -> None:
    root, dataset = project_copy
    outcome = evaluate(EvaluationRequest(dataset, "train", detector="motion", project=root))
    summary = outcome.summary(0.3)
    assert outcome.record is not None and outcome.record.source_kind == "detector"
    assert summary["detections"] > 0 and summary["player"]["tp"] > 0
    assert outcome.metrics.errors(0.3)  # motion proposals are not perfect: there is something to browse
    assert evaluate(EvaluationRequest(dataset, "train", detector="motion", project=root)).cached


def test_demo_like_project_without_reviewed_frames_imports_its_ground_truth_first(match: DemoMatch,
                                                                                   tmp_path: Path) -> None:  # fmt: skip
    media = tmp_path / "media"
    shutil.copytree(match.video.parent, media)
    with Project.create(tmp_path / "demo") as project:
        add_video(project, media / "match.mp4")
    outcome = evaluate_motion_proposals(tmp_path / "demo")
    summary = outcome.summary(0.3)
    assert summary["images"] == 2 and summary["truth"]["ball"] == 2 and summary["detections"] > 0


def test_a_project_with_nothing_to_score_against_says_what_to_do(tmp_path: Path) -> None:
    with Project.create(tmp_path / "empty"):
        pass
    with pytest.raises(UserError, match="no reviewed frames"):
        evaluate_motion_proposals(tmp_path / "empty")


def test_a_changed_dataset_asks_to_evaluate_again(project_copy: tuple[Path, Path], tmp_path: Path) -> None:
    root, dataset = project_copy
    outcome = evaluate(EvaluationRequest(dataset, "train", detections=_results_from_truth(dataset, tmp_path / "r.json")))
    labels = dataset / "train" / "_annotations.coco.json"
    data = json.loads(labels.read_text())
    data["annotations"] = data["annotations"][1:]  # a label removed since the evaluation
    labels.write_text(json.dumps(data))
    with Project.open(root) as project, pytest.raises(UserError, match="changed since this evaluation"):
        open_evaluation(project, outcome.record)


def test_errors_go_to_review_only_in_the_project_the_dataset_came_from(project_copy: tuple[Path, Path],
                                                                        tmp_path: Path) -> None:  # fmt: skip
    from soccer_desktop.evaluation.review import send_to_review
    from soccer_desktop.labels.review_queue import rank_frames

    root, dataset = project_copy
    outcome = evaluate(EvaluationRequest(dataset, "train", detections=_results_from_truth(
        dataset, tmp_path / "r.json", drop_balls=True)))  # fmt: skip
    missed = outcome.metrics.errors(0.3)[:3]
    with Project.create(tmp_path / "other") as other, pytest.raises(UserError, match="not a frame of the project"):
        send_to_review(other, outcome.metrics.dataset, missed, "x")
    with Project.open(root) as project:
        assert send_to_review(project, outcome.metrics.dataset, missed, "no-balls") == 3
        top = rank_frames(project)[:3]
        assert {item.frame.id for item in top} == {item.image_id for item in missed}
        assert all(item.requested and "missed ball" in item.reasons[0] and "(no-balls)" in item.reasons[0]
                   for item in top)  # fmt: skip
