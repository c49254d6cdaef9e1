"""Edit operations on a frame's boxes, each one transaction, each returning what undoes it exactly.

Every operation reads the boxes it touches, changes them through the store
and reads them back, all inside one ``project.transaction()``. The result,
a :class:`BoxEdit`, holds every touched box as it was before (absent for
boxes the edit added) and as it is after (absent for boxes it deleted),
with all fields. Undo and redo are the same move in both directions
(:meth:`BoxEdit.undo`, :meth:`BoxEdit.redo`): in one transaction, check that
the stored boxes are exactly the state the step left, then write the other
state. When the check fails (another window or a background job changed
these boxes) nothing is written and :class:`EditConflictError` says so; the
history can then be dropped, but never silently diverges from the database.

Ids are stable across undo and redo: a deleted box comes back under its old
id. If that id has been taken meanwhile (SQLite reuses the highest id), the
box gets a new one and the :class:`IdMap` of the history remembers the move,
so later steps still find it.

A person's edit of a pseudo box (move, resize, class change) makes it
manual: it has been looked at, and re-running the pseudo labeller, which
replaces pseudo boxes, must not undo that work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from soccer_desktop.editing.geometry import Rect, clamp_to_image
from soccer_desktop.project.store import Box, BoxSource, ClassId, NewBox, Project, ProjectError

#: How far a duplicate lands from its original, in image pixels.
DUPLICATE_OFFSET = 10.0


class EditConflictError(ProjectError):
    """The stored boxes are not what this step of the history expects (changed elsewhere)."""


class IdMap:
    """Where the boxes a history talks about live now, when that differs from the id it recorded.

    Histories record boxes by the id they had (a *token*). Restoring a box
    whose id was taken meanwhile stores it under a new id and rebinds its
    token here. One map per history (per frame).
    """

    def __init__(self) -> None:
        self._actual: dict[int, int] = {}
        self._token: dict[int, int] = {}
        self._next_token = -1

    def actual(self, token: int) -> int:
        return self._actual.get(token, token)

    def token(self, actual: int) -> int:
        """The token for a box stored under ``actual`` now (used when recording a new step)."""
        if actual in self._token:
            return self._token[actual]
        if actual in self._actual:  # the token `actual` already stands for a box living elsewhere
            token = self._next_token
            self._next_token -= 1
            self.rebind(token, actual)
            return token
        return actual

    def rebind(self, token: int, actual: int) -> None:
        old = self._actual.pop(token, token)
        if self._token.get(old) == token:
            del self._token[old]
        if actual != token:
            self._actual[token] = actual
            self._token[actual] = token
        else:
            self._token.pop(actual, None)

    def moved(self) -> dict[int, int]:
        """Tokens whose box lives under another id: token -> id."""
        return dict(self._actual)


def _same_fields(a: Box, b: Box) -> bool:
    return replace(a, id=0) == replace(b, id=0)


@dataclass(frozen=True)
class BoxEdit:
    """One undoable step on one frame: the touched boxes before and after (all fields)."""

    frame_id: int
    label: str
    before: tuple[Box, ...]
    after: tuple[Box, ...]
    reviewed: tuple[bool, bool] | None = None
    """The frame's reviewed mark before and after, when the step changed it (marking reviewed)."""

    @property
    def box_ids(self) -> frozenset[int]:
        return frozenset(b.id for b in self.before) | frozenset(b.id for b in self.after)

    @property
    def added_ids(self) -> list[int]:
        old = {b.id for b in self.before}
        return [b.id for b in self.after if b.id not in old]

    @property
    def deleted_ids(self) -> list[int]:
        new = {b.id for b in self.after}
        return [b.id for b in self.before if b.id not in new]

    def is_empty(self) -> bool:
        before = {b.id: b for b in self.before}
        after = {b.id: b for b in self.after}
        return before == after and (self.reviewed is None or self.reviewed[0] == self.reviewed[1])

    def translated(self, to_token: Callable[[int], int]) -> BoxEdit:
        """The same step with ids passed through ``to_token`` (see :class:`IdMap`)."""
        return BoxEdit(
            self.frame_id, self.label,
            tuple(replace(b, id=to_token(b.id)) for b in self.before),
            tuple(replace(b, id=to_token(b.id)) for b in self.after),
            self.reviewed,
        )

    def then(self, later: BoxEdit, label: str | None = None) -> BoxEdit:
        """One step doing ``self`` and then ``later`` (how merged nudges become one undo step)."""
        mine = {b.id for b in self.before} | {b.id for b in self.after}
        theirs = {b.id for b in later.before} | {b.id for b in later.after}
        before = list(self.before) + [b for b in later.before if b.id not in mine]
        after = list(later.after) + [b for b in self.after if b.id not in theirs]
        marks = [m for m in (self.reviewed, later.reviewed) if m is not None]
        reviewed = (marks[0][0], marks[-1][1]) if marks else None
        return BoxEdit(self.frame_id, label or self.label, tuple(before), tuple(after), reviewed)

    def undo(self, project: Project, ids: IdMap | None = None) -> None:
        mark = None if self.reviewed is None else (self.reviewed[1], self.reviewed[0])
        _transition(project, self.frame_id, self.after, self.before, IdMap() if ids is None else ids, mark)

    def redo(self, project: Project, ids: IdMap | None = None) -> None:
        _transition(project, self.frame_id, self.before, self.after, IdMap() if ids is None else ids, self.reviewed)


