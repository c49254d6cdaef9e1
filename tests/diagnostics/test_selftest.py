"""``soccer-desktop self-test``: one line per check, non-zero at the first failure, nothing left behind."""

from __future__ import annotations

import re
from pathlib import Path

from soccer_desktop.diagnostics.selftest import CHECKS, Check, CheckFailed, check_nms, check_project, run_self_test
from tests.diagnostics.isolation import run_isolated


def test_self_test_passes_here_and_writes_only_in_platformdirs(tmp_path: Path) -> None:
    result, stray = run_isolated(["-m", "soccer_desktop", "self-test"], tmp_path, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split()[:2] for line in lines[:-1]] == [["ok", check.name] for check in CHECKS]
    assert re.fullmatch(r"All 7 checks passed in [\d.]+ s \(linux\)\.", lines[-1]), lines[-1]
    assert "exact reads" in result.stdout and "boxes from a 384 px tile" in result.stdout
    assert stray == [], f"written outside the platformdirs locations: {stray}"
    assert not list(Path(tmp_path / "home").rglob("*.mp4")), "the self-test's clip was left behind"


def test_the_first_failure_stops_the_run_with_one_clear_line() -> None:
    ran: list[str] = []

    def broken(_: Path) -> str:
        ran.append("broken")
        raise CheckFailed("torchvision.ops.nms kept [0, 1, 2] instead of [0, 2]")

    def after(_: Path) -> str:
        ran.append("after")
        return "never"

    lines: list[str] = []
    code = run_self_test(lines.append, (Check("nms", check_nms), Check("broken", broken), Check("after", after)))
    assert code == 1 and ran == ["broken"]
    assert lines[0].startswith("ok   nms ")
    assert lines[1] == "FAIL broken  torchvision.ops.nms kept [0, 1, 2] instead of [0, 2]"
    assert len(lines) == 2


def test_an_unexpected_error_is_reported_as_a_failed_check() -> None:
    """The project check on its own has no clip to add: the library's own error becomes the FAIL line."""
    lines: list[str] = []
    assert run_self_test(lines.append, (Check("project", check_project),)) == 1
    assert lines[0].startswith("FAIL project  ") and "index.mp4" in lines[0]
