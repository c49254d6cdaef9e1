"""A short synthetic match (exact ground truth) shared by the evaluation tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from soccer_desktop.video.synthetic import DemoMatch, generate_match


@pytest.fixture(scope="session")
def match(tmp_path_factory: pytest.TempPathFactory) -> DemoMatch:
    """Two seconds of the demo panorama: 50 frames, 23 players and a ball each."""
    return generate_match(tmp_path_factory.mktemp("match") / "media", seconds=2.0)