def _conflict(frame_id: int) -> EditConflictError:
    return EditConflictError(
        f"The boxes of frame {frame_id} were changed outside this editor (another window, process or job) "
        "since this step was made, so it cannot be undone or redone safely. Nothing was changed; the frame now "
        "shows what is stored and its undo history starts afresh."
    )


def _insert_copy(project: Project, box: Box) -> int:
    """Store ``box`` with all its fields under a fresh id; returns the id."""
    copy = NewBox(box.class_id, box.x, box.y, box.w, box.h, box.score, box.source, box.track_id, box.detector)
    return project.add_boxes(box.frame_id, [copy])[0]


def _transition(project: Project, frame_id: int, expected: Sequence[Box], target: Sequence[Box], ids: IdMap,
                mark: tuple[bool, bool] | None = None) -> None:
    """Check the stored boxes (and reviewed mark) equal ``expected``, then make them ``target`` (one transaction).

    ``mark`` is (expected reviewed mark, target mark), or None when the step leaves the mark alone.
    """
    want = {b.id: b for b in expected}
    goal = {b.id: b for b in target}
    tokens = set(want) | set(goal)
    with project.transaction():
        if mark is not None:
            if project.frame(frame_id).reviewed != mark[0]:
                raise _conflict(frame_id)
            project.set_reviewed(frame_id, mark[1])
        stored = project.boxes_by_id((ids.actual(t) for t in tokens))
        for token, box in want.items():
            found = stored.get(ids.actual(token))
            if found is None or not _same_fields(found, box):
                raise _conflict(frame_id)
        delete = [ids.actual(t) for t in tokens if t in want and t not in goal]
        if delete:
            project.delete_boxes(delete)
        puts: list[Box] = []
        for token, box in goal.items():
            actual = ids.actual(token)
            if token not in want and actual in stored and not _same_fields(stored[actual], box):
                # The id was taken by another box meanwhile: store this one under a fresh id.
                ids.rebind(token, _insert_copy(project, box))
                continue
            puts.append(replace(box, id=actual))
        project.put_boxes(puts)


# ------------------------------------------------------------------ operations
def _record(
    project: Project, frame_id: int, label: str, touched: Iterable[int], change: Callable[[], Iterable[int]]
) -> BoxEdit:
    """Run ``change`` (which returns the ids it added) in one transaction; record before/after."""
    touched = list(dict.fromkeys(touched))
    with project.transaction():
        before = project.boxes_by_id(touched)
        if len(before) != len(touched) or any(b.frame_id != frame_id for b in before.values()):
            raise EditConflictError(
                f"Some of these boxes are no longer on frame {frame_id} (another window or job changed the frame). "
                "Nothing was changed; the frame now shows what is stored."
            )
        added = list(change())
        after = project.boxes_by_id(touched + added)
    order = touched + added
    return BoxEdit(
        frame_id, label,
        tuple(before[i] for i in touched),
        tuple(after[i] for i in order if i in after),
    )


def add_boxes(project: Project, frame_id: int, boxes: Sequence[NewBox], label: str = "Add box") -> BoxEdit:
    return _record(project, frame_id, label, [], lambda: project.add_boxes(frame_id, boxes))


def delete_boxes(project: Project, frame_id: int, box_ids: Iterable[int], label: str = "Delete") -> BoxEdit:
    ids = list(box_ids)
    return _record(project, frame_id, label, ids, lambda: (project.delete_boxes(ids), [])[1])


def _touch(project: Project, box_ids: Iterable[int], **changes: object) -> list[int]:
    for box_id in box_ids:
        project.update_box(box_id, **changes)
    return []


