"""Every keyboard shortcut of the app, as rows for Help › Keyboard shortcuts (no Qt).

The canvas rows come from the keymap in use (so remapped keys are listed as
remapped), the main window's from :data:`~soccer_desktop.editing.keymap.RESERVED`
and the video player's from :data:`VIDEO_PLAYER_KEYS`, the tables the widgets
bind their keys from.
"""

from __future__ import annotations

from dataclasses import dataclass

from soccer_desktop.editing.keymap import ACTIONS, MOUSE_GESTURES, RESERVED, Keymap

#: The video player's keys: (action id, key, what it does). The video panel binds exactly these.
VIDEO_PLAYER_KEYS: tuple[tuple[str, str, str], ...] = (
    ("toggle_play", "Space", "Play / pause"),
    ("next_frame", "Right", "Next frame"),
    ("previous_frame", "Left", "Previous frame"),
    ("forward_10", "Shift+Right", "Forward 10 frames"),
    ("back_10", "Shift+Left", "Back 10 frames"),
    ("first_frame", "Home", "First frame"),
    ("last_frame", "End", "Last frame"),
    ("fit", "F", "Fit the frame to the window"),
    ("actual_size", "1", "Actual pixels (1:1)"),
    ("zoom_in", "+", "Zoom in"),
    ("zoom_out", "-", "Zoom out"),
)

MAIN_WINDOW = "Main window"
VIDEO = "Video tab"
CANVAS = "Annotate tab"


@dataclass(frozen=True)
class ShortcutRow:
    panel: str
    group: str
    title: str
    keys: tuple[str, ...]
    remapped: bool = False
    mouse: bool = False


def shortcut_rows(keymap: Keymap) -> list[ShortcutRow]:
    """Every shortcut of every panel, the canvas's from ``keymap`` (an unbound action has no keys)."""
    rows = [ShortcutRow(MAIN_WINDOW, "Menus", title, (key,)) for key, title in RESERVED.items()]
    rows += [ShortcutRow(VIDEO, "Playback", title, (key,)) for _id, key, title in VIDEO_PLAYER_KEYS]
    rows += [ShortcutRow(CANVAS, spec.group, spec.title, keymap.keys(spec.id), spec.id in keymap.overrides)
             for spec in ACTIONS]
    rows += [ShortcutRow(CANVAS, "Mouse", title, (gesture,), mouse=True) for gesture, title in MOUSE_GESTURES]
    return rows
