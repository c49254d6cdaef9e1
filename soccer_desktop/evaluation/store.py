"""Evaluations in the project database: their settings, key numbers and every detection.

An evaluation is found again by its cache key (source kind + source hash +
dataset hash + split + settings), so evaluating the same thing twice reads the
stored detections instead of running the model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from soccer_desktop.evaluation.dataset import Boxes
from soccer_desktop.project.store import Project, ProjectError


@dataclass(frozen=True)
class EvaluationRecord:
    id: int
    run_id: int | None
    name: str
    source_kind: str  # checkpoint | detections | detector
    source: str
    source_hash: str
    dataset_dir: str
    dataset_hash: str
    split: str
    settings: dict[str, Any]
    cache_key: str
    seconds: float
    metrics: dict[str, Any]
    created_at: str


def cache_key(source_kind: str, source_hash: str, dataset_hash: str, split: str, settings: dict[str, Any]) -> str:
    text = json.dumps([source_kind, source_hash, dataset_hash, split, settings], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _record(row: Any) -> EvaluationRecord:
    return EvaluationRecord(
        row["id"], row["run_id"], row["name"], row["source_kind"], row["source"], row["source_hash"],
        row["dataset_dir"], row["dataset_hash"], row["split"], json.loads(row["settings_json"] or "{}"),
        row["cache_key"], float(row["seconds"]), json.loads(row["metrics_json"] or "{}"), row["created_at"],
    )  # fmt: skip


def find_evaluation(project: Project, key: str) -> EvaluationRecord | None:
    with project.transaction() as db:
        row = db.execute("SELECT * FROM evaluations WHERE cache_key = ?", (key,)).fetchone()
    return _record(row) if row is not None else None


def get_evaluation(project: Project, evaluation_id: int) -> EvaluationRecord:
    with project.transaction() as db:
        row = db.execute("SELECT * FROM evaluations WHERE id = ?", (evaluation_id,)).fetchone()
    if row is None:
        raise ProjectError(f"The project has no evaluation with id {evaluation_id}.")
    return _record(row)


def list_evaluations(project: Project) -> list[EvaluationRecord]:
    """Newest first."""
    with project.transaction() as db:
        rows = db.execute("SELECT * FROM evaluations ORDER BY id DESC").fetchall()
    return [_record(row) for row in rows]


def save_evaluation(project: Project, *, run_id: int | None, name: str, source_kind: str, source: str,
                    source_hash: str, dataset_dir: str, dataset_hash: str, split: str, settings: dict[str, Any],
                    seconds: float, metrics: dict[str, Any], detections: Boxes,
                    key: str | None = None) -> EvaluationRecord:  # fmt: skip
    """Store an evaluation and its detections in one transaction (replacing one with the same key).

    ``key`` defaults to :func:`cache_key` of the settings; pass the key the evaluation was looked up
    under when the stored settings say more than the key does (a checkpoint's slice size).
    """
    key = key or cache_key(source_kind, source_hash, dataset_hash, split, settings)
    rows = [
        (seq, int(i), int(c), float(b[0]), float(b[1]), float(b[2]), float(b[3]), float(s))
        for seq, (i, c, b, s) in enumerate(zip(detections.image_id, detections.class_id, detections.xywh,
                                               detections.score, strict=True))
    ]  # fmt: skip
    with project.transaction() as db:
        db.execute("DELETE FROM evaluations WHERE cache_key = ?", (key,))
        cursor = db.execute(
            """INSERT INTO evaluations(run_id, name, source_kind, source, source_hash, dataset_dir, dataset_hash,
               split, settings_json, cache_key, seconds, metrics_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (run_id, name, source_kind, source, source_hash, dataset_dir, dataset_hash, split,
             json.dumps(settings, sort_keys=True), key, seconds, json.dumps(metrics)),
        )  # fmt: skip
        evaluation_id = int(cursor.lastrowid or 0)
        db.executemany(
            "INSERT INTO evaluation_detections(evaluation_id, seq, image_id, class_id, x, y, w, h, score) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(evaluation_id, *row) for row in rows],
        )
    return get_evaluation(project, evaluation_id)


def load_detections(project: Project, evaluation_id: int) -> Boxes:
    with project.transaction() as db:
        rows = db.execute(
            "SELECT image_id, class_id, x, y, w, h, score FROM evaluation_detections WHERE evaluation_id = ? "
            "ORDER BY seq", (evaluation_id,),
        ).fetchall()  # fmt: skip
    if not rows:
        return Boxes()
    array = np.asarray([tuple(row) for row in rows], np.float64)
    return Boxes(array[:, 0].astype(np.int64), array[:, 1].astype(np.int64), array[:, 2:6].copy(), array[:, 6].copy())


def delete_evaluation(project: Project, evaluation_id: int) -> None:
    with project.transaction() as db:
        db.execute("DELETE FROM evaluations WHERE id = ?", (evaluation_id,))