def set_rects(
    project: Project, frame_id: int, rects: Mapping[int, Rect], label: str = "Move box"
) -> BoxEdit:
    """Move or resize boxes; pseudo boxes among them become manual."""

    def change() -> list[int]:
        for box_id, rect in rects.items():
            fields: dict[str, object] = {"x": rect.x, "y": rect.y, "w": rect.w, "h": rect.h}
            if project.box(box_id).source == BoxSource.PSEUDO:
                fields["source"] = BoxSource.MANUAL
            project.update_box(box_id, **fields)
        return []

    return _record(project, frame_id, label, rects.keys(), change)


def set_class(project: Project, frame_id: int, box_ids: Iterable[int], class_id: ClassId) -> BoxEdit:
    """Change the class; pseudo boxes among them become manual."""
    ids = list(box_ids)

    def change() -> list[int]:
        for box_id in ids:
            box = project.box(box_id)
            fields: dict[str, object] = {"class_id": ClassId(class_id)}
            if box.source == BoxSource.PSEUDO:
                fields["source"] = BoxSource.MANUAL
            project.update_box(box_id, **fields)
        return []

    return _record(project, frame_id, f"Make {ClassId(class_id).label}", ids, change)


def confirm(project: Project, frame_id: int, box_ids: Iterable[int], label: str = "Confirm") -> BoxEdit:
    """Pseudo boxes among ``box_ids`` become manual (their score is kept)."""
    wanted = set(box_ids)
    with project.transaction():
        ids = [b.id for b in project.boxes(frame_id) if b.id in wanted and b.source == BoxSource.PSEUDO]
        return _record(project, frame_id, label, ids, lambda: _touch(project, ids, source=BoxSource.MANUAL))


def passes(box: Box, threshold: float) -> bool:
    """Whether a box is shown at this score threshold (only pseudo boxes with a score are ever hidden)."""
    return box.source != BoxSource.PSEUDO or box.score is None or box.score >= threshold


def confirm_above(project: Project, frame_id: int, threshold: float) -> BoxEdit:
    """Confirm every pseudo box of the frame that the threshold shows."""
    with project.transaction():
        ids = [b.id for b in project.boxes(frame_id) if b.source == BoxSource.PSEUDO and passes(b, threshold)]
        return confirm(project, frame_id, ids, label=f"Confirm all ≥ {threshold:.2f}")


def reject_pseudo(project: Project, frame_id: int) -> BoxEdit:
    """Delete every pseudo box of the frame (shown or hidden by the threshold)."""
    with project.transaction():
        ids = [b.id for b in project.boxes(frame_id) if b.source == BoxSource.PSEUDO]
        return delete_boxes(project, frame_id, ids, label="Reject pseudo boxes")


def _copy_of(box: Box, rect: Rect) -> NewBox:
    pseudo = box.source == BoxSource.PSEUDO
    return NewBox(
        box.class_id, rect.x, rect.y, rect.w, rect.h,
        score=box.score if pseudo else None,
        source=BoxSource.PSEUDO if pseudo else BoxSource.MANUAL,
        track_id=box.track_id,
        detector=box.detector if pseudo else None,
    )


def copy_boxes_from(project: Project, frame_id: int, source_frame_id: int) -> BoxEdit:
    """Add copies of every box of another frame (clipped to this frame's size).

    Pseudo boxes stay pseudo (with their score); the others become manual.
    """
    with project.transaction():
        frame = project.frame(frame_id)
        copies = []
        for box in project.boxes(source_frame_id):
            rect = clamp_to_image(Rect.of(box), frame.width, frame.height)
            if rect is not None:
                copies.append(_copy_of(box, rect))
        return add_boxes(project, frame_id, copies, label="Copy boxes from previous frame")


def duplicate(
    project: Project, frame_id: int, box_ids: Iterable[int], offset: float = DUPLICATE_OFFSET
) -> BoxEdit:
    """Manual copies of boxes, shifted by ``offset`` (less at the image edge)."""
    from soccer_desktop.editing.geometry import move

    with project.transaction():
        frame = project.frame(frame_id)
        wanted = set(box_ids)
        copies = []
        for box in project.boxes(frame_id):
            if box.id in wanted:
                rect = move(Rect.of(box), offset, offset, frame.width, frame.height)
                copies.append(replace(_copy_of(box, rect), source=BoxSource.MANUAL, score=None, detector=None))
        return add_boxes(project, frame_id, copies, label="Duplicate")
