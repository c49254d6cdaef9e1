"""User settings survive damage and keep recent lists short."""

from __future__ import annotations

from pathlib import Path

from soccer_desktop.settings import MAX_RECENT, Settings


def test_round_trip_and_recent_order(tmp_path: Path) -> None:
    settings = Settings()
    for number in range(MAX_RECENT + 3):
        settings.remember_project(f"/p/{number}")
    settings.remember_project("/p/5")
    settings.save(tmp_path / "s.json")
    loaded = Settings.load(tmp_path / "s.json")
    assert loaded.recent_projects[0] == "/p/5"
    assert len(loaded.recent_projects) == MAX_RECENT


def test_damaged_or_foreign_file_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text("{broken")
    assert Settings.load(tmp_path / "s.json") == Settings()
    (tmp_path / "s.json").write_text('{"recent_projects": 5, "recent_videos": ["/v.mp4"], "unknown": 1}')
    loaded = Settings.load(tmp_path / "s.json")
    assert loaded.recent_projects == [] and loaded.recent_videos == ["/v.mp4"]
    (tmp_path / "s.json").write_text("[1, 2]")
    assert Settings.load(tmp_path / "s.json") == Settings()
    assert Settings.load(tmp_path / "missing.json") == Settings()
