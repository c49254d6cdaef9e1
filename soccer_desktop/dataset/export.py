"""Export a project's labelled frames as a training dataset (COCO for RF-DETR, YOLO, MOT).

Layouts written under OUT:

* ``coco``: ``train|valid|test/_annotations.coco.json`` with the images
  beside each file (the Roboflow layout RF-DETR trains on);
* ``coco-plan``: ``train|val|test/images/`` + ``…/annotations/annotations.json``;
* ``yolo``: ``data.yaml``, ``images/<split>/``, ``labels/<split>/`` (class 0 =
  player, 1 = ball, normalised centre/size);
* ``mot``: ``<video>/gt/gt.txt`` + ``seqinfo.ini`` + ``img1/`` per video
  (no split: tracking tools evaluate whole sequences).

A split test share of 0 writes no ``test`` folder. Every layout also gets
``dataset_manifest.json``: project, selection, split parameters and seed,
counts per class and split, and the SHA-256 of every annotation file, so a
training run can say exactly what it trained on.

Everything is written into a hidden sibling folder that then replaces OUT
in one rename: an interrupted or failed export never leaves half a dataset.
An earlier export in OUT is only replaced when asked (``replace=True``) and
never when a training run of the project used it (the run would then point
at data it never saw); the GUI exports to a new folder each time
(:func:`new_dataset_dir`). Images are
hard-linked from the project when possible (copied otherwise). COCO exports
are then validated (:mod:`.validate`) and the result recorded in the
manifest (cancelling during that check leaves the dataset in place, with no
``validation`` entry in its manifest). Exported COCO ids are the project's frame ids (images) and box ids
(annotations), so any entry can be traced back.
"""

from __future__ import annotations

import enum
import json
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from soccer_desktop import __version__
from soccer_desktop.core.disk import disk_error, writing
from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, check_cancel, never_cancelled, no_progress
from soccer_desktop.dataset.common import (
    CATEGORIES,
    CATEGORY_NAMES,
    DatasetError,
    Linker,
    safe_name,
    write_bytes_atomic,
)
from soccer_desktop.dataset.manifest import MANIFEST_NAME, hash_annotation_files
from soccer_desktop.dataset.selection import ExportFrame, Selection, select_frames
from soccer_desktop.dataset.split import DEFAULT_BLOCK_SECONDS, SPLITS, check_shares, plan_split
from soccer_desktop.dataset.validate import ValidationReport, balance_warnings, validate_dataset
from soccer_desktop.project.store import Project

#: Folder names of the splits in the ``coco-plan`` layout.
PLAN_SPLIT_DIRS = {"train": "train", "valid": "val", "test": "test"}
MOT_ALL = "all"


class ExportFormat(enum.StrEnum):
    COCO = "coco"
    COCO_PLAN = "coco-plan"
    YOLO = "yolo"
    MOT = "mot"


@dataclass(frozen=True)
class ExportResult:
    out_dir: Path
    format: ExportFormat
    counts: dict[str, dict[str, int]]
    annotations_sha256: str
    manifest: Path
    warnings: tuple[str, ...]
    validation: ValidationReport | None
    seconds: float

    def summary(self) -> str:
        """Counts per split and class, the hash and the warnings the validation report does not show."""
        total = sum(c["images"] for c in self.counts.values())
        lines = [f"Exported {total} frames as {self.format} to {self.out_dir} in {self.seconds:.1f} s"]
        for split, c in self.counts.items():
            lines.append(
                f"  {split}: {c['images']} images ({c['negatives']} without boxes), {c['player']} player "
                f"and {c['ball']} ball boxes, {c['ball_frames']} frames with the ball"
            )
        lines.append(f"  annotations sha256: {self.annotations_sha256}")
        shown_by_report = self.validation.warnings if self.validation is not None else []
        lines += [f"warning: {text}" for text in self.warnings if text not in shown_by_report]
        return "\n".join(lines)


