"""Storing parsed labels in a project: files first, then every row in one transaction.

Importers parse and check the whole source before anything is stored. Then
images are copied (folder datasets, into ``frames/imported/<source>/``) or
decoded from the video into a hidden staging folder, without holding the
project's write lock; and finally every row (video, frames, boxes, reviewed
flags) is written in one transaction. If anything fails, the transaction
rolls back and the files this import created are removed, so the project is
exactly as before.

Importing the same labels twice does not double them: a frame already in
the project is reused, and a box identical (class and coordinates) to one
already on its frame is skipped.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, check_cancel
from soccer_desktop.dataset.common import DatasetError, safe_name, short_hash
from soccer_desktop.project.store import NewBox, Project
from soccer_desktop.video.frames import frame_image_path, write_jpeg
from soccer_desktop.video.frame_index import index_dir
from soccer_desktop.video.reader import VideoReader

IMPORTED_DIR = "imported"


@dataclass(frozen=True)
class ImportedImage:
    """An image of a folder dataset with its boxes; ``relative`` is where it goes under the source's folder."""

    source: Path
    relative: PurePosixPath
    width: int
    height: int
    boxes: list[NewBox]


@dataclass(frozen=True)
class LabelledVideoFrame:
    """Boxes for one frame of a video; ``where`` names the line or entry, for error messages."""

    frame_index: int
    boxes: list[NewBox]
    where: str
    size: tuple[int, int] | None = None


@dataclass
class ImportResult:
    source: Path
    frames_added: int = 0
    frames_reused: int = 0
    negatives: int = 0
    duplicates: int = 0
    boxes: dict[str, int] = field(default_factory=lambda: {"player": 0, "ball": 0})
    dropped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        frames = self.frames_added + self.frames_reused
        lines = [
            f"Imported {frames} frames from {self.source} ({self.frames_added} new, {self.frames_reused} already "
            f"in the project) in {self.seconds:.1f} s",
            f"  {self.boxes['player']} player and {self.boxes['ball']} ball boxes; "
            f"{self.negatives} frames without boxes",
        ]
        if self.duplicates:
            lines.append(f"  {self.duplicates} boxes were already in the project and were skipped")
        for name, count in sorted(self.dropped.items()):
            lines.append(
                f"  left out {count} boxes of {name!r} (keep them with --map '{name}=player' or '{name}=ball')"
            )
        return "\n".join(lines)


def check_every(every: int) -> None:
    """Refuse a frame step below 1 (``every=N`` keeps frames whose index is a multiple of N)."""
    if every < 1:
        raise DatasetError(f"--every {every} is not a frame step. Use 1 for every frame, 5 for every fifth, …")


def source_folder_name(source: Path) -> str:
    """The folder under ``frames/imported`` for a source: its name plus a hash of its path (no clashes)."""
    folder = source if source.is_dir() else source.parent
    return f"{safe_name(folder.name)}-{short_hash(str(folder.resolve()))}"


def _store_boxes(
    project: Project, frame_id: int, boxes: Sequence[NewBox], known: bool, reviewed: bool, result: ImportResult
) -> None:
    existing = {(b.class_id, b.x, b.y, b.w, b.h) for b in project.boxes(frame_id)} if known else set()
    fresh: list[NewBox] = []
    for box in boxes:
        key = (box.class_id, box.x, box.y, box.w, box.h)
        if key in existing:
            result.duplicates += 1
            continue
        existing.add(key)
        fresh.append(box)
        result.boxes[box.class_id.label] += 1
    project.add_boxes(frame_id, fresh)
    result.negatives += not boxes
    if reviewed:
        project.set_reviewed(frame_id, True)


