"""The annotation panel's actions, toolbars and context menu: made, laid out, bound to keys, enabled.

It exists because canvas_panel.py grew past the team's ~600-line limit, and
its controls are the part that stands on its own: one QAction per keymap
action id (:data:`~soccer_desktop.editing.keymap.SPECS`) with a short toolbar
text, the two toolbars with the widgets between the actions (and how the
score slider and Reviewed box show the panel's state), the context menu, the
keymap's keys on every action, and which actions are enabled. Nothing here
reads the panel: :class:`~soccer_desktop.gui.canvas.canvas_panel.CanvasPanel`
passes its slots, preferences and state as arguments and keeps the widgets
it gets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QMenu, QSlider, QSpinBox, QToolBar, QWidget

from soccer_desktop.editing.keymap import SPECS, Keymap
from soccer_desktop.editing.preferences import MAX_BALL_SIZE, MIN_BALL_SIZE, CanvasPreferences
from soccer_desktop.gui.canvas.help_overlay import shown_key
from soccer_desktop.project.store import ClassId, Frame

#: The key the canvas keeps for itself (held: pan; tapped: the action bound to it).
CANVAS_KEY = "Space"


def build_actions(
    owner: QWidget, slots: Mapping[str, Callable[[], object]], preferences: CanvasPreferences
) -> dict[str, QAction]:
    """One action per id of ``slots`` (in its order), added to ``owner``; triggering it calls its slot."""
    short = {
        "tool_select": "Select", "tool_draw": "Draw", "tool_ball": "Ball", "delete": "Delete",
        "duplicate": "Duplicate", "undo": "Undo", "redo": "Redo", "confirm": "Confirm",
        "confirm_all": "Confirm all", "reject_pseudo": "Reject pseudo", "copy_previous": "Copy previous",
        "next_frame": "Next ▶", "previous_frame": "◀ Prev", "next_unreviewed": "Next unreviewed",
        "next_in_queue": "Next in queue", "review_next": "Reviewed ▶", "fit": "Fit", "actual_size": "1:1",
        "zoom_selection": "Zoom sel.", "loupe": "Loupe", "toggle_scores": "Scores", "help": "?",
        "toggle_boxes": "Boxes",
    }
    actions_by_id: dict[str, QAction] = {}
    tools = QActionGroup(owner)
    tools.setExclusive(True)
    for action_id, slot in slots.items():
        action = QAction(short.get(action_id, SPECS[action_id].title), owner)
        action.setObjectName(f"canvas-{action_id}")
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setAutoRepeat(action_id.startswith(("nudge", "threshold", "zoom_")))
        if action_id.startswith("tool_"):
            action.setCheckable(True)
            tools.addAction(action)
        if action_id in ("loupe", "toggle_boxes", "toggle_scores"):
            action.setCheckable(True)
        action.triggered.connect(lambda _checked=False, s=slot: s())
        owner.addAction(action)
        actions_by_id[action_id] = action
    actions_by_id["tool_select"].setChecked(True)
    actions_by_id["toggle_boxes"].setChecked(True)
    actions_by_id["loupe"].setChecked(preferences.loupe)
    actions_by_id["toggle_scores"].setChecked(preferences.show_scores)
    return actions_by_id


@dataclass
class Toolbars:
    """What :func:`build_toolbars` made: the two bars and the widgets the panel keeps in step."""

    edit_bar: QToolBar
    review_bar: QToolBar
    class_box: QComboBox
    ball_size: QSpinBox
    threshold: QSlider
    threshold_label: QLabel
    reviewed: QCheckBox


def build_toolbars(
    owner: QWidget,
    actions_by_id: Mapping[str, QAction],
    preferences: CanvasPreferences,
    threshold_value: float,
    *,
    on_class: Callable[[ClassId], object],
    on_ball_size: Callable[[int], object],
    on_keys: Callable[[], object],
    on_threshold: Callable[[float], object],
    on_reviewed: Callable[[bool], object],
    focus_after_ball_size: QWidget,
) -> Toolbars:
    """The edit and review toolbars: ``actions_by_id``'s actions with the class, ball-size, score and
    reviewed widgets between them, each widget calling its ``on_*`` slot."""
    a = actions_by_id
    edit_bar = QToolBar("Canvas tools")
    for action_id in ("tool_select", "tool_draw", "tool_ball"):
        edit_bar.addAction(a[action_id])
    class_box = QComboBox()
    class_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    class_box.setToolTip("Class of new boxes; with a selection, changes its class")
    for class_id in ClassId:
        class_box.addItem(class_id.label.capitalize(), class_id)
    class_box.activated.connect(lambda i: on_class(class_box.itemData(i)))
    edit_bar.addWidget(class_box)
    edit_bar.addWidget(QLabel(" Ball "))
    ball_size = QSpinBox()
    ball_size.setRange(MIN_BALL_SIZE, MAX_BALL_SIZE)
    ball_size.setSuffix(" px")
    ball_size.setValue(preferences.ball_size)
    ball_size.setToolTip("Size of the box the ball tool makes")
    ball_size.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    ball_size.valueChanged.connect(on_ball_size)
    ball_size.editingFinished.connect(lambda: focus_after_ball_size.setFocus())
    edit_bar.addWidget(ball_size)
    edit_bar.addSeparator()
    for action_id in ("undo", "redo", "delete", "duplicate", "copy_previous"):
        edit_bar.addAction(a[action_id])
    edit_bar.addSeparator()
    for action_id in ("fit", "actual_size", "zoom_selection", "loupe", "toggle_scores"):
        edit_bar.addAction(a[action_id])
    edit_bar.addSeparator()
    keys = QAction("Keys…", owner)
    keys.setToolTip("Choose a keymap preset or change any shortcut")
    keys.triggered.connect(on_keys)
    edit_bar.addAction(keys)
    edit_bar.addAction(a["help"])

    review_bar = QToolBar("Review")
    for action_id in ("confirm", "confirm_all", "reject_pseudo"):
        review_bar.addAction(a[action_id])
    review_bar.addWidget(QLabel(" Score ≥ "))
    threshold = QSlider(Qt.Orientation.Horizontal)
    threshold.setRange(0, 100)
    threshold.setFixedWidth(140)
    threshold.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    threshold.setToolTip("Pseudo boxes scoring below this are hidden (and not confirmed by Confirm all)")
    threshold.setValue(round(threshold_value * 100))
    threshold.valueChanged.connect(lambda v: on_threshold(v / 100))
    review_bar.addWidget(threshold)
    threshold_label = QLabel(f" {threshold_value:.2f} ")
    review_bar.addWidget(threshold_label)
    review_bar.addSeparator()
    for action_id in ("previous_frame", "next_frame", "next_unreviewed", "next_in_queue", "review_next"):
        review_bar.addAction(a[action_id])
    reviewed = QCheckBox("Reviewed")
    reviewed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    reviewed.toggled.connect(on_reviewed)
    review_bar.addWidget(reviewed)
    return Toolbars(edit_bar, review_bar, class_box, ball_size, threshold, threshold_label, reviewed)


def show_threshold(threshold: QSlider, threshold_label: QLabel, value: float) -> None:
    """Show the score threshold on the slider and its label (the slider does not call back)."""
    threshold_label.setText(f" {value:.2f} ")
    if threshold.value() != round(value * 100):
        threshold.blockSignals(True)
        threshold.setValue(round(value * 100))
        threshold.blockSignals(False)


def show_reviewed(reviewed: QCheckBox, frame: Frame | None) -> None:
    """Tick the Reviewed box as ``frame`` is marked (it does not call back); disabled without a frame."""
    reviewed.blockSignals(True)
    reviewed.setChecked(bool(frame and frame.reviewed))
    reviewed.setEnabled(frame is not None)
    reviewed.blockSignals(False)


def class_menu(
    owner: QWidget, actions_by_id: Mapping[str, QAction], on_class: Callable[[ClassId], object]
) -> QMenu:
    """The canvas's context menu: the classes (each calls ``on_class``), then the selection's actions."""
    menu = QMenu(owner)
    for class_id in ClassId:
        action = menu.addAction(class_id.label.capitalize())
        action.triggered.connect(lambda _c=False, c=class_id: on_class(c))
    menu.addSeparator()
    for action_id in ("confirm", "duplicate", "delete", "zoom_selection"):
        menu.addAction(actions_by_id[action_id])
    return menu


def bind_keys(actions_by_id: Mapping[str, QAction], keymap: Keymap) -> None:
    """Give every action the keymap's keys (Space stays with the canvas: held pans, tapped acts)."""
    for action_id, action in actions_by_id.items():
        keys = [k for k in keymap.keys(action_id) if k != CANVAS_KEY]
        action.setShortcuts([QKeySequence(k) for k in keys])
        shown = ", ".join(shown_key(k) for k in keymap.keys(action_id))
        action.setToolTip(f"{SPECS[action_id].title}" + (f" ({shown})" if shown else ""))


def update_enabled(
    actions_by_id: Mapping[str, QAction],
    stack: QUndoStack | None,
    *,
    has_frame: bool,
    has_selection: bool,
    has_queue: bool,
) -> None:
    """Enable the actions for what the panel shows; undo and redo name the active ``stack``'s next step."""
    enable = {
        "undo": has_frame and stack is not None and stack.canUndo(),
        "redo": has_frame and stack is not None and stack.canRedo(),
        "delete": has_selection, "duplicate": has_selection, "confirm": has_selection,
        "zoom_selection": has_selection,
        "next_in_queue": has_frame and has_queue,
    }
    for action_id, action in actions_by_id.items():
        action.setEnabled(enable.get(action_id, has_frame or action_id in ("help", "cancel")))
    undo, redo = actions_by_id["undo"], actions_by_id["redo"]
    undo.setText(f"Undo {stack.undoText()}".strip() if stack is not None and stack.canUndo() else "Undo")
    redo.setText(f"Redo {stack.redoText()}".strip() if stack is not None and stack.canRedo() else "Redo")
