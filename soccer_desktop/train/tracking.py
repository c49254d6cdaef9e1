"""MLflow tracking of a training run into the project's ``sqlite:///…/mlflow.db``, and the MLflow UI.

The plain ``./mlruns`` file store is refused by MLflow 3, so runs always go to
a SQLite database: ``<project>/mlflow.db`` for a run inside a project,
``<run>/mlflow.db`` otherwise. Artifacts go beside it (``mlartifacts/``), never
to the working directory. Tracking never stops training: a failure is logged
once and tracking is switched off for the rest of the run.

Only :class:`MlflowTracker` imports mlflow, inside its methods; the UI helpers
start ``mlflow ui`` as a separate process.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from soccer_desktop.train.runs import project_of_run_dir

log = logging.getLogger(__name__)

DB_NAME = "mlflow.db"
ARTIFACTS_DIR = "mlartifacts"
BATCH_LIMIT = 900  # MLflow accepts at most 1000 metrics per log_batch


def default_tracking_dir(run_dir: Path | str) -> Path:
    """The project folder for a run inside a project, else the run folder itself."""
    return project_of_run_dir(run_dir) or Path(run_dir).expanduser().resolve()


def sqlite_uri(db_path: Path | str) -> str:
    return f"sqlite:///{Path(db_path).expanduser().resolve()}"


def resolve_tracking_uri(run_dir: Path | str, configured: str | None = None) -> str:
    if configured:
        return configured
    return sqlite_uri(default_tracking_dir(run_dir) / DB_NAME)


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Nested config -> ``{"phase1.lr": "0.0001", ...}`` (MLflow parameters are flat strings)."""
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(data, list) and data and all(isinstance(v, dict) and "name" in v for v in data):
        enabled = [f"{v['name']}({', '.join(f'{k}={p}' for k, p in (v.get('params') or {}).items())})"
                   for v in data if v.get("enabled", True)]
        out[prefix[:-1]] = "; ".join(enabled) or "none"
    else:
        out[prefix[:-1]] = str(data)
    return {k: v[:5000] for k, v in out.items()}


class MlflowTracker:
    """One MLflow run for one training run (resumed runs continue their MLflow run)."""

    def __init__(self, tracking_uri: str, experiment: str, run_name: str, run_id: str | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        self.tracking_uri = tracking_uri
        self.experiment = experiment
        self.run_name = run_name
        self.run_id = run_id
        self.experiment_id: str | None = None
        self._warn = warn or log.warning
        self._client: Any = None
        self._buffer: list[Any] = []
        self.enabled = True

    def _fail(self, what: str, error: Exception) -> None:
        log.warning("MLflow %s failed", what, exc_info=True)
        self._warn(f"MLflow tracking stopped ({what} failed: {error}). Training goes on; the run's events.jsonl "
                   "and metrics.csv files still hold every metric.")
        self.enabled = False

    def start(self) -> None:
        if not self.enabled:
            return
        try:
            os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
            from mlflow.tracking import MlflowClient

            self._client = MlflowClient(tracking_uri=self.tracking_uri)
            experiment = self._client.get_experiment_by_name(self.experiment)
            if experiment is None:
                artifacts = self._artifact_root()
                self.experiment_id = self._client.create_experiment(self.experiment, artifact_location=artifacts)
            else:
                self.experiment_id = experiment.experiment_id
            if self.run_id is not None:
                try:
                    self._client.update_run(self.run_id, status="RUNNING")
                    return
                except Exception:  # the run is gone (another database): start a new one
                    self.run_id = None
            run = self._client.create_run(self.experiment_id, run_name=self.run_name)
            self.run_id = run.info.run_id
        except Exception as error:
            self._fail("start", error)

    def _artifact_root(self) -> str | None:
        if self.tracking_uri.startswith("sqlite:///"):
            db = Path(self.tracking_uri[len("sqlite:///"):])
            return (db.parent / ARTIFACTS_DIR).resolve().as_uri()
        return None

    def params(self, params: dict[str, str]) -> None:
        if not self.enabled:
            return
        from mlflow.entities import Param

        items = list(params.items())
        for start in range(0, len(items), 90):
            try:
                self._client.log_batch(self.run_id, params=[Param(k, v) for k, v in items[start:start + 90]])
            except Exception as error:  # a resumed run with a changed value: MLflow keeps the first
                log.info("MLflow kept earlier parameter values: %s", error)

    def metric(self, key: str, value: float | None, step: int) -> None:
        if not self.enabled or value is None:
            return
        from mlflow.entities import Metric

        self._buffer.append(Metric(key, float(value), int(time.time() * 1000), int(step)))
        if len(self._buffer) >= BATCH_LIMIT:
            self.flush()

    def flush(self) -> None:
        if not self.enabled or not self._buffer:
            return
        batch, self._buffer = self._buffer, []
        try:
            for start in range(0, len(batch), BATCH_LIMIT):
                self._client.log_batch(self.run_id, metrics=batch[start:start + BATCH_LIMIT])
        except Exception as error:
            self._fail("logging metrics", error)

    def tag(self, key: str, value: str) -> None:
        if not self.enabled:
            return
        try:
            self._client.set_tag(self.run_id, key, value)
        except Exception as error:
            self._fail("setting a tag", error)

    def artifact(self, path: Path | str, subdir: str | None = None) -> None:
        if not self.enabled or not Path(path).is_file():
            return
        try:
            self._client.log_artifact(self.run_id, str(path), subdir)
        except Exception as error:
            self._fail("storing an artifact", error)

    def finish(self, status: str) -> None:
        """``status``: completed, cancelled or failed."""
        if not self.enabled:
            return
        self.flush()
        mlflow_status = {"completed": "FINISHED", "cancelled": "KILLED"}.get(status, "FAILED")
        try:
            self._client.set_terminated(self.run_id, mlflow_status)
        except Exception as error:
            self._fail("closing the run", error)


# ------------------------------------------------------------------------ MLflow UI
def free_port(preferred: int = 5000) -> int:
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError("no free local port")


def mlflow_ui_command(tracking_uri: str, port: int, artifacts: Path | None = None) -> list[str]:
    # One server process: a local UI for one user needs no more, and uvicorn's extra workers are spawned
    # processes that the app bundle cannot start.
    command = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", tracking_uri,
               "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    if artifacts is not None:
        command += ["--default-artifact-root", artifacts.resolve().as_uri()]
    return command


def start_mlflow_ui(db_path: Path | str, port: int | None = None,
                    popen: Callable[..., subprocess.Popen] | None = None) -> tuple[subprocess.Popen, str]:
    """Start ``mlflow ui`` for one database on localhost; returns the process and its address.

    The caller owns the process (stop it with ``terminate()`` when the app closes).
    """
    db_path = Path(db_path).expanduser().resolve()
    port = port or free_port()
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    command = mlflow_ui_command(sqlite_uri(db_path), port, db_path.parent / ARTIFACTS_DIR)
    process = (popen or subprocess.Popen)(command, cwd=str(db_path.parent), env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True)
    return process, f"http://127.0.0.1:{port}"


def stop_mlflow_ui(process: subprocess.Popen | None) -> None:
    """Stop an ``mlflow ui`` started by :func:`start_mlflow_ui`, with the server workers it started."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError, AttributeError):
        process.terminate()
