"""The report: one HTML file with PNG plots inside and the tables, a CSV of the same numbers."""

from __future__ import annotations

import base64
import csv
from pathlib import Path

import numpy as np

from soccer_desktop.evaluation.dataset import BALL, Boxes, load_split
from soccer_desktop.evaluation.metrics import Metrics
from soccer_desktop.evaluation.report import comparison, write_report
from soccer_desktop.video.synthetic import DemoMatch


def test_report_compares_two_evaluations_in_html_and_csv(match: DemoMatch, tmp_path: Path) -> None:
    truth = load_split(match.ground_truth)
    t = truth.truth
    perfect = Metrics(truth, Boxes(t.image_id, t.class_id, t.xywh, np.full(len(t), 0.9)))
    players = t.class_id != BALL
    no_balls = Metrics(truth, Boxes(t.image_id[players], t.class_id[players], t.xywh[players],
                                    np.full(int(players.sum()), 0.9)))  # fmt: skip
    rows = {name: (values, diffs) for name, values, diffs in comparison([perfect.summary(0.3), no_balls.summary(0.3)])}
    assert rows["ball recall"] == ([1.0, 0.0], [-1.0])
    assert rows["player recall"] == ([1.0, 1.0], [0.0])

    html_path, csv_path = write_report(tmp_path / "report.html", [("perfect", perfect), ("no balls", no_balls)], 0.3)
    text = html_path.read_text()
    assert text.count('src="data:image/png;base64,') == 2 and "<table>" in text and "no balls" in text
    png = text.split('src="data:image/png;base64,')[1].split('"')[0]
    assert base64.b64decode(png).startswith(b"\x89PNG")
    table = list(csv.reader(csv_path.open()))
    assert table[0] == ["metric", "perfect", "no balls", "no balls - perfect"]
    assert ["ball recall", "1", "0", "-1"] in table
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left