def export_names(frames: Sequence[ExportFrame]) -> dict[int, str]:
    """A file name per frame, unique across videos and folders (also on case-insensitive disks).

    Video frames are ``<video>_v<video id>_<frame index>.jpg``; imported
    images keep their name, with ``_f<frame id>`` added on a clash. Stems are
    unique too, so YOLO label files never collide.
    """
    names: dict[int, str] = {}
    used: set[str] = set()
    video_stems: dict[int, str] = {}
    for item in frames:
        frame = item.frame
        base, suffix = os.path.splitext(os.path.basename(frame.image_path))
        suffix = suffix.lower() or ".jpg"
        if item.video is not None and frame.frame_index is not None:
            video = item.video
            if video.id not in video_stems:
                video_stems[video.id] = f"{safe_name(Path(video.path).stem)}_v{video.id}"
            stem = f"{video_stems[video.id]}_{frame.frame_index:07d}"
        else:
            stem = safe_name(base)
        while stem.casefold() in used:
            stem = f"{stem}_f{frame.id}"
        used.add(stem.casefold())
        names[frame.id] = stem + suffix
    return names


def _counts(frames: Sequence[ExportFrame]) -> dict[str, int]:
    counts = {"images": len(frames), "negatives": 0, "player": 0, "ball": 0, "ball_frames": 0}
    for item in frames:
        counts["negatives"] += not item.boxes
        counts["ball_frames"] += item.has_ball
        for box in item.boxes:
            counts[CATEGORY_NAMES[box.class_id]] += 1
    return counts


def new_dataset_dir(parent: Path | str, name: str = "dataset") -> Path:
    """A fresh ``<parent>/<name>-<date>-<time>`` folder path (not created): every GUI export gets its own."""
    parent = Path(parent)
    stem = f"{safe_name(name) or 'dataset'}-{time.strftime('%Y%m%d-%H%M%S')}"
    candidate, number = parent / stem, 2
    while candidate.exists():
        candidate, number = parent / f"{stem}-{number}", number + 1
    return candidate


