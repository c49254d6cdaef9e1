"""Which frames and boxes of a project go into a dataset.

Reviewed frames go in with all their boxes, and a reviewed frame without
boxes is a negative (a person looked and found nothing). No pseudo box a
person never confirmed becomes ground truth: marking a frame reviewed resolves
its pseudo boxes (:mod:`soccer_desktop.labels.review_policy`), and a reviewed
frame that still holds pseudo boxes (projects from before that rule) is left
out with a warning, never exported as a negative or with boxes nobody saw,
unless ``include_pseudo`` asks for pseudo labels. With
``include_pseudo=SCORE``, unreviewed frames go in too when at least one of
their pseudo boxes scores at least SCORE; such a frame keeps its manual and
imported boxes and the pseudo boxes at or above SCORE (a pseudo box without
a score counts as 0). Unreviewed frames are never negatives: an empty
detector output is not evidence that nothing is there.

Boxes reaching past the image edge are clipped to it, and boxes under 1 px
after clipping are left out, so every exported box passes validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from soccer_desktop.project.store import BoxSource, ClassId, Frame, Project, Video

MIN_BOX_SIDE_PX = 1.0
_CLASSES = {int(c): c for c in ClassId}


class ExportBox(NamedTuple):
    """A box as an export writes it (a light tuple: exports handle hundreds of thousands)."""

    id: int
    class_id: ClassId
    x: float
    y: float
    w: float
    h: float
    score: float | None
    source: str
    track_id: int | None


@dataclass(frozen=True)
class ExportFrame:
    frame: Frame
    video: Video | None
    boxes: tuple[ExportBox, ...]
    has_ball: bool


@dataclass(frozen=True)
class Selection:
    frames: tuple[ExportFrame, ...]
    include_pseudo: float | None
    reviewed_frames: int
    pseudo_frames: int
    clipped_boxes: int
    dropped_boxes: int
    unresolved_frames: int = 0
    """Reviewed frames left out because they still hold pseudo boxes nobody confirmed."""

    def warnings(self) -> list[str]:
        notes = []
        if self.unresolved_frames:
            notes.append(unresolved_warning(self.unresolved_frames))
        if self.clipped_boxes:
            notes.append(f"{self.clipped_boxes} boxes reached past the image edge and were clipped to it.")
        if self.dropped_boxes:
            notes.append(
                f"{self.dropped_boxes} boxes were left out: under {MIN_BOX_SIDE_PX:g} px wide or high inside "
                "the image. Redraw them in the annotation view if they matter."
            )
        return notes


def unresolved_warning(frames: int) -> str:
    return (
        f"{frames} reviewed frame{'s' * (frames != 1)} still hold pseudo boxes nobody confirmed (marked reviewed "
        "before Soccer Desktop resolved pseudo boxes) and were left out. Open them in the annotation view and "
        "press Space again, or run: soccer-desktop review accept PROJECT --min-score S"
    )


def _fit(box: ExportBox, width: int, height: int) -> ExportBox | None:
    """The part inside the image of a box reaching past its edge, or None when less than 1 px is left."""
    left, top = max(0.0, box.x), max(0.0, box.y)
    right, bottom = min(float(width), box.x + box.w), min(float(height), box.y + box.h)
    if right - left < MIN_BOX_SIDE_PX or bottom - top < MIN_BOX_SIDE_PX:
        return None
    return box._replace(x=left, y=top, w=right - left, h=bottom - top)


def select_frames(project: Project, include_pseudo: float | None = None) -> Selection:
    """Read the frames and boxes an export takes, in one consistent snapshot of the project."""
    take_pseudo = include_pseudo is not None
    threshold = float(include_pseudo) if include_pseudo is not None else 0.0
    with project.transaction() as db:
        videos = {video.id: video for video in project.videos()}
        cursor = db.cursor()
        cursor.row_factory = None  # plain tuples: much cheaper than sqlite3.Row for 100k boxes
        frame_rows = cursor.execute(
            """SELECT id, video_id, frame_index, timestamp_s, image_path, width, height, reviewed
               FROM frames WHERE reviewed = 1 OR ? ORDER BY video_id, frame_index, image_path, id""",
            (int(take_pseudo),),
        ).fetchall()
        box_rows = cursor.execute(
            """SELECT b.frame_id, b.id, b.class_id, b.x, b.y, b.w, b.h, b.score, b.source, b.track_id
               FROM boxes b JOIN frames f ON f.id = b.frame_id
               WHERE f.reviewed = 1 OR ? ORDER BY b.frame_id, b.id""",
            (int(take_pseudo),),
        ).fetchall()
    boxes_of: dict[int, list[ExportBox]] = {}
    for frame_id, box_id, class_id, x, y, w, h, score, source, track_id in box_rows:
        box = ExportBox(box_id, _CLASSES[class_id], x, y, w, h, score, source, track_id)
        boxes_of.setdefault(frame_id, []).append(box)

    frames: list[ExportFrame] = []
    reviewed = pseudo = clipped = dropped = unresolved = 0
    for row in frame_rows:
        frame = Frame(
            id=row[0], video_id=row[1], frame_index=row[2], timestamp_s=row[3], image_path=row[4],
            width=row[5], height=row[6], reviewed=bool(row[7]),
        )
        boxes = boxes_of.get(frame.id, [])
        if not frame.reviewed:
            confident = [b for b in boxes if b.source == BoxSource.PSEUDO and (b.score or 0.0) >= threshold]
            if not confident:
                continue
            boxes = [b for b in boxes if b.source != BoxSource.PSEUDO] + confident
            pseudo += 1
        elif any(b.source == BoxSource.PSEUDO for b in boxes):
            if not take_pseudo:
                unresolved += 1
                continue
            boxes = [b for b in boxes if b.source != BoxSource.PSEUDO or (b.score or 0.0) >= threshold]
            if not boxes:
                unresolved += 1  # nothing confirmed is left: not evidence of an empty frame
                continue
            reviewed += 1
        else:
            reviewed += 1
        kept: list[ExportBox] = []
        width, height = frame.width, frame.height
        for box in boxes:
            x, y, w, h = box.x, box.y, box.w, box.h
            inside = x >= 0 and y >= 0 and x + w <= width and y + h <= height
            if inside and w >= MIN_BOX_SIDE_PX and h >= MIN_BOX_SIDE_PX:
                kept.append(box)  # the usual case, tested inline: exports go through every box
                continue
            fitted = _fit(box, width, height)
            if fitted is None:
                dropped += 1
            else:
                clipped += 1
                kept.append(fitted)
        kept.sort()
        video = videos.get(frame.video_id) if frame.video_id is not None else None
        has_ball = any(box.class_id == ClassId.BALL for box in kept)
        frames.append(ExportFrame(frame=frame, video=video, boxes=tuple(kept), has_ball=has_ball))
    return Selection(tuple(frames), include_pseudo, reviewed, pseudo, clipped, dropped, unresolved)