def commit_images(
    project: Project,
    source: Path,
    images: Sequence[ImportedImage],
    *,
    reviewed: bool,
    dropped: Mapping[str, int],
    progress: ProgressCallback,
    cancel: CancelCheck,
) -> ImportResult:
    """Copy a folder dataset's images into the project and store their boxes in one transaction."""
    start = time.perf_counter()
    result = ImportResult(source, dropped=dict(dropped))
    target_root = project.frames_dir / IMPORTED_DIR / source_folder_name(source)
    prefix = target_root.relative_to(project.root).as_posix() + "/"
    with project.transaction() as db:
        rows = db.execute(
            "SELECT image_path, id FROM frames WHERE substr(image_path, 1, ?) = ?", (len(prefix), prefix)
        ).fetchall()
    registered = {row[0]: int(row[1]) for row in rows}
    created: list[Path] = []
    planned: list[tuple[ImportedImage, Path, int | None]] = []
    try:
        for number, image in enumerate(images):
            if number % 32 == 0:
                check_cancel(cancel)
                progress(Progress(number, len(images), "Copying images"))
            target = target_root / image.relative
            frame_id = registered.get(target.relative_to(project.root).as_posix())
            if frame_id is None or not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists():
                    created.append(target)
                shutil.copyfile(image.source, target)
            planned.append((image, target, frame_id))
        check_cancel(cancel)
        progress(Progress(len(images), len(images), "Storing labels"))
        with project.transaction():
            for image, target, frame_id in planned:
                known = frame_id is not None
                if frame_id is None:
                    frame_id = project.add_frame(target, width=image.width, height=image.height).id
                    result.frames_added += 1
                else:
                    result.frames_reused += 1
                _store_boxes(project, frame_id, image.boxes, known, reviewed, result)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    result.seconds = time.perf_counter() - start
    return result


def commit_video_frames(
    project: Project,
    source: Path,
    video_path: Path,
    frames: Sequence[LabelledVideoFrame],
    *,
    reviewed: bool,
    dropped: Mapping[str, int],
    progress: ProgressCallback,
    cancel: CancelCheck,
) -> ImportResult:
    """Register the video, store the labelled frames as JPEGs and their boxes, in one transaction."""
    start = time.perf_counter()
    result = ImportResult(source, dropped=dict(dropped))
    by_index: dict[int, LabelledVideoFrame] = {}
    for item in frames:
        earlier = by_index.get(item.frame_index)
        by_index[item.frame_index] = item if earlier is None else LabelledVideoFrame(
            item.frame_index, earlier.boxes + item.boxes, earlier.where, earlier.size
        )
    staging = project.frames_dir / f".import-{uuid.uuid4().hex[:12]}"
    moved: list[Path] = []
    try:
        with VideoReader(video_path, index_cache=index_dir(project.root)) as reader:
            info, time_of = reader.info, reader.index.time_of  # real timestamps, right for VFR files too
            for item in by_index.values():
                if not 0 <= item.frame_index < info.frame_count:
                    raise DatasetError(
                        f"{item.where}: frame {item.frame_index} is outside {info.path.name}, which has frames "
                        f"0 to {info.frame_count - 1}. Choose the video these labels were made on."
                    )
                if item.size is not None and item.size != (info.width, info.height):
                    raise DatasetError(
                        f"{item.where}: the labels are for a {item.size[0]}x{item.size[1]} picture but "
                        f"{info.path.name} is {info.width}x{info.height}. Choose the video these labels were made on."
                    )
            known = project.video_by_path(info.path)
            staged: dict[int, Path] = {}
            for number, index in enumerate(sorted(by_index)):
                if number % 8 == 0:
                    check_cancel(cancel)
                    progress(Progress(number, len(by_index), f"Reading frames of {info.path.name}"))
                existing = project.frame_at(known.id, index) if known is not None else None
                if existing is not None and project.image_file(existing).is_file():
                    continue
                staged[index] = staging / f"{index:07d}.jpg"
                write_jpeg(staged[index], reader.read(index))
        check_cancel(cancel)
        progress(Progress(len(by_index), len(by_index), "Storing labels"))
        with project.transaction():
            video = project.add_video(
                info.path, width=info.width, height=info.height, fps=info.fps,
                frame_count=info.frame_count, codec=info.codec,
            )
            for index in sorted(by_index):
                frame = project.frame_at(video.id, index)
                known_frame = frame is not None
                if index in staged:
                    target = frame_image_path(project, video.id, index)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(staged[index], target)
                    moved.append(target)
                if frame is None:
                    frame = project.add_frame(
                        frame_image_path(project, video.id, index), width=info.width, height=info.height,
                        video_id=video.id, frame_index=index, timestamp_s=time_of(index),
                    )
                    result.frames_added += 1
                else:
                    result.frames_reused += 1
                _store_boxes(project, frame.id, by_index[index].boxes, known_frame, reviewed, result)
    except BaseException:
        for path in moved:
            path.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - start
    return result
