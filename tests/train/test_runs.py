"""Run folders, the project's runs table and the event stream."""

from __future__ import annotations

import json
import os
from pathlib import Path

from soccer_desktop.project.store import Project
from soccer_desktop.train import runs
from soccer_desktop.train.events import EventReader, EventWriter, read_events


def test_event_stream_round_trip_and_incremental_reads(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    reader = EventReader(path)
    assert reader.read() == []
    with EventWriter(path) as writer:
        writer.emit("step", phase=1, loss=float("nan"), lr=1e-4, path=tmp_path)
        first = reader.read()
        writer.emit("epoch", phase=1, val={"map": 0.5, "ap_ball": float("inf")})
    assert [e["type"] for e in first] == ["step"]
    assert first[0]["loss"] is None and first[0]["path"] == str(tmp_path)
    second = reader.read()
    assert second[0]["val"] == {"map": 0.5, "ap_ball": None}
    with path.open("a") as handle:  # a torn last line (killed writer) waits; a broken one is skipped
        handle.write('{"type": "log", "mess')
    assert reader.read() == []
    with path.open("a") as handle:
        handle.write('age": "x"}\nnot json\n')
    assert reader.read() == [{"type": "log", "message": "x"}]
    assert len(read_events(path)) == 3


def test_register_list_and_sync_with_manifest(tmp_path: Path) -> None:
    with Project.create(tmp_path / "proj") as project:
        run_dir = runs.new_run_dir(project.root, "my run/1")
        assert run_dir.parent == project.root / "runs" and "my-run-1" in run_dir.name
        run_dir.mkdir()
        assert runs.project_of_run_dir(run_dir) == project.root
        record = runs.register_run(project, "my run", run_dir, {"model": {"size": "nano"}})
        assert runs.register_run(project, "again", run_dir, {}).id == record.id
        assert [r.name for r in runs.list_runs(project)] == ["my run"]
        assert record.status == "pending"

        runs.write_manifest(run_dir, {"status": "running", "pid": os.getpid(), "phases_requested": [1, 2],
                                      "phases": {"1": {"status": "running"}}})
        assert runs.list_runs(project)[0].status == "running"
        runs.write_manifest(run_dir, {"status": "completed", "best_metrics": {"map": 0.42},
                                      "phases_requested": [1], "phases": {"1": {"status": "completed"}}})
        listed = runs.list_runs(project)[0]
        assert listed.status == "completed" and listed.best_map == 0.42 and listed.finished_at
        assert listed.config == {"model": {"size": "nano"}}
        assert listed.manifest()["best_metrics"] == {"map": 0.42}
        assert not runs.resumable(listed.manifest())


def test_dead_running_runs_become_interrupted_and_resumable(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    manifest = {"status": "running", "pid": 2**22 + 12345, "host": None, "phases_requested": [1, 2],
                "phases": {"1": {"status": "completed"}, "2": {"status": "running"}}}
    runs.write_manifest(run_dir, manifest)
    assert runs.effective_status(runs.read_manifest(run_dir)) == "interrupted"
    assert runs.resumable(runs.read_manifest(run_dir))
    assert json.loads((run_dir / "manifest.json").read_text())["updated_at"]
    assert not list(run_dir.glob(".*tmp"))
