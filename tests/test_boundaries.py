"""Architecture rules kept as tests: the Qt boundary and lazy heavy imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "rfdetr", "sahi", "mlflow")


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gui_and_cli_start_without_heavy_imports() -> None:
    """Building the main window must not import torch, rfdetr, sahi or mlflow (~8 s)."""
    code = (
        "import sys, os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from soccer_desktop.cli import build_parser; build_parser()\n"
        "from soccer_desktop.gui.app import create_window\n"
        "app, window = create_window(); window.show(); app.processEvents()\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    env = {**__import__("os").environ}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"heavy modules imported at start-up: {result.stdout}"
