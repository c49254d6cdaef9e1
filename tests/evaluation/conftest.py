"""A short synthetic match (exact ground truth) shared by the evaluation tests."""

from __future__ import annotations

import pytest

from soccer_desktop.video.synthetic import DemoMatch
from tests.evaluation.match import synthetic_match


@pytest.fixture(scope="session")
def match(tmp_path_factory: pytest.TempPathFactory) -> DemoMatch:
    return synthetic_match(tmp_path_factory)
