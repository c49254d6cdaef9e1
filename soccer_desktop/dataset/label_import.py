"""One entry point for importing labels in any supported format (the CLI and the GUI both use it)."""

from __future__ import annotations

from pathlib import Path

from soccer_desktop.core.jobs import CancelCheck, ProgressCallback, never_cancelled, no_progress
from soccer_desktop.dataset.common import ClassMap, DatasetError
from soccer_desktop.dataset.importing import ImportResult
from soccer_desktop.project.store import Project

IMPORT_FORMATS = ("coco", "yolo", "soccertrack-csv", "mot")
VIDEO_FORMATS = ("soccertrack-csv", "mot")  # these always label frames of a video


def import_labels(
    project: Project,
    source: Path | str,
    fmt: str,
    *,
    video: Path | str | None = None,
    every: int = 1,
    reviewed: bool = True,
    class_map: ClassMap | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> ImportResult:
    """Import ``source`` as ``fmt`` into the project in one transaction, after checking the options fit."""
    if fmt not in IMPORT_FORMATS:
        raise DatasetError(f"Unknown label format {fmt!r}; choose one of {', '.join(IMPORT_FORMATS)}.")
    if fmt in VIDEO_FORMATS and video is None:
        raise DatasetError(f"{fmt} labels are frames of a video, so the labelled video is needed.",
                           gui_hint="Choose it in the Video field of Labels › Import labels….",
                           cli_hint="To import them, add --video VIDEO (the labelled video).")
    if fmt == "yolo" and video is not None:
        raise DatasetError("--video is for coco (entries with frame_index), soccertrack-csv and mot, not yolo.")
    if class_map and fmt in VIDEO_FORMATS:
        raise DatasetError(f"--map renames classes of coco and yolo datasets; {fmt} has player and ball only.")
    if every != 1 and video is None:
        raise DatasetError("--every picks frames of a video: it needs --video (soccertrack-csv, mot or coco).")
    if fmt == "coco":
        from soccer_desktop.dataset.coco_import import import_coco

        return import_coco(project, source, video=video, every=every, reviewed=reviewed, class_map=class_map,
                           progress=progress, cancel=cancel)  # fmt: skip
    if fmt == "yolo":
        from soccer_desktop.dataset.yolo_import import import_yolo

        return import_yolo(project, source, reviewed=reviewed, class_map=class_map, progress=progress, cancel=cancel)
    from soccer_desktop.dataset.track_import import import_mot, import_soccertrack_csv

    assert video is not None
    importer = import_soccertrack_csv if fmt == "soccertrack-csv" else import_mot
    return importer(project, source, video, reviewed=reviewed, every=every, progress=progress, cancel=cancel)
