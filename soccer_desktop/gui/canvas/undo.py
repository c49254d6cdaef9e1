"""Undo for the canvas: one QUndoStack per frame (in a QUndoGroup), each step a stored BoxEdit.

A new edit is written to the project first (by :mod:`soccer_desktop.editing.commands`);
only an edit that succeeded is pushed, and its first ``redo()`` (QUndoStack
calls it on push) does nothing. Undo and redo write to the project at once,
in one transaction. If that write fails (project locked, boxes changed
elsewhere) :meth:`FrameHistory.undo` / :meth:`FrameHistory.redo` put the
stack's index back where it was without touching the project, so the stack
never claims a state that is not stored. Consecutive nudges of the same
boxes merge into one step (``mergeWith``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoGroup, QUndoStack

from soccer_desktop.editing.commands import BoxEdit, IdMap
from soccer_desktop.project.store import Project, ProjectError

log = logging.getLogger(__name__)

MERGE_ID = 0x5D1


class BoxEditCommand(QUndoCommand):
    """One undoable step; ``merge_key`` (e.g. the nudged boxes) lets consecutive steps merge."""

    def __init__(self, history: FrameHistory, edit: BoxEdit, merge_key: Hashable | None = None) -> None:
        super().__init__(edit.label)
        self.history = history
        self.edit = edit
        self.merge_key = merge_key
        self.error: ProjectError | None = None
        self._skip_next = True  # pushed after the edit was stored: the push's redo() must not repeat it

    def id(self) -> int:
        return MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, BoxEditCommand) or other.merge_key != self.merge_key or other.history is not self.history:
            return False
        self.edit = self.edit.then(other.edit, label=self.edit.label)
        if self.edit.is_empty():
            self.setObsolete(True)  # nudged there and back: nothing left to undo
        return True

    def redo(self) -> None:
        self._run(self.edit.redo)

    def undo(self) -> None:
        self._run(self.edit.undo)

    def skip_next(self) -> None:
        self._skip_next = True

    def _run(self, step: Callable[[Project, IdMap], None]) -> None:
        if self._skip_next:
            self._skip_next = False
            return
        try:
            step(self.history.project, self.history.ids)
        except ProjectError as error:
            log.warning("%s of %r failed: %s", step.__name__, self.edit.label, error)
            self.error = error


class FrameHistory:
    """The undo history of one frame."""

    def __init__(self, project: Project, frame_id: int, group: QUndoGroup) -> None:
        self.project = project
        self.frame_id = frame_id
        self.ids = IdMap()
        self.stack = QUndoStack(group)
        group.addStack(self.stack)

    def push(self, edit: BoxEdit, merge_key: Hashable | None = None) -> None:
        """Record an edit already stored (ids as they are now)."""
        recorded = edit.translated(self.ids.token)
        key = None if merge_key is None else (merge_key, frozenset(recorded.box_ids))
        self.stack.push(BoxEditCommand(self, recorded, key))

    def undo(self) -> ProjectError | None:
        """Undo one step; on failure nothing is stored, the stack stays put, and the error is returned."""
        return self._move(-1)

    def redo(self) -> ProjectError | None:
        return self._move(+1)

    def _move(self, step: int) -> ProjectError | None:
        stack = self.stack
        if not (stack.canUndo() if step < 0 else stack.canRedo()):
            return None
        command = stack.command(stack.index() - 1 if step < 0 else stack.index())
        assert isinstance(command, BoxEditCommand)
        stack.undo() if step < 0 else stack.redo()
        error, command.error = command.error, None
        if error is not None:
            command.skip_next()  # move the index back without writing anything
            stack.redo() if step < 0 else stack.undo()
        return error

    def clear(self) -> None:
        self.stack.clear()
        self.ids = IdMap()


class UndoHistories(QObject):
    """Every frame's history for one project, for the whole session (unlimited)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.group = QUndoGroup(self)
        self._histories: dict[int, FrameHistory] = {}
        self._project: Project | None = None

    def reset(self, project: Project | None) -> None:
        for history in self._histories.values():
            self.group.removeStack(history.stack)
            history.stack.deleteLater()
        self._histories.clear()
        self._project = project

    def history(self, frame_id: int) -> FrameHistory:
        if self._project is None:
            raise RuntimeError("No project is open")
        if frame_id not in self._histories:
            self._histories[frame_id] = FrameHistory(self._project, frame_id, self.group)
        return self._histories[frame_id]

    def activate(self, frame_id: int | None) -> None:
        self.group.setActiveStack(None if frame_id is None else self.history(frame_id).stack)

    def frames_with_history(self) -> list[int]:
        return [frame_id for frame_id, h in self._histories.items() if h.stack.count()]
