"""Training runs: the run folder's manifest and the project's ``runs`` table.

A run lives in ``<project>/runs/<run>/`` (or any folder given to the CLI):
``config.yaml``, ``events.jsonl``, ``manifest.json``, ``train.log`` and one
folder per phase (``phase1/``, ``phase2/``) with its checkpoints. The training
process owns ``manifest.json`` (written atomically at every phase and epoch
boundary), so the manifest tells the truth even when the window that started
the run was closed; :func:`list_runs` brings the table in line with it.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from soccer_desktop.core.atomic import atomic_write_text
from soccer_desktop.core.disk import writing
from soccer_desktop.project.store import Project

RUN_MANIFEST = "manifest.json"
CONFIG_FILE = "config.yaml"
LOG_FILE = "train.log"
CANCEL_FILE = "cancel"
KIND = "train"
#: Statuses a run can have. "interrupted": the training process ended without saying how (killed, power cut).
STATUSES = ("pending", "running", "completed", "cancelled", "failed", "interrupted")
FINISHED = ("completed", "cancelled", "failed", "interrupted")


# ---------------------------------------------------------------------------- manifest
def read_manifest(run_dir: Path | str) -> dict[str, Any] | None:
    path = Path(run_dir) / RUN_MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_manifest(run_dir: Path | str, manifest: dict[str, Any]) -> None:
    """Replace the manifest in one rename, so a reader never sees half of it."""
    path = Path(run_dir) / RUN_MANIFEST
    manifest = {**manifest, "updated_at": datetime.now().isoformat(timespec="seconds")}
    with writing("the run manifest", path.parent):
        atomic_write_text(path, json.dumps(manifest, indent=2, default=str))


def process_start_time(pid: int) -> str | None:
    """When process ``pid`` started (seconds since the epoch, as text); None when there is no such process.

    A PID is reused once its process is gone, so "PID N runs" alone can name a stranger; the
    start time tells the training process apart from whatever got its number later.
    """
    import psutil

    try:
        return f"{psutil.Process(int(pid)).create_time():.2f}"
    except (psutil.Error, ValueError, OverflowError):
        return None


def process_alive(pid: int | None, host: str | None = None, started: str | None = None) -> bool:
    """Whether the process that wrote a manifest still runs: same PID and, where recorded, the same start time."""
    if not pid:
        return False
    if host and host != socket.gethostname():
        return True  # another machine's process: assume it runs
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    except OSError:
        return False
    if started is not None:
        current = process_start_time(int(pid))
        if current is not None and current != started:
            return False  # the PID now belongs to another process
    return True


def effective_status(manifest: dict[str, Any] | None) -> str:
    """The manifest's status, or 'interrupted' when it says running but its process is gone."""
    if not manifest:
        return "pending"
    status = str(manifest.get("status", "pending"))
    if status == "running" and not process_alive(manifest.get("pid"), manifest.get("host"),
                                                 manifest.get("pid_started")):
        return "interrupted"
    return status


def resumable(manifest: dict[str, Any] | None) -> bool:
    """Whether Resume has something to continue: a phase that did not finish."""
    if not manifest or effective_status(manifest) in ("running", "completed"):
        return False
    phases = manifest.get("phases", {})
    return any(phases.get(str(p), {}).get("status") not in ("completed", "stopped_early")
               for p in manifest.get("phases_requested", []))


# ------------------------------------------------------------------------ runs table
@dataclass(frozen=True)
class RunRecord:
    id: int
    name: str
    kind: str
    status: str
    directory: str
    config: dict[str, Any]
    metrics: dict[str, Any]
    created_at: str
    finished_at: str | None

    def manifest(self) -> dict[str, Any] | None:
        return read_manifest(self.directory)

    @property
    def best_map(self) -> float | None:
        value = self.metrics.get("map")
        return float(value) if isinstance(value, (int, float)) else None


def safe_run_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "run"


def new_run_dir(project_root: Path | str, name: str) -> Path:
    """A fresh ``runs/<date>-<time>-<name>`` folder path (not created) under the project."""
    base = Path(project_root) / "runs"
    stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{safe_run_name(name)}"
    candidate, number = base / stem, 2
    while candidate.exists():
        candidate, number = base / f"{stem}-{number}", number + 1
    return candidate


