"""Fixtures for dataset tests: an empty project and a tiny self-identifying clip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from soccer_desktop.project.store import Project
from tests.media import write_index_clip


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "project") as opened:
        yield opened


@pytest.fixture(scope="session")
def small_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 frames (384x64, 25 fps, short GOP) whose pictures show their index."""
    return write_index_clip(tmp_path_factory.mktemp("dataset-clips") / "clip.mp4", frame_count=60, gop=10,
                            b_frames=0)

