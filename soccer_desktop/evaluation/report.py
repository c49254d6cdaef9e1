"""Tables for comparing evaluations, and the report: one HTML file (plots as PNG inside) plus a CSV.

Plots are drawn with matplotlib's Agg renderer (no pyplot, no Qt), imported only when a
report is written. Both files are written atomically.
"""

from __future__ import annotations

import base64
import csv
import html
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from soccer_desktop import __version__
from soccer_desktop.core.atomic import atomic_write_text
from soccer_desktop.evaluation.metrics import Metrics


def metric_rows(summary: dict[str, Any]) -> list[tuple[str, float]]:
    """Every number of a summary as (name, value) rows, in table order."""
    rows: list[tuple[str, float]] = [(f"COCO {name}", float(value)) for name, value in summary["coco"].items()]
    for name, values in summary["per_class"].items():
        rows += [(f"{name} {key}", float(value)) for key, value in values.items()]
    for label, values in summary["size_bins"].items():
        rows += [(f"size {label} {key}", float(values[key])) for key in ("AP", "AP50", "AR", "truth")]
    ball, player = summary["ball"], summary["player"]
    rows += [(f"ball {key}", float(ball[key])) for key in ("precision", "recall", "f1", "fn", "near_misses",
                                                            "ghost_balls", "best_f1_confidence")]  # fmt: skip
    rows += [(f"ball best {key}", float(ball["best"][key])) for key in ("precision", "recall", "f1")]
    rows += [(f"player {key}", float(player[key])) for key in ("precision", "recall", "f1", "fp", "fn")]
    return rows


def comparison(summaries: Sequence[dict[str, Any]]) -> list[tuple[str, list[float], list[float]]]:
    """Rows of (metric, value per evaluation, difference of each from the first)."""
    tables = [dict(metric_rows(summary)) for summary in summaries]
    return [(name, [t.get(name, float("nan")) for t in tables],
             [t.get(name, float("nan")) - tables[0][name] for t in tables[1:]]) for name in tables[0]]  # fmt: skip


def _figure_png(draw: Any) -> str:
    from matplotlib.figure import Figure  # a bare Figure renders with Agg, whatever pyplot's backend

    figure = Figure(figsize=(6.4, 4.0), dpi=100)
    draw(figure.add_subplot(1, 1, 1))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plots(named: Sequence[tuple[str, Metrics]]) -> dict[str, str]:
    """PR curves (players IoU 0.5, ball by centre distance) and F1 against confidence, as base64 PNG."""

    def pr(axes: Any) -> None:
        for name, metrics in named:
            for label, match in (("player", metrics.player), ("ball", metrics.ball)):
                precision, recall, _ = match.curve()
                axes.plot(recall, precision, label=f"{name}: {label}")
        axes.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02), title="Precision-recall")
        axes.legend(fontsize=7)
        axes.grid(alpha=0.3)

    def f1(axes: Any) -> None:
        for name, metrics in named:
            for label, match in (("player", metrics.player), ("ball", metrics.ball)):
                thresholds, values = metrics.f1_curve(match)
                axes.plot(thresholds, values, label=f"{name}: {label}")
        axes.set(xlabel="confidence", ylabel="F1", xlim=(0, 1), ylim=(0, 1.02), title="F1 against confidence")
        axes.legend(fontsize=7)
        axes.grid(alpha=0.3)

    return {"Precision-recall": _figure_png(pr), "F1 against confidence": _figure_png(f1)}


def write_report(path: Path | str, named: Sequence[tuple[str, Metrics]], confidence: float) -> tuple[Path, Path]:
    """Write ``path`` (HTML) and the CSV beside it (same name, ``.csv``); returns both paths."""
    path = Path(path).expanduser().resolve()
    csv_path = path.with_suffix(".csv")
    summaries = [metrics.summary(confidence) for _, metrics in named]
    rows = comparison(summaries)
    names = [name for name, _ in named]

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["metric", *names, *(f"{n} - {names[0]}" for n in names[1:])])
    for metric, values, differences in rows:
        writer.writerow([metric, *(f"{v:.6g}" for v in values), *(f"{d:+.6g}" for d in differences)])
    atomic_write_text(csv_path, text.getvalue())

    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    head += "".join(f"<th>Δ {html.escape(n)}</th>" for n in names[1:])
    body = "\n".join(
        f"<tr><td>{html.escape(metric)}</td>" + "".join(f"<td>{_cell(v)}</td>" for v in values)
        + "".join(f"<td>{d:+.3f}</td>" for d in differences) + "</tr>"
        for metric, values, differences in rows
    )
    images = "\n".join(f'<h2>{html.escape(title)}</h2><img alt="{html.escape(title)}" src="data:image/png;base64,{png}">'
                       for title, png in plots(named).items())  # fmt: skip
    first = summaries[0]
    document = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Evaluation report</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}}td:first-child{{text-align:left}}</style></head>
<body><h1>Evaluation report</h1>
<p>{html.escape(", ".join(names))} · confidence {confidence:g} · ball hit within {first['ball_distance']:g} px ·
COCO limit {first['max_detections']} detections per image · {first['images']} images ·
written {datetime.now().isoformat(timespec='seconds')} by Soccer Desktop {__version__}</p>
<h2>Metrics</h2><table><tr><th>metric</th>{head}</tr>
{body}
</table>
{images}
<p>The same numbers are in {html.escape(csv_path.name)}.</p></body></html>
"""
    atomic_write_text(path, document)
    return path, csv_path


def _cell(value: float) -> str:
    return "n/a" if value < 0 else (f"{value:.0f}" if value == int(value) and value > 1 else f"{value:.3f}")
