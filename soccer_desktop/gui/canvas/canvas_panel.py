"""The annotation panel: the canvas, its tools, frame navigation, review marks, undo and help.

Public API for the main window::

    panel = CanvasPanel()
    panel.set_project(project)            # or None to close (waits for prefetch threads)
    panel.open_frame(frame_id)            # shows it; sig_frame_changed(frame_id) follows
    panel.set_queue_provider(callable)    # () -> next frame id of the review queue, or None
    panel.sig_frame_changed / sig_boxes_changed / sig_reviewed_changed / sig_error

Every edit goes to the project at once in one transaction (undo and redo
too); there is nothing to save. An edit the project refuses (locked by
another window or process, boxes changed elsewhere) is shown in the canvas
and never enters the undo history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from soccer_desktop.editing import commands, geometry, navigation
from soccer_desktop.editing.commands import BoxEdit, EditConflictError
from soccer_desktop.editing.geometry import Rect
from soccer_desktop.editing.keymap import Keymap
from soccer_desktop.editing.preferences import CanvasPreferences
from soccer_desktop.gui.canvas import canvas_actions
from soccer_desktop.gui.canvas.canvas_widget import CanvasWidget
from soccer_desktop.gui.canvas.gestures import Tool
from soccer_desktop.gui.canvas.help_overlay import HelpOverlay
from soccer_desktop.gui.canvas.image_cache import FrameImages
from soccer_desktop.gui.canvas.undo import UndoHistories
from soccer_desktop.gui.empty_state import EmptyState
from soccer_desktop.labels import review_policy
from soccer_desktop.labels.review_policy import Resolution
from soccer_desktop.project.store import BoxSource, ClassId, Frame, NewBox, Project, ProjectError

log = logging.getLogger(__name__)

THRESHOLD_STEP = 0.05
POLL_MS = 1000

QueueProvider = Callable[[], "int | None"]


class CanvasPanel(QWidget):
    sig_frame_changed = Signal(int)
    """The frame now shown (its id)."""
    sig_boxes_changed = Signal(int)
    """This panel stored a change to the boxes of this frame (edit, undo or redo)."""
    sig_reviewed_changed = Signal(int, bool)
    """This panel changed a frame's reviewed mark."""
    sig_error = Signal(str)
    """A problem was shown in the canvas (e.g. the project is locked by another process)."""
    sig_extract_requested = Signal()
    """The empty state's "Extract frames…" button: the project has no frames yet."""
    sig_status = Signal(str)
    """A short report for the status line (e.g. how many pseudo boxes marking reviewed confirmed and removed)."""

    def __init__(self, parent: QWidget | None = None, keymap: Keymap | None = None,
                 preferences: CanvasPreferences | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.frame: Frame | None = None
        self._order: list[int] = []
        self._queue_provider: QueueProvider | None = None
        self._keymap = keymap or Keymap.load()
        self.preferences = preferences or CanvasPreferences.load()
        self._save_preferences = preferences is None
        self.images = FrameImages()
        self.histories = UndoHistories(self)
        self._data_version = 0
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._poll_for_outside_changes)

        self.canvas = CanvasWidget()
        self.canvas.ball_size = float(self.preferences.ball_size)
        self.canvas.set_threshold(self.preferences.threshold)
        self.canvas.set_scores_shown(self.preferences.show_scores)
        self.canvas.set_loupe(self.preferences.loupe)
        self.help = HelpOverlay(self)
        self.actions_by_id = canvas_actions.build_actions(self, self._action_slots(), self.preferences)
        bars = canvas_actions.build_toolbars(
            self, self.actions_by_id, self.preferences, self.canvas.threshold,
            on_class=self.set_class, on_ball_size=self._on_ball_size, on_keys=self.edit_keymap,
            on_threshold=self.set_threshold, on_reviewed=self.set_reviewed, focus_after_ball_size=self.canvas,
        )
        self.edit_bar, self.review_bar = bars.edit_bar, bars.review_bar
        self.class_box, self.ball_size, self.reviewed = bars.class_box, bars.ball_size, bars.reviewed
        self.threshold, self.threshold_label = bars.threshold, bars.threshold_label
        self.info = QLabel("No frame")
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty = EmptyState()
        self.empty.add_button("Extract frames…", self.sig_extract_requested.emit)
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.edit_bar)
        layout.addWidget(self.review_bar)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.info)
        self.setFocusProxy(self.canvas)  # focusing the panel focuses the canvas, where the keys work

        self.canvas.sig_rects_edited.connect(self._on_rects_edited)
        self.canvas.sig_draw_finished.connect(self._on_draw_finished)
        self.canvas.sig_ball_clicked.connect(self._on_ball_clicked)
        self.canvas.sig_tool_changed.connect(self._on_tool_changed)
        self.canvas.sig_selection_changed.connect(lambda _ids: self._update_enabled())
        self.canvas.sig_space_tapped.connect(self._on_space_tapped)
        self.canvas.sig_context_menu.connect(self.show_class_menu)
        self.histories.group.canUndoChanged.connect(lambda _c: self._update_enabled())
        self.histories.group.canRedoChanged.connect(lambda _c: self._update_enabled())
        self.set_keymap(self._keymap)
        self._update_enabled()

    # ============================================================== building
    def _action_slots(self) -> dict[str, Callable[[], object]]:
        """What each action does (see canvas_actions.build_actions)."""
        return {
            "tool_select": lambda: self.canvas.set_tool(Tool.SELECT),
            "tool_draw": lambda: self.canvas.set_tool(Tool.DRAW),
            "tool_ball": lambda: self.canvas.set_tool(Tool.BALL),
            "cancel": self.cancel,
            "class_player": lambda: self.set_class(ClassId.PLAYER),
            "class_ball": lambda: self.set_class(ClassId.BALL),
            "class_menu": lambda: self.show_class_menu(QCursor.pos()),
            "delete": self.delete_selected,
            "duplicate": self.duplicate_selected,
            "nudge_left": lambda: self.nudge(-1, 0),
            "nudge_right": lambda: self.nudge(1, 0),
            "nudge_up": lambda: self.nudge(0, -1),
            "nudge_down": lambda: self.nudge(0, 1),
            "nudge_left_10": lambda: self.nudge(-10, 0),
            "nudge_right_10": lambda: self.nudge(10, 0),
            "nudge_up_10": lambda: self.nudge(0, -10),
            "nudge_down_10": lambda: self.nudge(0, 10),
            "undo": self.undo,
            "redo": self.redo,
            "select_all": self.canvas.select_all,
            "select_next": lambda: self.canvas.select_step(1),
            "select_previous": lambda: self.canvas.select_step(-1),
            "confirm": self.confirm_selected,
            "confirm_all": self.confirm_all,
            "reject_pseudo": self.reject_pseudo,
            "copy_previous": self.copy_previous,
            "review_next": self.review_and_next,
            "toggle_reviewed": lambda: self.set_reviewed(not (self.frame.reviewed if self.frame else False)),
            "threshold_up": lambda: self.set_threshold(self.canvas.threshold + THRESHOLD_STEP),
            "threshold_down": lambda: self.set_threshold(self.canvas.threshold - THRESHOLD_STEP),
            "next_frame": self.next_frame,
            "previous_frame": self.previous_frame,
            "next_unreviewed": self.next_unreviewed,
            "next_in_queue": self.next_in_queue,
            "zoom_in": lambda: self.canvas.zoom(1.25),
            "zoom_out": lambda: self.canvas.zoom(0.8),
            "fit": self.canvas.fit,
            "actual_size": self.canvas.actual_size,
            "zoom_selection": self.canvas.zoom_to_selection,
            "loupe": lambda: self._set_preference(loupe=self.actions_by_id["loupe"].isChecked()),
            "toggle_boxes": lambda: self.canvas.set_boxes_shown(self.actions_by_id["toggle_boxes"].isChecked()),
            "toggle_scores": lambda: self._set_preference(
                show_scores=self.actions_by_id["toggle_scores"].isChecked()),
            "help": self.toggle_help,
        }

    # ================================================================ keymap
    def keymap(self) -> Keymap:
        return self._keymap

    def set_keymap(self, keymap: Keymap) -> None:
        """Bind every action to the keymap's keys (Space stays with the canvas: held pans, tapped acts)."""
        keymap.check()
        self._keymap = keymap
        canvas_actions.bind_keys(self.actions_by_id, keymap)
        self.help.set_keymap(keymap)

    def edit_keymap(self) -> None:
        from soccer_desktop.gui.canvas.keymap_dialog import KeymapDialog

        dialog = KeymapDialog(self._keymap, self)
        if dialog.exec():
            keymap = dialog.result_keymap()
            self.set_keymap(keymap)
            try:
                keymap.save()
            except OSError as error:
                self._report(f"The shortcuts could not be saved ({error}); they apply until you close the app.")

    def _on_space_tapped(self) -> None:
        action = self._keymap.action_for(canvas_actions.CANVAS_KEY)
        if action is not None:
            self.actions_by_id[action].trigger()

    def toggle_help(self) -> None:
        if self.help.isVisible():
            self.help.hide()
            return
        self.help.setGeometry(self.canvas.geometry())
        self.help.show()
        self.help.raise_()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.help.isVisible():
            self.help.setGeometry(self.canvas.geometry())

    def cancel(self) -> None:
        if self.help.isVisible():
            self.help.hide()
            return
        self.canvas.cancel()

    # =============================================================== project
    def set_project(self, project: Project | None) -> None:
        """Show frames of ``project`` (opening its first frame), or nothing."""
        self._poll.stop()
        self.images.close()
        self.histories.reset(project)
        self.project = project
        self.frame = None
        self._order = []
        self.canvas.set_image(None)
        self.canvas.set_boxes([])
        self.canvas.clear_message()
        if project is not None:
            self._refresh_order()
            self._data_version = self._safe(lambda: project.data_version(), 0)
            self._poll.start()
            if self._order:
                self.open_frame(self._order[0])
        self._update_info()
        self._update_enabled()

    def set_queue_provider(self, provider: QueueProvider | None) -> None:
        """Where "next in queue" goes: a callable returning the next frame id of the review queue, or None."""
        self._queue_provider = provider
        self._update_enabled()

    def current_frame(self) -> Frame | None:
        return self.frame

    def frame_order(self) -> list[int]:
        return list(self._order)

    def _refresh_order(self) -> None:
        if self.project is not None:
            self._order = self._safe(lambda: self.project.frame_ids(), self._order)

    def open_frame(self, frame_id: int) -> bool:
        """Show a frame with its stored boxes; zoom and view stay when it has the previous frame's size."""
        if self.project is None:
            return False
        if self.canvas.is_dragging():
            self.canvas.cancel()
        try:
            frame = self.project.frame(frame_id)
            boxes = self.project.boxes(frame_id)
        except ProjectError as error:
            self._report(error)
            return False
        if frame_id not in self._order:
            self._refresh_order()
        path = self.project.image_file(frame)
        image = self.images.get(path)
        self.frame = frame
        self.canvas.set_image(image, (frame.width, frame.height))
        self.canvas.set_selection([])
        self.canvas.set_boxes(boxes)
        self.histories.activate(frame_id)
        if image is None:
            self.canvas.show_message(
                f"The image of this frame is missing or unreadable: {path}. Its boxes are shown on a grey "
                "placeholder; put the file back (or re-extract the frame) to see it."
            )
        elif self.canvas.message():
            self.canvas.clear_message()
        self._prefetch_neighbours()
        self._update_info()
        self._update_enabled()
        self.sig_frame_changed.emit(frame_id)
        return True

    def _prefetch_neighbours(self) -> None:
        if self.project is None or self.frame is None:
            return
        paths: list[Path] = []
        for step in (1, -1):
            neighbour = navigation.neighbour(self._order, self.frame.id, step)
            if neighbour is not None:
                try:
                    paths.append(self.project.image_file(self.project.frame(neighbour)))
                except ProjectError:
                    pass
        self.images.prefetch(paths)

    def _reload(self, select: list[int] | None = None) -> None:
        """Show what is stored for the current frame (after every edit, undo, redo or outside change)."""
        if self.project is None or self.frame is None:
            return
        try:
            self.frame = self.project.frame(self.frame.id)
            boxes = self.project.boxes(self.frame.id)
        except ProjectError as error:
            self._report(error)
            return
        self.canvas.set_boxes(boxes)
        if select is not None:
            self.canvas.set_selection(select)
        self._update_info()
        self._update_enabled()

    def _poll_for_outside_changes(self) -> None:
        """Another window, process or job committed: show what is stored now (never during a drag)."""
        if self.project is None or self.canvas.is_dragging():
            return
        version = self._safe(lambda: self.project.data_version(), self._data_version)
        if version != self._data_version:
            self._data_version = version
            self.refresh()

    def refresh(self) -> None:
        """Show what the project holds now: the first frame once frames appear, else the current one again."""
        if self.project is None or self.canvas.is_dragging():
            return
        self._refresh_order()
        if self.frame is None and self._order:
            self.open_frame(self._order[0])
        else:
            self._reload()
            self._update_info()

    # ================================================================ edits
    def _edit(
        self,
        make: Callable[[Project, int], BoxEdit],
        merge_key: Hashable | None = None,
        select_added: bool = False,
    ) -> BoxEdit | None:
        """Store one edit (one transaction) and record it for undo; a refused edit is shown, not recorded."""
        if self.project is None or self.frame is None:
            return None
        frame_id = self.frame.id
        try:
            edit = make(self.project, frame_id)
        except ProjectError as error:
            self._report(error)
            self._reload()
            return None
        if not edit.is_empty():
            self.histories.history(frame_id).push(edit, merge_key)
            self.sig_boxes_changed.emit(frame_id)
        self._reload(select=edit.added_ids if select_added and edit.added_ids else None)
        return edit

    def _on_rects_edited(self, rects: dict[int, Rect], label: str) -> None:
        self._edit(lambda p, f: commands.set_rects(p, f, rects, label))

    def _on_draw_finished(self, rect: Rect) -> None:
        box = NewBox(self.canvas.draw_class, rect.x, rect.y, rect.w, rect.h, source=BoxSource.MANUAL)
        self._edit(lambda p, f: commands.add_boxes(p, f, [box], label=f"Draw {box.class_id.label}"),
                   select_added=True)

    def _on_ball_clicked(self, x: float, y: float) -> None:
        size = self.canvas.image_size()
        if size is None:
            return
        rect = geometry.centred(x, y, self.canvas.ball_size, self.canvas.ball_size, *size)
        box = NewBox(ClassId.BALL, rect.x, rect.y, rect.w, rect.h, source=BoxSource.MANUAL)
        self._edit(lambda p, f: commands.add_boxes(p, f, [box], label="Ball"), select_added=True)

    def selected(self) -> tuple[int, ...]:
        return self.canvas.selected_ids()

    def delete_selected(self) -> None:
        ids = self.selected()
        if ids:
            self._edit(lambda p, f: commands.delete_boxes(p, f, ids, label=f"Delete {len(ids)} box(es)"))

    def duplicate_selected(self) -> None:
        ids = self.selected()
        if ids:
            self._edit(lambda p, f: commands.duplicate(p, f, ids), select_added=True)

    def set_class(self, class_id: ClassId) -> None:
        """Change the selection's class; with nothing selected, choose the class of the next drawn box."""
        class_id = ClassId(class_id)
        self.canvas.draw_class = class_id
        self.class_box.setCurrentIndex(self.class_box.findData(class_id))
        ids = self.selected()
        if ids:
            self._edit(lambda p, f: commands.set_class(p, f, ids, class_id))

    def nudge(self, dx: float, dy: float) -> None:
        ids = self.selected()
        size = self.canvas.image_size()
        if not ids or size is None:
            return
        rects = {b.id: Rect.of(b) for b in self.canvas.boxes() if b.id in ids}
        moved = geometry.move_all(rects, dx, dy, *size)
        changed = {i: r for i, r in moved.items() if not geometry.same_rect(r, rects[i])}
        if changed:
            self._edit(lambda p, f: commands.set_rects(p, f, changed, label="Nudge"), merge_key="nudge")

    def confirm_selected(self) -> None:
        ids = self.selected()
        if ids:
            self._edit(lambda p, f: commands.confirm(p, f, ids))

    def confirm_all(self) -> None:
        threshold = self.canvas.threshold
        self._edit(lambda p, f: commands.confirm_above(p, f, threshold))

    def reject_pseudo(self) -> None:
        self._edit(commands.reject_pseudo)

    def copy_previous(self) -> None:
        if self.frame is None:
            return
        previous = navigation.neighbour(self._order, self.frame.id, -1)
        if previous is None:
            self._report("This is the first frame: there is no previous frame to copy boxes from.")
            return
        edit = self._edit(lambda p, f: commands.copy_boxes_from(p, f, previous), select_added=True)
        if edit is not None and not edit.added_ids:
            self._report("The previous frame has no boxes to copy.")

    def show_class_menu(self, where: QPoint) -> None:
        menu = canvas_actions.class_menu(self, self.actions_by_id, self.set_class)
        menu.popup(where)
        self._menu = menu

    # ================================================================= undo
    def undo(self) -> None:
        self._step_history(-1)

    def redo(self) -> None:
        self._step_history(1)

    def _step_history(self, step: int) -> None:
        if self.project is None or self.frame is None or self.canvas.is_dragging():
            return
        history = self.histories.history(self.frame.id)
        error = history.undo() if step < 0 else history.redo()
        if error is not None:
            self._report(error)
            if isinstance(error, EditConflictError):
                history.clear()
        else:
            self.sig_boxes_changed.emit(self.frame.id)
        self._reload()

    # =========================================================== navigation
    def next_frame(self) -> None:
        self._go(navigation.neighbour(self._order, self.frame.id if self.frame else None, 1), "This is the last frame.")

    def previous_frame(self) -> None:
        self._go(navigation.neighbour(self._order, self.frame.id if self.frame else None, -1),
                 "This is the first frame.")

    def next_unreviewed(self) -> None:
        if self.project is None:
            return
        unreviewed = self._safe(lambda: self.project.unreviewed_frame_ids(), set())
        self._go(navigation.next_unreviewed(self._order, unreviewed, self.frame.id if self.frame else None),
                 "Every other frame is reviewed.")

    def next_in_queue(self) -> None:
        if self._queue_provider is None:
            self._report("No review queue is open.")
            return
        self._go(self._queue_provider(), "The review queue has no more frames.")

    def _go(self, frame_id: int | None, otherwise: str) -> None:
        if frame_id is None:
            self._report(otherwise)
            return
        self.open_frame(frame_id)

    def set_reviewed(self, reviewed: bool) -> None:
        """Mark the frame reviewed (its shown pseudo boxes confirmed, hidden ones removed) or not; one undo step."""
        if self.project is None or self.frame is None:
            self._sync_reviewed_box()
            return
        pseudo_left = any(b.source == BoxSource.PSEUDO for b in self.canvas.boxes())
        if self.frame.reviewed == reviewed and not (reviewed and pseudo_left):
            self._sync_reviewed_box()
            return
        if reviewed and not self.canvas.boxes_shown():
            self._report("Show the boxes before marking the frame reviewed: a reviewed frame keeps what you see.")
            self._sync_reviewed_box()
            return
        frame_id = self.frame.id
        outcome: list[Resolution] = []

        def mark(project: Project, frame: int) -> BoxEdit:
            if not reviewed:
                return review_policy.mark_unreviewed(project, frame)
            outcome.append(review_policy.mark_reviewed(project, frame, review_policy.Shown(self.canvas.threshold)))
            return outcome[0].edit

        if self._edit(mark) is not None:
            self.sig_reviewed_changed.emit(frame_id, reviewed)
            self.sig_status.emit(outcome[0].message() if outcome else "Frame marked not reviewed.")

    def review_and_next(self) -> None:
        """Mark the frame reviewed, then go to the review queue's next frame, else the next unreviewed one."""
        if self.frame is None:
            return
        self.set_reviewed(True)
        if self.frame is None or not self.frame.reviewed:
            return  # not stored (locked): stay, the message says why
        target = self._queue_provider() if self._queue_provider is not None else None
        if target is None or target == self.frame.id:
            unreviewed = self._safe(lambda: self.project.unreviewed_frame_ids(), set())
            target = navigation.next_unreviewed(self._order, unreviewed, self.frame.id)
        self._go(target, "Every frame is reviewed.")

    # ============================================================= settings
    def set_threshold(self, value: float) -> None:
        value = min(1.0, max(0.0, round(value, 2)))
        self.canvas.set_threshold(value)
        canvas_actions.show_threshold(self.threshold, self.threshold_label, value)
        self._set_preference(threshold=value)
        self._update_info()

    def _on_ball_size(self, value: int) -> None:
        self.canvas.ball_size = float(value)
        self.canvas.update()
        self._set_preference(ball_size=value)

    def _set_preference(self, **changes: object) -> None:
        for name, value in changes.items():
            setattr(self.preferences, name, value)
        if "loupe" in changes:
            self.canvas.set_loupe(bool(changes["loupe"]))
        if "show_scores" in changes:
            self.canvas.set_scores_shown(bool(changes["show_scores"]))
        if self._save_preferences:
            try:
                self.preferences.save()
            except OSError as error:
                log.warning("Cannot save canvas preferences: %s", error)

    def _on_tool_changed(self, tool: Tool) -> None:
        self.actions_by_id[f"tool_{tool.value}"].setChecked(True)

    # ================================================================ state
    def _report(self, problem: ProjectError | str) -> None:
        text = str(problem)
        log.info("Canvas: %s", text)
        self.canvas.show_message(text)
        self.sig_error.emit(text)

    def _safe(self, read: Callable[[], object], fallback: object) -> object:  # type: ignore[type-arg]
        try:
            return read()
        except ProjectError as error:
            self._report(error)
            return fallback

    def _sync_reviewed_box(self) -> None:
        canvas_actions.show_reviewed(self.reviewed, self.frame)

    def _update_info(self) -> None:
        self._sync_reviewed_box()
        empty = self.project is not None and self.frame is None and not self._order
        self.canvas.setVisible(not empty)
        self.empty.setVisible(empty)
        if empty:
            self.empty.show_only("No frames yet — extract frames from the project's videos to label them.",
                                 "Extract frames…")
        if self.frame is None:
            self.info.setText("No frame" if self.project is None else "This project has no frames yet.")
            return
        frame = self.frame
        boxes = self.canvas.boxes()
        pseudo = sum(b.source == BoxSource.PSEUDO for b in boxes)
        imported = sum(b.source == BoxSource.IMPORTED for b in boxes)
        hidden = len(boxes) - len(self.canvas.visible_boxes()) if self.canvas.boxes_shown() else 0
        where = f"video {frame.video_id} · frame {frame.frame_index}" if frame.video_id is not None else frame.image_path
        position = self._order.index(frame.id) + 1 if frame.id in self._order else "?"
        self.info.setText(
            f" {position}/{len(self._order)} · {where} · {frame.width}×{frame.height} · {len(boxes)} boxes "
            f"({pseudo} pseudo{f', {imported} imported' if imported else ''}"
            f"{f', {hidden} hidden below the threshold' if hidden else ''})"
            f" · {'reviewed ✓' if frame.reviewed else 'not reviewed'}"
        )

    def _update_enabled(self) -> None:
        canvas_actions.update_enabled(
            self.actions_by_id, self.histories.group.activeStack(), has_frame=self.frame is not None,
            has_selection=bool(self.selected()), has_queue=self._queue_provider is not None,
        )
