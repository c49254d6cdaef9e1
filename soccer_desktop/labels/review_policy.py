"""What marking a frame reviewed means for its pseudo boxes: a reviewed frame holds exactly what the person saw.

A person reviews what the canvas shows: pseudo boxes scoring at least the
threshold, of the classes shown. Marking the frame reviewed resolves every
pseudo box in the same transaction: the shown ones become confirmed (manual,
score kept), the hidden ones are removed. A reviewed frame therefore never
holds a pseudo box, and an export never turns a box nobody saw into ground
truth. The canvas (Space, the Reviewed box) and ``soccer-desktop review
accept`` both call this module; the result is a :class:`BoxEdit` carrying
the reviewed mark, so the canvas undoes it as one step.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from soccer_desktop.core.jobs import CancelCheck, Progress, ProgressCallback, check_cancel, never_cancelled, no_progress
from soccer_desktop.editing.commands import BoxEdit, passes
from soccer_desktop.project.store import Box, BoxSource, ClassId, Project, ProjectError


@dataclass(frozen=True)
class Shown:
    """Which pseudo boxes a person sees: score at least ``min_score``, class among ``classes`` (None: all)."""

    min_score: float
    classes: frozenset[ClassId] | None = None

    def shows(self, box: Box) -> bool:
        return passes(box, self.min_score) and (self.classes is None or box.class_id in self.classes)


@dataclass(frozen=True)
class Resolution:
    """What marking one frame reviewed did."""

    edit: BoxEdit
    confirmed: int
    removed: int

    def message(self) -> str:
        if not self.confirmed and not self.removed:
            return "Frame marked reviewed (it held no pseudo boxes)."
        return (f"Frame marked reviewed: {self.confirmed} pseudo box{'es' * (self.confirmed != 1)} confirmed, "
                f"{self.removed} hidden one{'s' * (self.removed != 1)} removed.")


def mark_reviewed(project: Project, frame_id: int, shown: Shown) -> Resolution:
    """Confirm the frame's shown pseudo boxes, remove the hidden ones and mark it reviewed: one transaction."""
    with project.transaction():
        frame = project.frame(frame_id)
        pseudo = [b for b in project.boxes(frame_id) if b.source == BoxSource.PSEUDO]
        keep = [b for b in pseudo if shown.shows(b)]
        drop = [b.id for b in pseudo if not shown.shows(b)]
        if drop:
            project.delete_boxes(drop)
        for box in keep:
            project.update_box(box.id, source=BoxSource.MANUAL)
        if not frame.reviewed:
            project.set_reviewed(frame_id, True)
        after = project.boxes_by_id(b.id for b in keep)
    edit = BoxEdit(
        frame_id, "Mark reviewed", tuple(pseudo), tuple(after[b.id] for b in keep), (frame.reviewed, True)
    )
    return Resolution(edit, len(keep), len(drop))


def mark_unreviewed(project: Project, frame_id: int) -> BoxEdit:
    """Take the reviewed mark off a frame (its boxes stay as they are)."""
    with project.transaction():
        was = project.frame(frame_id).reviewed
        if was:
            project.set_reviewed(frame_id, False)
    return BoxEdit(frame_id, "Mark not reviewed", (), (), (was, False))


# ---------------------------------------------------------------------------------- bulk acceptance
@dataclass(frozen=True)
class AcceptSummary:
    frames: int
    confirmed: int
    removed: int
    negatives: int
    skipped_without_pseudo: int
    min_score: float

    def summary(self) -> str:
        lines = [
            f"Marked {self.frames} frame{'s' * (self.frames != 1)} reviewed: {self.confirmed} pseudo boxes scoring "
            f"{self.min_score:g} or more confirmed, {self.removed} below it removed."
        ]
        if self.negatives:
            lines.append(f"{self.negatives} of them hold no box now and will be exported as frames without "
                         "players or ball.")
        if self.skipped_without_pseudo:
            lines.append(f"{self.skipped_without_pseudo} unreviewed frames have no pseudo boxes and were left "
                         "unreviewed (pseudo-label them, or review them in the annotation view).")
        return "\n".join(lines)


def parse_frame_range(text: str) -> tuple[int, int]:
    """``"A-B"`` (inclusive, A <= B) or ``"N"``; raises :class:`ProjectError` naming the form otherwise."""
    first, dash, last = text.strip().partition("-")
    try:
        start = int(first)
        end = int(last) if dash else start
    except ValueError:
        start = end = -1
    if start < 0 or end < start:
        raise ProjectError(f"--frames {text!r} is not a frame range: write A-B with 0 <= A <= B (e.g. 0-1499).")
    return start, end


def frames_to_accept(project: Project, video_id: int | None = None,
                     frames: tuple[int, int] | None = None) -> tuple[list[int], int]:
    """Frames ``review accept`` resolves: those in scope holding pseudo boxes (reviewed or not).

    Also returns how many unreviewed frames in scope hold no pseudo box: they are
    left alone, since marking them reviewed would make them negatives nobody looked at.
    """
    if video_id is not None:
        project.video(video_id)  # a clear error for an unknown id
    sql = ("SELECT f.id, EXISTS(SELECT 1 FROM boxes b WHERE b.frame_id = f.id AND b.source = 'pseudo'), "
           "f.reviewed FROM frames f WHERE 1 = 1")
    params: list[int] = []
    if video_id is not None:
        sql += " AND f.video_id = ?"
        params.append(video_id)
    if frames is not None:
        sql += " AND f.frame_index BETWEEN ? AND ?"
        params += list(frames)
    sql += " ORDER BY f.video_id, f.frame_index, f.id"
    with project.transaction() as db:
        rows = db.execute(sql, params).fetchall()
    chosen = [row[0] for row in rows if row[1]]
    skipped = sum(1 for row in rows if not row[1] and not row[2])
    return chosen, skipped


def accept_frames(
    project: Project,
    min_score: float,
    frame_ids: Iterable[int],
    classes: Collection[ClassId] | None = None,
    skipped_without_pseudo: int = 0,
    progress: ProgressCallback = no_progress,
    cancel: CancelCheck = never_cancelled,
) -> AcceptSummary:
    """Resolve and mark reviewed every frame of ``frame_ids`` in one transaction (cancel: nothing changes)."""
    shown = Shown(float(min_score), frozenset(classes) if classes is not None else None)
    ids = list(frame_ids)
    confirmed = removed = negatives = 0
    with project.transaction():
        for number, frame_id in enumerate(ids):
            if number % 50 == 0:
                check_cancel(cancel)
                progress(Progress(number, len(ids), "Accepting pseudo boxes"))
            result = mark_reviewed(project, frame_id, shown)
            confirmed += result.confirmed
            removed += result.removed
            negatives += not project.boxes(frame_id)
    progress(Progress(len(ids), len(ids), "Accepted"))
    return AcceptSummary(len(ids), confirmed, removed, negatives, skipped_without_pseudo, float(min_score))
