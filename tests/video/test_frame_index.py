"""Each video is demuxed once: the frame index is kept in memory and in the project, and reused."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from soccer_desktop.detect import pseudo_label as pseudo_label_module
from soccer_desktop.detect.motion import MotionProposals
from soccer_desktop.detect.pseudo_label import pseudo_label, select_frames
from soccer_desktop.project.store import Project, ProjectError
from soccer_desktop.video import frame_index
from soccer_desktop.video.extract import ExtractionStrategy, extract_frames
from soccer_desktop.video.frame_index import demux_count, forget_in_memory, frame_index_for, index_dir
from soccer_desktop.video.library import add_video, relink_video
from soccer_desktop.video.reader import VideoReader
from tests.media import read_index, write_vfr_clip

#: Frame i of the VFR clip is shown at VFR_TIMES_MS[i]: long gaps make the average rate useless.
VFR_TIMES_MS = [0, 40, 80, 200, 240, 1000, 1040, 1080, 1500, 1540]


@pytest.fixture
def clip(tmp_path: Path, index_clip: Path) -> Path:
    """A private copy, so its mtime can change without touching the shared clip."""
    return Path(shutil.copy(index_clip, tmp_path / "match.mp4"))


def test_a_video_is_demuxed_once_for_adding_extraction_and_motion_proposals(
    tmp_path: Path, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pseudo_label_module, "GROUP_SPAN_S", 2.0)  # 12 s of video: several groups
    with Project.create(tmp_path / "p") as project:
        before = demux_count()
        video, _ = add_video(project, clip)
        assert demux_count() == before + 1
        assert list(index_dir(project.root).glob("*.npz"))
        extract_frames(project, None, ExtractionStrategy(every_n=25, min_change=0))
        assert demux_count() == before + 1

        forget_in_memory()  # a new session: only the project's cached index is left
        frames = select_frames(project)
        groups = list(pseudo_label_module._groups(project, frames))
        assert len(groups) >= 4
        pseudo_label(project, MotionProposals(index_cache=index_dir(project.root)), frames)
        assert demux_count() == before + 1

        forget_in_memory()  # without the project's cache, still one demux for all the groups
        pseudo_label(project, MotionProposals(), frames, resume=False)
        assert demux_count() == before + 2
        assert frame_index_for(project, video).frame_count == 300


def test_a_changed_file_is_indexed_again(tmp_path: Path, clip: Path) -> None:
    cache = tmp_path / "cache"
    with VideoReader(clip, index_cache=cache) as reader:
        first = reader.index
    forget_in_memory()
    before = demux_count()
    with VideoReader(clip, index_cache=cache) as reader:
        assert reader.index.frame_count == first.frame_count
    assert demux_count() == before
    stat = clip.stat()
    os.utime(clip, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    with VideoReader(clip, index_cache=cache) as reader:
        assert read_index(reader.read(123)) == 123
    assert demux_count() == before + 1


def test_an_unreadable_cached_index_is_rebuilt(tmp_path: Path, clip: Path) -> None:
    cache = tmp_path / "cache"
    VideoReader(clip, index_cache=cache).close()
    (cached,) = cache.glob("*.npz")
    cached.write_bytes(b"not an index")
    forget_in_memory()
    before = demux_count()
    with VideoReader(clip, index_cache=cache) as reader:
        assert read_index(reader.read(260)) == 260
    assert demux_count() == before + 1


def test_variable_frame_rate_events_and_timestamps_follow_the_real_pts(tmp_path: Path) -> None:
    clip = write_vfr_clip(tmp_path / "vfr.mp4", VFR_TIMES_MS)
    events = tmp_path / "events.json"
    events.write_text(json.dumps({"annotations": [
        {"label": "PASS", "position": 1010}, {"label": "SHOT", "position": 1530}, {"label": "KICK", "position": 210},
    ]}))
    with Project.create(tmp_path / "p") as project:
        video, count = add_video(project, clip, events)
        assert count == 3
        assert round(video.fps) != 25  # the average rate is far from any real spacing
        assert [(e.label, e.frame_index) for e in project.events(video.id)] == [("KICK", 3), ("PASS", 5), ("SHOT", 9)]
        extract_frames(project, None, ExtractionStrategy(every_n=1, min_change=0))
        stamps = {f.frame_index: f.timestamp_s for f in project.frames(video.id)}
        assert stamps == {i: pytest.approx(t / 1000) for i, t in enumerate(VFR_TIMES_MS)}
        with VideoReader(clip) as reader:
            assert [read_index(reader.read(i)) for i in (9, 5, 0, 8)] == [9, 5, 0, 8]


def test_events_past_the_last_frame_of_a_vfr_video_are_refused(tmp_path: Path) -> None:
    from soccer_desktop.video.events import EventsError

    clip = write_vfr_clip(tmp_path / "vfr.mkv", VFR_TIMES_MS)
    events = tmp_path / "events.json"
    events.write_text(json.dumps({"annotations": [{"label": "PASS", "position": 9000}]}))
    with Project.create(tmp_path / "p") as project, pytest.raises(EventsError, match="after the end"):
        add_video(project, clip, events)


def test_relinking_onto_a_file_already_in_the_project_is_refused(tmp_path: Path, clip: Path) -> None:
    other = Path(shutil.copy(clip, tmp_path / "other.mp4"))
    with Project.create(tmp_path / "p") as project:
        first, _ = add_video(project, clip)
        second, _ = add_video(project, other)
        with pytest.raises(ProjectError, match=r"already in the project as video \d+\. Choose the moved file"):
            relink_video(project, first.id, other)
        assert [v.path for v in project.videos()] == [str(clip.resolve()), str(other.resolve())]
        assert relink_video(project, first.id, clip).id == first.id  # relinking onto itself is fine


def test_the_in_memory_cache_is_bounded(tmp_path: Path, clip: Path) -> None:
    forget_in_memory()
    copies = [Path(shutil.copy(clip, tmp_path / f"c{i}.mp4")) for i in range(frame_index._MEMORY_ENTRIES + 2)]
    for path in copies:
        VideoReader(path).close()
    assert len(frame_index._memory) == frame_index._MEMORY_ENTRIES
