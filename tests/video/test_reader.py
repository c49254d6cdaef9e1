"""Frame-accurate reading: asking for frame N gives frame N, in any order, in any container."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from soccer_desktop.video.reader import VideoError, VideoReader, probe
from tests.media import read_index, write_index_clip


def test_probe_reports_size_rate_and_exact_count(index_clip: Path) -> None:
    info = probe(index_clip)
    assert (info.width, info.height, info.fps, info.frame_count, info.codec) == (384, 64, 25.0, 300, "h264")
    assert info.duration_s == pytest.approx(12.0)


def test_sequential_reads_are_exact(index_clip: Path) -> None:
    with VideoReader(index_clip) as reader:
        assert [read_index(reader.read(i)) for i in range(reader.frame_count)] == list(range(300))


def test_random_seeks_are_exact_with_b_frames_and_long_gop(index_clip: Path) -> None:
    rng = random.Random(7)
    wanted = [rng.randrange(300) for _ in range(80)] + [299, 0, 249, 250, 251, 1, 298]
    with VideoReader(index_clip) as reader:
        assert reader.keyframe_at_or_before(240) == 0  # one long GOP before frame 250
        assert [read_index(reader.read(i)) for i in wanted] == wanted


@pytest.mark.parametrize(
    ("suffix", "codec", "container_format"),
    [(".mkv", "libx264", None), (".mov", "libx264", None), (".avi", "mpeg4", None)],
)
def test_other_containers_are_exact(tmp_path: Path, suffix: str, codec: str, container_format: str | None) -> None:
    path = write_index_clip(tmp_path / f"clip{suffix}", frame_count=120, gop=50, b_frames=2, codec=codec,
                            container_format=container_format)
    with VideoReader(path) as reader:
        assert reader.frame_count == 120
        wanted = [119, 3, 60, 59, 61, 0, 100, 101, 102, 7]
        assert [read_index(reader.read(i)) for i in wanted] == wanted


def test_read_near_returns_the_keyframe_before(index_clip: Path) -> None:
    with VideoReader(index_clip) as reader:
        shown, image = reader.read_near(270)
        assert shown == 250 == read_index(image)


def test_out_of_range_is_an_index_error(index_clip: Path) -> None:
    with VideoReader(index_clip) as reader, pytest.raises(IndexError):
        reader.read(300)


def test_non_video_file_gets_a_clear_message(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("these are my match notes, not a video")
    with pytest.raises(VideoError, match="cannot be opened as a video"):
        probe(bogus)


def test_missing_file_gets_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="is missing .moved or deleted.. Relink"):
        probe(tmp_path / "gone.mp4")


def test_truncated_video_reads_what_is_there_and_reports_the_rest(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.mkv"
    mkv = write_index_clip(tmp_path / "full.mkv", frame_count=300, gop=25, b_frames=2)
    data = mkv.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    with VideoReader(truncated) as reader:
        assert 0 < reader.frame_count < 300
        last = reader.frame_count - 1
        assert read_index(reader.read(0)) == 0
        try:
            image = reader.read(last)
        except VideoError as error:
            assert "truncated or damaged" in str(error) or "could not be decoded" in str(error)
        else:
            assert read_index(image) == last
