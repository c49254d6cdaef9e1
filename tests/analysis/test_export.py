"""Exports read back equal to what is stored; the rendered MP4 has the clip's frames and size; the CLI forms."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import av
import pytest

from soccer_desktop.analysis import store
from soccer_desktop.analysis.export import ExportError, export_analysis
from soccer_desktop.cli import main
from soccer_desktop.core.jobs import CancelToken, JobCancelled, Progress
from soccer_desktop.project.store import BoxSource, ClassId, NewBox, Project
from soccer_desktop.video.library import add_video
from tests.media import read_index

FRAMES = 300


@pytest.fixture
def project(tmp_path: Path, index_clip: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "p") as project:
        video, _ = add_video(project, index_clip)
        analysis = store.create_analysis(project, video.id, "a", "motion", {"fingerprint": "x"})
        store.write_frames(project, analysis.id, [
            (i, [NewBox(ClassId.PLAYER, i + 0.25, 3.5, 20, 30, 0.875, BoxSource.PSEUDO),
                 NewBox(ClassId.BALL, i, 40, 6, 6, 0.5, BoxSource.PSEUDO)])
            for i in range(0, FRAMES, 3)])  # fmt: skip
        store.update_detections(project, analysis.id, [(3, 0, 7, 1, 0), (3, 1, 9, None, store.FLAG_GHOST)])
        store.add_detections(project, analysis.id, [store.Detection(4, 0, 2, 5, 40, 6, 6, None, 9, None,
                                                                    store.FLAG_INTERPOLATED)])  # fmt: skip
        yield project


def _stored(project: Project) -> list[store.Detection]:
    return list(store.iter_detections(project, 1))


def _number(text: str, kind: type = float) -> object:
    return None if text == "" else kind(text)


def test_csv_reads_back_equal(project: Project, tmp_path: Path) -> None:
    out = export_analysis(project, 1, tmp_path / "a.csv", "csv")
    with out.open() as file:
        rows = list(csv.DictReader(file))
    assert rows[0].keys() >= {"frame", "time_s", "class", "track_id", "team"}
    assert rows[0]["track_id"] == "" and rows[0]["team"] == ""  # empty until tracking fills them
    back = [store.Detection(int(r["frame"]), 0, int(ClassId[r["class"].upper()]), float(r["x"]), float(r["y"]),
                            float(r["w"]), float(r["h"]), _number(r["score"]), _number(r["track_id"], int),
                            _number(r["team"], int), int(r["flags"])) for r in rows]  # fmt: skip
    assert [d._replace(seq=0) for d in _stored(project)] == back
    assert float(rows[2]["time_s"]) == pytest.approx(3 / 25)


def test_json_reads_back_equal(project: Project, tmp_path: Path) -> None:
    data = json.loads(export_analysis(project, 1, tmp_path / "a.json", "json").read_text())
    assert data["analysis"]["name"] == "a" and data["video"]["frame_count"] == FRAMES
    back = [store.Detection(d["frame"], 0, int(ClassId[d["class"].upper()]), d["x"], d["y"], d["w"], d["h"],
                            d["score"], d["track_id"], d["team"], d["flags"]) for d in data["detections"]]  # fmt: skip
    assert [d._replace(seq=0) for d in _stored(project)] == back


def test_mot_reads_back_equal(project: Project, tmp_path: Path) -> None:
    folder = export_analysis(project, 1, tmp_path / "mot", "mot")
    det = [line.split(",") for line in (folder / "det" / "det.txt").read_text().splitlines()]
    stored = _stored(project)
    assert len(det) == len(stored)
    for fields, d in zip(det, stored, strict=True):
        assert int(fields[0]) == d.frame_index + 1 and fields[1] == "-1"
        assert [float(v) for v in fields[2:6]] == pytest.approx([d.x, d.y, d.w, d.h], abs=1e-3)
        assert float(fields[6]) == (-1 if d.score is None else pytest.approx(d.score))
    gt = [line.split(",") for line in (folder / "gt" / "gt.txt").read_text().splitlines()]
    assert [(int(f[0]), int(f[1]), int(f[7])) for f in gt] == [(4, 7, 1), (4, 9, 2), (5, 9, 2)]
    assert "seqLength=300" in (folder / "seqinfo.ini").read_text()


def test_rendered_video_has_the_clips_frames_and_size(project: Project, tmp_path: Path) -> None:
    reports: list[Progress] = []
    out = export_analysis(project, 1, tmp_path / "overlay.mp4", "video", progress=reports.append)
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        frames = [frame.to_ndarray(format="bgr24") for frame in container.decode(stream)]
    assert len(frames) == FRAMES and frames[0].shape == (64, 384, 3)
    assert reports[-1].done == reports[-1].total == FRAMES
    assert read_index(frames[1]) == 1  # frame order kept (index cells survive the boxes: they sit on top rows)
    drawn = frames[99][:, :, 0].astype(int) - frames[100][:, :, 0].astype(int)
    assert drawn.any()  # frame 99 carries boxes, frame 100 none
    assert not list(tmp_path.glob(".*partial"))


def test_cancelled_or_impossible_exports_leave_no_file(project: Project, tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(JobCancelled):
        export_analysis(project, 1, tmp_path / "a.csv", "csv", cancel=token)
    with pytest.raises(JobCancelled):
        export_analysis(project, 1, tmp_path / "a.mp4", "video", cancel=token)
    assert list(tmp_path.iterdir()) == [tmp_path / "p"]
    with pytest.raises(ExportError, match="does not exist"):
        export_analysis(project, 1, tmp_path / "missing" / "a.csv", "csv")


def test_cli_analyze_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.detect.clips import write_pitch_clip

    clip = write_pitch_clip(tmp_path / "pitch.mp4", frames=40, width=320, height=240)
    root = tmp_path / "cli"
    assert main(["video", "add", str(root), str(clip)]) == 0
    assert main(["analyze", str(root), "--video", "1", "--detector", "motion", "--range", "0-19"]) == 0
    assert main(["analyze", str(root), "--video", "1", "--detector", "motion", "--range", "20-39"]) == 0
    out = capsys.readouterr().out
    assert "Analysis 1 (motion" in out and "20 frames analysed" in out
    assert main(["export-analysis", str(root), "1", str(tmp_path / "d.csv"), "--csv"]) == 0
    with (tmp_path / "d.csv").open() as file:
        assert {int(row["frame"]) for row in csv.DictReader(file)} <= set(range(40))
    with Project.open(root) as project:
        assert store.get_analysis(project, 1).status == "done" and len(store.list_analyses(project)) == 1
    assert main(["export-analysis", str(root), "5", str(tmp_path / "x.csv"), "--json"]) == 2
    assert "no analysis with id 5" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["analyze", str(root), "--video", "1", "--detector", "motion", "--weights", "x.pth"])
    assert main(["analyze", str(root), "--video", "1", "--weights", str(tmp_path / "none.pth")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_shard_projects_merge_into_one_analysis(tmp_path: Path) -> None:
    from tests.detect.clips import write_pitch_clip

    clip = write_pitch_clip(tmp_path / "pitch.mp4", frames=40, width=320, height=240)
    for shard, frames in (("s1", "0-24"), ("s2", "20-39")):
        assert main(["analyze", str(tmp_path / shard), "--video", "1", "--detector", "motion", "--range", frames]) == 2
        assert main(["video", "add", str(tmp_path / shard), str(clip)]) == 0
        assert main(["analyze", str(tmp_path / shard), "--video", "1", "--detector", "motion", "--range", frames]) == 0
    assert main(["video", "add", str(tmp_path / "whole"), str(clip)]) == 0
    assert main(["analyze", str(tmp_path / "whole"), "--video", "1", "--detector", "motion"]) == 0
    assert main(["video", "add", str(tmp_path / "main"), str(clip)]) == 0
    assert main(["merge-analyses", str(tmp_path / "main"), str(tmp_path / "s1"), str(tmp_path / "s2")]) == 0
    with Project.open(tmp_path / "main") as merged, Project.open(tmp_path / "whole") as whole:
        [analysis] = store.list_analyses(merged)
        assert analysis.status == "done"
        assert list(store.iter_detections(merged, analysis.id)) == list(store.iter_detections(whole, 1))