def project_of_run_dir(run_dir: Path | str) -> Path | None:
    """The project folder when ``run_dir`` is ``<project>/runs/<run>``."""
    run_dir = Path(run_dir).expanduser().resolve()
    root = run_dir.parent.parent
    return root if run_dir.parent.name == "runs" and (root / "project.db").is_file() else None


def _row(row: Any) -> RunRecord:
    def parse(text: str) -> dict[str, Any]:
        try:
            value = json.loads(text or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    return RunRecord(row["id"], row["name"], row["kind"], row["status"], row["directory"], parse(row["config_json"]),
                     parse(row["metrics_json"]), row["created_at"], row["finished_at"])


def register_run(project: Project, name: str, directory: Path | str, config: dict[str, Any],
                 status: str = "pending") -> RunRecord:
    """Add a run to the project (or return the one already registered for that folder)."""
    directory = str(Path(directory).expanduser().resolve())
    existing = find_run(project, directory)
    if existing is not None:
        return existing
    with project.transaction() as db:
        cursor = db.execute(
            "INSERT INTO runs(name, kind, status, directory, config_json) VALUES (?, ?, ?, ?, ?)",
            (name, KIND, status, directory, json.dumps(config, default=str)),
        )
        run_id = cursor.lastrowid
    return get_run(project, int(run_id))


def get_run(project: Project, run_id: int) -> RunRecord:
    with project.transaction() as db:
        row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        from soccer_desktop.project.store import ProjectError

        raise ProjectError(f"The project has no run with id {run_id}.")
    return _row(row)


def find_run(project: Project, directory: Path | str) -> RunRecord | None:
    directory = str(Path(directory).expanduser().resolve())
    with project.transaction() as db:
        row = db.execute("SELECT * FROM runs WHERE directory = ? AND kind = ?", (directory, KIND)).fetchone()
    return _row(row) if row is not None else None


def update_run(project: Project, run_id: int, *, status: str | None = None, metrics: dict[str, Any] | None = None,
               config: dict[str, Any] | None = None) -> None:
    """Change a run's status, best metrics or config in one transaction (finished_at set on a final status)."""
    assignments, values = [], []
    if status is not None:
        assignments.append("status = ?")
        values.append(status)
        assignments.append("finished_at = " + ("datetime('now')" if status in FINISHED else "NULL"))
    if metrics is not None:
        assignments.append("metrics_json = ?")
        values.append(json.dumps(metrics, default=str))
    if config is not None:
        assignments.append("config_json = ?")
        values.append(json.dumps(config, default=str))
    if not assignments:
        return
    with project.transaction() as db:
        db.execute(f"UPDATE runs SET {', '.join(assignments)} WHERE id = ?", (*values, run_id))


def sync_run(project: Project, record: RunRecord) -> RunRecord:
    """Bring one row in line with its run folder's manifest (status and best metrics)."""
    manifest = read_manifest(record.directory)
    if manifest is None:  # nothing written yet (or the folder is gone): the row is all there is to go by
        return record
    status = effective_status(manifest)
    metrics = manifest.get("best_metrics") or {}
    if status != record.status or metrics != record.metrics:
        update_run(project, record.id, status=status, metrics=metrics)
        return get_run(project, record.id)
    return record


def list_runs(project: Project, sync: bool = True) -> list[RunRecord]:
    """The project's training runs, newest first, with status and best metrics read from their manifests."""
    with project.transaction() as db:
        rows = db.execute("SELECT * FROM runs WHERE kind = ? ORDER BY id DESC", (KIND,)).fetchall()
    records = [_row(row) for row in rows]
    return [sync_run(project, r) for r in records] if sync else records


def runs_using_dataset(project: Project, dataset_dir: Path | str) -> list[RunRecord]:
    """The project's runs that trained on ``dataset_dir`` (by their manifests), newest first."""
    target = Path(dataset_dir).expanduser().resolve()
    used = []
    for record in list_runs(project, sync=False):
        root = ((record.manifest() or {}).get("dataset") or {}).get("root")
        if root and Path(root).expanduser().resolve() == target:
            used.append(record)
    return used
