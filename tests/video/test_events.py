"""Event file import: SoccerNet/SoccerTrack JSON to frame indices, refused whole when malformed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soccer_desktop.project.store import Project
from soccer_desktop.video.events import EventsError, parse_events
from soccer_desktop.video.library import add_video, import_events


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


def test_annotations_with_string_positions_become_frames(tmp_path: Path) -> None:
    path = _write(tmp_path / "e.json", {"annotations": [
        {"gameTime": "1 - 00:02", "label": "PASS", "position": "2000", "team": "left", "visibility": "visible"},
        {"gameTime": "1 - 00:04", "label": "HIGH PASS", "position": 4040},
        {"label": "SHOT", "position": "10000", "team": "right"},
    ]})
    events = parse_events(path, fps=25.0)
    assert [(e.label, e.position_ms, e.frame_index, e.team) for e in events] == [
        ("PASS", 2000, 50, "left"), ("HIGH PASS", 4040, 101, ""), ("SHOT", 10000, 250, "right")]
    assert events[0].game_time == "1 - 00:02"


def test_actions_key_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path / "e.json", {"actions": [{"label": "DRIVE", "position": 40}]})
    assert parse_events(path, fps=50.0)[0].frame_index == 2


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"events": []}, "no 'annotations' or 'actions'"),
        ({"annotations": [{"label": "PASS", "position": "12"}, {"label": "PASS", "position": "soon"}]}, "entry 1"),
        ({"annotations": [{"position": "12"}]}, "no 'label'"),
        ({"annotations": [{"label": "PASS", "position": -5}]}, "milliseconds"),
        ({"annotations": [{"label": "PASS", "position": 5, "gameTime": "first half"}]}, "gameTime"),
        ({"annotations": ["PASS"]}, "not an object"),
    ],
)
def test_malformed_files_name_the_first_bad_entry(tmp_path: Path, document: object, message: str) -> None:
    with pytest.raises(EventsError, match=message):
        parse_events(_write(tmp_path / "bad.json", document), fps=25.0)


def test_event_after_the_end_of_the_video_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "e.json", {"annotations": [{"label": "GOAL", "position": 99_000}]})
    with pytest.raises(EventsError, match="after the end of the video"):
        parse_events(path, fps=25.0, frame_count=300)


def test_bad_file_leaves_earlier_events_untouched(tmp_path: Path, index_clip: Path) -> None:
    good = _write(tmp_path / "good.json", {"annotations": [{"label": "PASS", "position": "1000"}]})
    bad = _write(tmp_path / "bad.json", {"annotations": [{"label": "SHOT", "position": "1"}, {"label": "X"}]})
    with Project.create(tmp_path / "p") as project:
        video, count = add_video(project, index_clip, good)
        assert count == 1
        with pytest.raises(EventsError):
            import_events(project, video, bad)
        assert [e.label for e in project.events(video.id)] == ["PASS"]
