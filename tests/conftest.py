"""Shared test set-up: offscreen Qt, a private user folder, generated media, no leaked threads."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import cv2  # noqa: E402,F401  - test modules import it before Qt starts; undo its Qt variables

from soccer_desktop.gui.qt_env import prepare_qt_environment  # noqa: E402

prepare_qt_environment()

from tests.media import write_index_clip  # noqa: E402

# The repository sits beside the team's shared/ folder (here and in CI).
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings, logs, models and the demo project go to a temporary folder, never the real one."""
    home = tmp_path_factory.mktemp("user-home")
    monkeypatch.setenv("SOCCER_DESKTOP_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """Fail a test that leaves a thread of its own running (napari's habit)."""
    before = set(threading.enumerate())
    yield
    deadline = 5.0
    import time

    start = time.monotonic()
    while time.monotonic() - start < deadline:
        leaked = [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]
        leaked += [t for t in threading.enumerate() if t not in before and t.is_alive() and t.name.startswith(("job:", "decode"))]
        if not leaked:
            return
        time.sleep(0.05)
    pytest.fail(f"threads left running: {[t.name for t in leaked]}")


@pytest.fixture(scope="session")
def index_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 frames of H.264 with B-frames and one 250-frame GOP; each frame shows its own index."""
    path = tmp_path_factory.mktemp("clips") / "index.mp4"
    write_index_clip(path, frame_count=300, gop=250, b_frames=3)
    return path


@pytest.fixture(scope="session")
def shared_frames() -> Path:
    folder = SHARED_DATA / "soccertrack_v2_frames"
    if not folder.is_dir():
        pytest.skip(f"shared test data not found at {folder}")
    return folder
