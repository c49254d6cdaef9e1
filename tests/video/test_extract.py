"""Frame extraction: planning strategies, exact frames, duplicates, progress, cancel and resume."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from soccer_desktop.core.errors import UserError
from soccer_desktop.core.jobs import JobCancelled, Progress
from soccer_desktop.project.store import NewEvent, Project, Video
from soccer_desktop.video.reader import VideoReader
from soccer_desktop.video.extract import (
    ExtractionError,
    ExtractionStrategy,
    changed_fraction,
    extract_frames,
    plan_extraction,
    thumbnail,
)
from soccer_desktop.video.library import add_video
from soccer_desktop.video.reader import VideoError
from tests.media import read_index


def _video(frame_count: int = 1000, fps: float = 25.0) -> Video:
    return Video(1, "/x.mp4", 0, 0.0, 640, 360, fps, frame_count, "h264")


# ------------------------------------------------------------------- planning


def test_every_nth_frame() -> None:
    assert plan_extraction(_video(100), ExtractionStrategy(every_n=25)) == [0, 25, 50, 75]


def test_target_count_spreads_evenly_from_first_to_last_frame() -> None:
    plan = plan_extraction(_video(1000), ExtractionStrategy(target_count=5))
    assert plan == [0, 250, 500, 749, 999]
    assert plan_extraction(_video(3), ExtractionStrategy(target_count=10)) == [0, 1, 2]


def test_range_alone_takes_every_frame_and_limits_other_strategies() -> None:
    assert plan_extraction(_video(), ExtractionStrategy(frame_range=(10, 15))) == [10, 11, 12, 13, 14]
    assert plan_extraction(_video(), ExtractionStrategy(every_n=10, frame_range=(15, 50))) == [20, 30, 40]
    assert plan_extraction(_video(100), ExtractionStrategy(frame_range=(90, 500))) == list(range(90, 100))


def test_event_windows_with_label_filter_and_strategies_combine(tmp_path: Path, index_clip: Path) -> None:
    with Project.create(tmp_path / "p") as project:
        video, _ = add_video(project, index_clip)
        project.replace_events(video.id, [NewEvent("SHOT", 4000, 100), NewEvent("PASS", 8000, 200)])
        strategy = ExtractionStrategy(around_events_s=0.4, event_labels=("SHOT",), event_every=5, every_n=150)
        plan = plan_extraction(video, strategy, project.events(video.id, strategy.event_labels))
    # ±0.4 s at 25 fps = ±10 frames around 100, every 5th from the window start; plus 0 and 150.
    assert plan == [0, 90, 95, 100, 105, 110, 150]


@pytest.mark.parametrize(
    "strategy",
    [
        ExtractionStrategy(),
        ExtractionStrategy(every_n=0),
        ExtractionStrategy(target_count=0),
        ExtractionStrategy(around_events_s=-1),
        ExtractionStrategy(frame_range=(5, 5)),
        ExtractionStrategy(every_n=5, min_change=1.5),
    ],
)
def test_bad_strategies_are_user_errors_that_name_the_fix(strategy: ExtractionStrategy) -> None:
    with pytest.raises(ExtractionError) as caught:
        plan_extraction(_video(), strategy)
    assert isinstance(caught.value, UserError)
    text = caught.value.for_cli()  # the fix may be a hint of its own for each front end
    assert "use" in text or "Pick" in text
    assert "use" in caught.value.for_gui() or "Tick" in caught.value.for_gui()


# ------------------------------------------------------------------- decoding


def test_reader_grabs_exactly_the_asked_frames_across_b_frames_and_gops(index_clip: Path) -> None:
    wanted = [299, 0, 7, 100, 249, 250, 251, 7, 10_000]
    with VideoReader(index_clip) as grabber:
        got = [(index, read_index(image)) for index, image in grabber.grab(wanted)]
    assert got == [(i, i) for i in [0, 7, 100, 249, 250, 251, 299]]


def test_duplicate_measure_ignores_noise_but_sees_small_moving_players() -> None:
    rng = np.random.default_rng(0)
    field = np.full((1080, 3840, 3), (40, 120, 45), np.uint8)
    noisy = np.clip(field + rng.integers(-3, 4, field.shape), 0, 255).astype(np.uint8)
    assert changed_fraction(thumbnail(field), thumbnail(noisy)) == 0
    moved = field.copy()
    for k in range(22):  # 22 players of 12x32 px somewhere else
        moved[100 + 40 * k : 132 + 40 * k, 200 + 150 * k : 212 + 150 * k] = (40, 40, 210)
    assert changed_fraction(thumbnail(field), thumbnail(moved)) > 0.001


# ------------------------------------------------------------------- the job


@pytest.fixture
def project(tmp_path: Path, index_clip: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "project") as project:
        add_video(project, index_clip)
        yield project


def test_frames_are_stored_as_jpeg_and_registered_with_index_and_time(project: Project) -> None:
    reports: list[Progress] = []
    summary = extract_frames(project, None, ExtractionStrategy(every_n=50), quality=90, progress=reports.append)
    frames = project.frames()
    assert [f.frame_index for f in frames] == [0, 50, 100, 150, 200, 250]
    assert summary.added == 6 and summary.planned == 6 and summary.already_present == 0
    for frame in frames:
        image = cv2.imread(str(project.image_file(frame)))
        assert image is not None and read_index(image) == frame.frame_index
        assert (frame.width, frame.height) == (image.shape[1], image.shape[0])
        assert frame.timestamp_s == pytest.approx(frame.frame_index / 25)
        assert frame.image_path.endswith(".jpg") and not Path(frame.image_path).is_absolute()
    assert reports[-1].done == reports[-1].total == 6 and "frames/s" in reports[-1].message


def test_second_run_only_adds_what_is_missing(project: Project) -> None:
    extract_frames(project, None, ExtractionStrategy(every_n=100))
    lost = project.frames()[1]
    project.image_file(lost).unlink()  # a deleted image is written again, its row kept
    summary = extract_frames(project, None, ExtractionStrategy(every_n=50))
    assert summary.added == 4 and summary.already_present == 2
    assert [f.frame_index for f in project.frames()] == [0, 50, 100, 150, 200, 250]
    assert project.image_file(project.frame(lost.id)).is_file()
    again = extract_frames(project, None, ExtractionStrategy(every_n=50))
    assert again.added == 0 and again.already_present == 6


def test_quality_setting_reaches_the_jpeg(tmp_path: Path, index_clip: Path) -> None:
    sizes = []
    for quality in (20, 98):
        with Project.create(tmp_path / f"q{quality}") as project:
            add_video(project, index_clip)
            extract_frames(project, None, ExtractionStrategy(target_count=1), quality=quality)
            sizes.append(project.image_file(project.frames()[0]).stat().st_size)
    assert sizes[0] < sizes[1]
    with Project.open(tmp_path / "q20") as project, pytest.raises(ExtractionError, match="1 to 100"):
        extract_frames(project, None, ExtractionStrategy(every_n=5), quality=0)


def test_cancel_keeps_what_was_stored_and_a_rerun_completes(project: Project) -> None:
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(JobCancelled):
        extract_frames(project, None, ExtractionStrategy(every_n=25), cancel=cancel)
    kept = project.frames()
    assert 0 < len(kept) < 12
    for frame in kept:
        assert project.image_file(frame).is_file()
    summary = extract_frames(project, None, ExtractionStrategy(every_n=25))
    assert summary.already_present == len(kept) and summary.added == 12 - len(kept)


def _write_clip(path: Path, images: list[np.ndarray]) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = images[0].shape[1], images[0].shape[0], "yuv420p"
        for image in images:
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def test_near_duplicates_of_an_idle_camera_are_skipped(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    still = (rng.integers(0, 40, (180, 320, 3)) + (40, 110, 40)).astype(np.uint8)
    moving = []
    for index in range(20):
        image = still.copy()
        image[60:90, 10 + 12 * index : 22 + 12 * index] = (40, 40, 210)
        moving.append(image)
    clip = _write_clip(tmp_path / "idle.mp4", [still] * 20 + moving)
    with Project.create(tmp_path / "p") as project:
        add_video(project, clip)
        summary = extract_frames(project, None, ExtractionStrategy(every_n=1))
        assert summary.duplicates_skipped >= 18  # the idle second keeps one frame (or two, codec warm-up)
        assert [f.frame_index for f in project.frames()][-20:] == list(range(20, 40))
    with Project.create(tmp_path / "all") as project:
        add_video(project, clip)
        assert extract_frames(project, None, ExtractionStrategy(every_n=1, min_change=0)).added == 40


def test_missing_video_and_empty_project_say_what_to_do(tmp_path: Path, index_clip: Path) -> None:
    with Project.create(tmp_path / "empty") as project, pytest.raises(ExtractionError) as caught:
        extract_frames(project, None, ExtractionStrategy(every_n=5))
    assert "video add" in caught.value.for_cli() and "File › Open video…" in caught.value.for_gui()
    moved = tmp_path / "moved.mp4"
    moved.write_bytes(index_clip.read_bytes())
    with Project.create(tmp_path / "p") as project:
        add_video(project, moved)
        moved.unlink()
        with pytest.raises(VideoError, match="Relink"):
            extract_frames(project, None, ExtractionStrategy(every_n=5))


def test_only_chosen_videos_are_extracted(tmp_path: Path, index_clip: Path) -> None:
    other = tmp_path / "other.mp4"
    other.write_bytes(index_clip.read_bytes())
    with Project.create(tmp_path / "p") as project:
        first, _ = add_video(project, index_clip)
        second, _ = add_video(project, other)
        extract_frames(project, [second.id], ExtractionStrategy(target_count=3))
        assert {f.video_id for f in project.frames()} == {second.id}
        summary = extract_frames(project, None, ExtractionStrategy(target_count=3))
        assert summary.videos == 2 and summary.added == 3 and len(project.frames(first.id)) == 3


def test_event_windows_span_their_seconds_on_a_variable_frame_rate_video(tmp_path: Path) -> None:
    from tests.media import write_vfr_clip

    # 25 fps for a second, then 5 fps for two: the average (about 11.7 fps) fits neither part.
    times_ms = [i * 40 for i in range(25)] + [1000 + i * 200 for i in range(10)]
    clip = write_vfr_clip(tmp_path / "vfr.mp4", times_ms)
    with Project.create(tmp_path / "p") as project:
        video, _ = add_video(project, clip)
        project.replace_events(video.id, [NewEvent("SHOT", 1800, 29)])  # frame 29 is shown at 1.8 s
        strategy = ExtractionStrategy(around_events_s=0.4, event_every=1)
        summary = extract_frames(project, None, strategy)
        extracted = sorted(frame.frame_index for frame in project.frames(video.id))
    assert [times_ms[i] for i in extracted] == [1400, 1600, 1800, 2000, 2200]  # 1.4 s to 2.2 s, no more
    assert summary.planned == 5