def _check_target(project: Project, out_dir: Path, replace: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise DatasetError(f"{out_dir} is a file. Choose a folder for the dataset.")
    if not out_dir.is_dir() or not any(out_dir.iterdir()):
        return
    if not (out_dir / MANIFEST_NAME).is_file():
        raise DatasetError(
            f"{out_dir} already holds files that are not a Soccer Desktop dataset. Choose an empty or new folder."
        )
    from soccer_desktop.train.runs import runs_using_dataset

    used = runs_using_dataset(project, out_dir)
    if used:
        names = ", ".join(f"'{record.name}'" for record in used)
        raise DatasetError(
            f"{out_dir} is the dataset training run{'s' * (len(used) > 1)} {names} used; replacing it would leave "
            f"{'those runs' if len(used) > 1 else 'that run'} pointing at data {'they' if len(used) > 1 else 'it'} "
            "never trained on. Export to a new folder instead."
        )
    if not replace:
        raise DatasetError(
            f"{out_dir} already holds an exported dataset. Export to a new folder, or pass --replace to replace "
            "it (no training run of this project used it)."
        )


def _publish(staging: Path, out_dir: Path) -> None:
    """Put the finished dataset in place of OUT with renames (same file system: a sibling folder)."""
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except OSError:
        os.replace(old, out_dir)  # put the earlier export back
        raise
    shutil.rmtree(old, ignore_errors=True)


def _manifest_head(project: Project, fmt: ExportFormat, selection: Selection) -> dict[str, Any]:
    """What the manifest says about where the dataset came from."""
    videos = {item.video.id: item.video for item in selection.frames if item.video is not None}
    return {
        "schema": 1,
        "created_by": f"soccer-desktop {__version__}",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "format": str(fmt),
        "project": {"name": project.name, "root": str(project.root)},
        "selection": {
            "include_pseudo": selection.include_pseudo,
            "reviewed_frames": selection.reviewed_frames,
            "pseudo_frames": selection.pseudo_frames,
            "clipped_boxes": selection.clipped_boxes,
            "dropped_boxes": selection.dropped_boxes,
            "unresolved_reviewed_frames": selection.unresolved_frames,
        },
        "categories": list(CATEGORIES),
        "videos": [
            {"id": v.id, "path": v.path, "fps": v.fps, "frame_count": v.frame_count}
            for _, v in sorted(videos.items())
        ],
    }


class _Writer:
    """Writes one layout into the staging folder and remembers every annotation file for the hash."""

    def __init__(
        self, project: Project, root: Path, frames: Sequence[ExportFrame], names: dict[int, str],
        progress: ProgressCallback, cancel: CancelCheck,
    ) -> None:
        self.project = project
        self.project_root = str(project.root)
        self.root = root
        self.names = names
        self.progress = progress
        self.cancel = cancel
        self.link = Linker()
        self.annotation_files: dict[str, bytes] = {}
        self.total = len(frames)
        self.done = 0

    def write_annotation(self, relative: str, data: bytes) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.annotation_files[relative] = data

    def place_image(self, item: ExportFrame, target: str) -> None:
        if self.done % 64 == 0:
            check_cancel(self.cancel)
            self.progress(Progress(self.done, self.total, "Writing dataset"))
        self.done += 1
        source = os.path.join(self.project_root, item.frame.image_path)  # stored paths are relative or absolute
        try:
            self.link(source, target)
        except FileNotFoundError:
            where = (
                f"frame {item.frame.frame_index} of {Path(item.video.path).name}"
                if item.video is not None else f"image {item.frame.image_path}"
            )
            raise DatasetError(
                f"The picture of {where} (frame id {item.frame.id}) is missing: {source}. Restore the project's "
                "frames folder, or delete that frame in the project, and export again."
            ) from None

    def coco(self, by_split: dict[str, list[ExportFrame]], plan_layout: bool) -> None:
        for split, members in by_split.items():
            if plan_layout:
                folder = PLAN_SPLIT_DIRS[split]
                image_dir, annotation = self.root / folder / "images", f"{folder}/annotations/annotations.json"
            else:
                image_dir, annotation = self.root / split, f"{split}/_annotations.coco.json"
            image_dir.mkdir(parents=True, exist_ok=True)
            folder_name = str(image_dir)
            images: list[dict[str, Any]] = []
            annotations: list[str] = []
            videos = {item.video.id: item.video.path for item in members if item.video is not None}
            video_names = {video_id: Path(path).name for video_id, path in videos.items()}
            for item in members:
                frame = item.frame
                entry: dict[str, Any] = {
                    "id": frame.id, "file_name": self.names[frame.id], "width": frame.width, "height": frame.height,
                }
                if item.video is not None and frame.frame_index is not None:
                    entry["video"] = video_names[item.video.id]
                    entry["frame_index"] = frame.frame_index
                images.append(entry)
                # Annotations are the bulk of the file: written as JSON text straight away (numbers only,
                # all finite after clipping, and repr(float) is JSON), about twice as fast as dicts + dumps.
                for box in item.boxes:
                    track = f',"track_id":{box.track_id:d}' if box.track_id is not None else ""
                    annotations.append(
                        f'{{"id":{box.id:d},"image_id":{frame.id:d},"category_id":{box.class_id:d},'
                        f'"bbox":[{box.x!r},{box.y!r},{box.w!r},{box.h!r}],"area":{box.w * box.h!r},'
                        f'"iscrowd":0{track}}}'
                    )
                self.place_image(item, os.path.join(folder_name, self.names[frame.id]))
            head = json.dumps({
                "info": {"description": f"Soccer Desktop export of {self.project.name}", "version": __version__},
                "licenses": [],
                "categories": list(CATEGORIES),
                "images": images,
            }, separators=(",", ":"))
            text = f'{head[:-1]},"annotations":[{",".join(annotations)}]}}'
            self.write_annotation(annotation, text.encode("utf-8"))

    def yolo(self, by_split: dict[str, list[ExportFrame]]) -> None:
        spec: dict[str, Any] = {}
        for split, members in by_split.items():
            spec["val" if split == "valid" else split] = f"images/{split}"
            (self.root / "images" / split).mkdir(parents=True, exist_ok=True)
            (self.root / "labels" / split).mkdir(parents=True, exist_ok=True)
            for item in members:
                frame, name = item.frame, self.names[item.frame.id]
                lines = [
                    f"{int(box.class_id) - 1} {(box.x + box.w / 2) / frame.width:.6f} "
                    f"{(box.y + box.h / 2) / frame.height:.6f} {box.w / frame.width:.6f} {box.h / frame.height:.6f}\n"
                    for box in item.boxes
                ]
                self.write_annotation(f"labels/{split}/{Path(name).stem}.txt", "".join(lines).encode("ascii"))
                self.place_image(item, str(self.root / "images" / split / name))
        spec["nc"] = len(CATEGORY_NAMES)
        spec["names"] = list(CATEGORY_NAMES.values())
        self.write_annotation("data.yaml", yaml.safe_dump(spec, sort_keys=False).encode("utf-8"))

    def mot(self, frames: Sequence[ExportFrame]) -> dict[str, list[int]]:
        """One sequence per video; returns the 1-based frame numbers written per sequence."""
        by_video: dict[int, list[ExportFrame]] = {}
        for item in frames:
            if item.video is not None and item.frame.frame_index is not None:
                by_video.setdefault(item.video.id, []).append(item)
        written: dict[str, list[int]] = {}
        for members in by_video.values():
            video = members[0].video
            assert video is not None
            sequence = safe_name(Path(video.path).stem)
            if sequence in written:
                sequence = f"{sequence}_v{video.id}"
            rows: list[str] = []
            numbers: list[int] = []
            (self.root / sequence / "img1").mkdir(parents=True, exist_ok=True)
            for item in sorted(members, key=lambda i: i.frame.frame_index or 0):
                number = (item.frame.frame_index or 0) + 1
                numbers.append(number)
                for box in sorted(item.boxes, key=lambda b: (b.track_id is None, b.track_id or 0, b.id)):
                    track = box.track_id if box.track_id is not None else -1
                    rows.append(
                        f"{number},{track},{box.x:.2f},{box.y:.2f},{box.w:.2f},{box.h:.2f},1,{int(box.class_id)},1\n"
                    )
                suffix = Path(item.frame.image_path).suffix.lower() or ".jpg"
                self.place_image(item, str(self.root / sequence / "img1" / f"{number:06d}{suffix}"))
            self.write_annotation(f"{sequence}/gt/gt.txt", "".join(rows).encode("ascii"))
            info = (
                f"[Sequence]\nname={sequence}\nimDir=img1\nframeRate={video.fps:g}\nseqLength={video.frame_count}\n"
                f"imWidth={video.width}\nimHeight={video.height}\nimExt=.jpg\n"
            )
            self.write_annotation(f"{sequence}/seqinfo.ini", info.encode("utf-8"))
            written[sequence] = numbers
        return written


def no_reviewed_frames(root: Path, include_pseudo: float | None) -> DatasetError:
    """The error for a project with nothing to export, with the fix for the GUI and for the command line."""
    if include_pseudo is not None:
        return DatasetError(
            f"The project {root} has no reviewed frames, and no unreviewed frame has a pseudo box scoring "
            f"{include_pseudo:g} or more, so there is nothing to export.",
            gui_hint="Review frames in the Annotate tab (open them from the Review queue and mark each one "
                     "reviewed once its boxes are right), or lower the score in Labels › Export dataset….",
            cli_hint="Review frames in the app first, or lower --include-pseudo SCORE.",
        )
    return DatasetError(
        f"The project {root} has no reviewed frames to export.",
        gui_hint="Review frames in the Annotate tab (open them from the Review queue and mark each one reviewed "
                 "once its boxes are right), or add pseudo-labelled frames with Labels › Export dataset… › "
                 "“Also unreviewed pseudo-labelled frames”.",
        cli_hint="Review frames in the app first (mark each one reviewed once its boxes are right), or pass "
                 "--include-pseudo SCORE to add pseudo-labelled frames.",
    )


def export_dataset(
    project: Project,
    out_dir: Path | str,
    fmt: ExportFormat | str = ExportFormat.COCO,
    *,
    valid: float = 0.2,
    test: float = 0.0,
    seed: int = 0,
    include_pseudo: float | None = None,
    block_seconds: float = DEFAULT_BLOCK_SECONDS,
    replace: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> ExportResult:
    """Write the project's reviewed frames (and, with ``include_pseudo``, confident pseudo labels) to OUT.

    An earlier export in OUT is replaced only with ``replace=True``, and never when a run of the project used it.
    """
    start = time.perf_counter()
    fmt = ExportFormat(fmt)
    check_shares(valid, test)
    out_dir = Path(out_dir).expanduser().resolve()
    _check_target(project, out_dir, replace)
    selection = select_frames(project, include_pseudo)
    if not selection.frames:
        if selection.unresolved_frames:
            raise DatasetError(selection.warnings()[0])
        raise no_reviewed_frames(project.root, include_pseudo)
    frames = selection.frames
    warnings = selection.warnings()
    names = export_names(frames)
    staging = out_dir.with_name(f".{out_dir.name}.partial-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    with writing("the dataset", out_dir.parent):
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
    manifest = _manifest_head(project, fmt, selection)
    try:
        writer = _Writer(project, staging, frames, names, progress, cancel)
        if fmt == ExportFormat.MOT:
            sequences = writer.mot(frames)
            loose = sum(item.video is None or item.frame.frame_index is None for item in frames)
            if not sequences:
                raise DatasetError(
                    "MOT needs frames taken from videos, and every selected frame is an imported image. "
                    "Export as coco or yolo instead."
                )
            if loose:
                warnings.append(f"{loose} frames are not from a video and are not in the MOT export.")
            counts = {MOT_ALL: _counts([i for i in frames if i.video is not None and i.frame.frame_index is not None])}
            manifest["sequences"] = {name: {"annotated_frames": numbers} for name, numbers in sequences.items()}
        else:
            plan = plan_split(frames, valid, test, seed, block_seconds)
            warnings += plan.warnings
            by_split: dict[str, list[ExportFrame]] = {
                split: [] for split, share in zip(SPLITS, (1.0, valid, test), strict=True) if share > 0
            }
            for item in frames:
                by_split[plan.split_of[item.frame.id]].append(item)
            if valid == 0:
                warnings.append("The valid share is 0: training needs a valid split to pick its best checkpoint.")
            if fmt == ExportFormat.YOLO:
                writer.yolo(by_split)
            else:
                writer.coco(by_split, plan_layout=fmt == ExportFormat.COCO_PLAN)
            counts = {split: _counts(members) for split, members in by_split.items()}
            manifest["split"] = {"valid": valid, "test": test, "seed": seed, **plan.as_json()}
        warnings += balance_warnings(counts)
        digest, per_file = hash_annotation_files(writer.annotation_files)
        manifest["counts"] = counts
        manifest["annotation_files"] = per_file
        manifest["annotations_sha256"] = digest
        manifest["warnings"] = warnings
        (staging / MANIFEST_NAME).write_bytes(json.dumps(manifest, indent=2).encode("utf-8"))
        check_cancel(cancel)
        _publish(staging, out_dir)
    except OSError as error:  # a full or read-only disk: the earlier export (if any) is untouched
        raise disk_error(error, "the dataset", out_dir.parent) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    report = None
    if fmt in (ExportFormat.COCO, ExportFormat.COCO_PLAN):
        report = validate_dataset(out_dir, cancel=cancel)
        warnings += [w for w in report.warnings if w not in warnings]
        manifest["warnings"] = warnings
        manifest["validation"] = report.as_json()
        with writing("the dataset manifest", out_dir):
            write_bytes_atomic(out_dir / MANIFEST_NAME, json.dumps(manifest, indent=2).encode("utf-8"))
    progress(Progress(len(frames), len(frames), "Exported"))
    return ExportResult(
        out_dir, fmt, counts, digest, out_dir / MANIFEST_NAME, tuple(warnings), report, time.perf_counter() - start
    )
