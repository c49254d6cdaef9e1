"""One short synthetic match per test session, shared by the evaluation and results-viewer tests."""

from __future__ import annotations

import pytest

from soccer_desktop.video.synthetic import DemoMatch, generate_match

_CACHE: dict[str, DemoMatch] = {}


def synthetic_match(tmp_path_factory: pytest.TempPathFactory) -> DemoMatch:
    """Two seconds of the demo panorama: 50 frames, 23 players and a ball each (rendered once)."""
    if "match" not in _CACHE:
        _CACHE["match"] = generate_match(tmp_path_factory.mktemp("match") / "media", seconds=2.0)
    return _CACHE["match"]
