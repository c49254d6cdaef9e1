"""Canvas keyboard shortcuts as data: two presets, remapping, conflict detection, a JSON file.

A key is written the way Qt's portable ``QKeySequence`` text writes it
(``"Ctrl+Shift+Z"``, ``"Del"``, ``"Esc"``, ``"Return"``, ``"?"``), one chord
per binding; an action may have several bindings. The user's choice is
stored as ``{"preset": name, "overrides": {action: [keys]}}`` in
``keymap.json`` beside the settings file, so changing a preset later still
reaches users who only remapped a few keys.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from soccer_desktop import paths
from soccer_desktop.core.atomic import atomic_write_json
from soccer_desktop.core.disk import writing
from soccer_desktop.core.errors import UserError

log = logging.getLogger(__name__)


class KeymapError(UserError):
    """A key binding that cannot be used; the message names it and the fix."""


@dataclass(frozen=True)
class ActionSpec:
    id: str
    title: str
    group: str


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("tool_select", "Select tool (click, rubber band, move, resize)", "Tools"),
    ActionSpec("tool_draw", "Draw a box (click-drag; back to select after one box)", "Tools"),
    ActionSpec("tool_ball", "Ball tool (one click on the ball centre)", "Tools"),
    ActionSpec("cancel", "Cancel: stop drawing, clear the selection, close help", "Tools"),
    ActionSpec("class_player", "Class: player (selected boxes, or the next drawn box)", "Edit"),
    ActionSpec("class_ball", "Class: ball (selected boxes, or the next drawn box)", "Edit"),
    ActionSpec("class_menu", "Class menu for the selection", "Edit"),
    ActionSpec("delete", "Delete the selected boxes", "Edit"),
    ActionSpec("duplicate", "Duplicate the selected boxes", "Edit"),
    ActionSpec("nudge_left", "Nudge left 1 px", "Edit"),
    ActionSpec("nudge_right", "Nudge right 1 px", "Edit"),
    ActionSpec("nudge_up", "Nudge up 1 px", "Edit"),
    ActionSpec("nudge_down", "Nudge down 1 px", "Edit"),
    ActionSpec("nudge_left_10", "Nudge left 10 px", "Edit"),
    ActionSpec("nudge_right_10", "Nudge right 10 px", "Edit"),
    ActionSpec("nudge_up_10", "Nudge up 10 px", "Edit"),
    ActionSpec("nudge_down_10", "Nudge down 10 px", "Edit"),
    ActionSpec("undo", "Undo", "Edit"),
    ActionSpec("redo", "Redo", "Edit"),
    ActionSpec("select_all", "Select all shown boxes", "Select"),
    ActionSpec("select_next", "Select the next box", "Select"),
    ActionSpec("select_previous", "Select the previous box", "Select"),
    ActionSpec("confirm", "Confirm the selected pseudo boxes (they become manual)", "Review"),
    ActionSpec("confirm_all", "Confirm every pseudo box above the score threshold", "Review"),
    ActionSpec("reject_pseudo", "Reject (delete) every pseudo box of the frame", "Review"),
    ActionSpec("copy_previous", "Copy all boxes from the previous frame", "Review"),
    ActionSpec("review_next", "Mark the frame reviewed and go on", "Review"),
    ActionSpec("toggle_reviewed", "Toggle the frame's reviewed mark", "Review"),
    ActionSpec("threshold_up", "Raise the score threshold", "Review"),
    ActionSpec("threshold_down", "Lower the score threshold", "Review"),
    ActionSpec("next_frame", "Next frame", "Navigate"),
    ActionSpec("previous_frame", "Previous frame", "Navigate"),
    ActionSpec("next_unreviewed", "Next unreviewed frame", "Navigate"),
    ActionSpec("next_in_queue", "Next frame of the review queue", "Navigate"),
    ActionSpec("zoom_in", "Zoom in (also Ctrl+wheel at the cursor)", "View"),
    ActionSpec("zoom_out", "Zoom out", "View"),
    ActionSpec("fit", "Fit the frame to the window", "View"),
    ActionSpec("actual_size", "Actual pixels (1:1)", "View"),
    ActionSpec("zoom_selection", "Zoom to the selection", "View"),
    ActionSpec("loupe", "Magnifier loupe at the cursor", "View"),
    ActionSpec("toggle_boxes", "Show or hide the boxes", "View"),
    ActionSpec("toggle_scores", "Show every score as a label", "View"),
    ActionSpec("help", "This list of shortcuts", "View"),
)
ACTION_IDS = tuple(a.id for a in ACTIONS)
SPECS = {a.id: a for a in ACTIONS}

#: Fixed mouse gestures, listed in the help overlay (not remappable).
MOUSE_GESTURES: tuple[tuple[str, str], ...] = (
    ("Ctrl+wheel", "Zoom around the cursor"),
    ("Wheel / Shift+wheel", "Scroll up-down / left-right"),
    ("Middle drag, Space+drag", "Pan"),
    ("Click, Shift/Ctrl+click", "Select, add to / toggle in the selection"),
    ("Drag on empty image", "Rubber-band selection"),
    ("Drag a box / a handle", "Move / resize (eight handles on selected boxes)"),
    ("Right click", "Class menu"),
)

#: Keys the main window already binds; a canvas binding on them would make both ambiguous.
RESERVED: dict[str, str] = {
    "Ctrl+N": "New project",
    "Ctrl+O": "Open project",
    "Ctrl+Shift+O": "Open video",
    "Ctrl+Q": "Quit",
}

_COMMON: dict[str, tuple[str, ...]] = {
    "tool_select": ("V",),
    "tool_ball": ("B",),
    "cancel": ("Esc",),
    "class_player": ("1",),
    "class_ball": ("2",),
    "class_menu": ("Ctrl+E",),
    "delete": ("Del", "Backspace"),
    "duplicate": ("Ctrl+D",),
    "nudge_left": ("Left",),
    "nudge_right": ("Right",),
    "nudge_up": ("Up",),
    "nudge_down": ("Down",),
    "nudge_left_10": ("Shift+Left",),
    "nudge_right_10": ("Shift+Right",),
    "nudge_up_10": ("Shift+Up",),
    "nudge_down_10": ("Shift+Down",),
    "undo": ("Ctrl+Z",),
    "redo": ("Ctrl+Shift+Z", "Ctrl+Y"),
    "select_all": ("Ctrl+A",),
    "select_next": ("Tab",),
    "select_previous": ("Shift+Tab",),
    "confirm": ("C",),
    "confirm_all": ("Return", "Enter"),
    "reject_pseudo": ("Shift+Del",),
    "review_next": ("Space",),
    "toggle_reviewed": ("Ctrl+R",),
    "threshold_up": ("]",),
    "threshold_down": ("[",),
    "next_in_queue": ("Q",),
    "zoom_in": ("Ctrl++", "Ctrl+="),
    "zoom_out": ("Ctrl+-",),
    "fit": ("Ctrl+F",),
    "actual_size": ("Ctrl+0",),
    "zoom_selection": ("Z",),
    "loupe": ("L",),
    "toggle_boxes": ("H",),
    "toggle_scores": ("T",),
    "help": ("?", "F1"),
}

PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    # labelImg: W draws, D/A next/previous image, Space marks verified, Ctrl+V copies the previous boxes.
    "labelimg": {
        **_COMMON,
        "tool_draw": ("W",),
        "copy_previous": ("Ctrl+V",),
        "next_frame": ("D",),
        "previous_frame": ("A",),
        "next_unreviewed": ("Shift+D",),
    },
    # CVAT: N draws a shape, F/D next/previous frame, Ctrl+<digit> sets the label.
    "cvat": {
        **_COMMON,
        "tool_draw": ("N",),
        "class_player": ("1", "Ctrl+1"),
        "class_ball": ("2", "Ctrl+2"),
        "copy_previous": ("Ctrl+Shift+V",),
        "next_frame": ("F",),
        "previous_frame": ("D",),
        "next_unreviewed": ("Shift+F",),
    },
}
DEFAULT_PRESET = "labelimg"
PRESET_TITLES = {"labelimg": "labelImg-like (default)", "cvat": "CVAT-like"}

_MODIFIERS = ("Ctrl", "Alt", "Shift", "Meta")
_MODIFIER_ALIASES = {"ctrl": "Ctrl", "control": "Ctrl", "alt": "Alt", "shift": "Shift", "meta": "Meta", "cmd": "Ctrl"}
_NAMED_KEYS = (
    "Space", "Tab", "Backtab", "Backspace", "Return", "Enter", "Ins", "Del", "Pause", "Print", "Home", "End",
    "Left", "Up", "Right", "Down", "PgUp", "PgDown", "Esc", "Menu",
)
_KEY_ALIASES = {
    "delete": "Del", "escape": "Esc", "insert": "Ins", "pageup": "PgUp", "pagedown": "PgDown",
    "pgup": "PgUp", "pgdown": "PgDown", "enter": "Enter", "return": "Return", "esc": "Esc", "del": "Del",
    "ins": "Ins", "plus": "+", "minus": "-",
}


def normalise(sequence: str) -> str:
    """The canonical text of one key chord (modifiers in Qt's order, key names as Qt writes them)."""
    text = sequence.strip()
    if not text:
        raise KeymapError("An empty key cannot be bound. Press a key or remove the binding.")
    if text.endswith("++"):
        parts = [p for p in text[:-2].split("+") if p] + ["+"]
    elif text == "+":
        parts = ["+"]
    else:
        parts = [p.strip() for p in text.split("+")]
    if any(not p for p in parts):
        raise KeymapError(f"{sequence!r} is not a key. Write keys like 'Ctrl+Shift+Z', 'Del' or 'W'.")
    *modifier_names, key_name = parts
    modifiers = set()
    for name in modifier_names:
        modifier = _MODIFIER_ALIASES.get(name.lower())
        if modifier is None:
            raise KeymapError(f"{sequence!r}: {name!r} is not a modifier (use Ctrl, Alt, Shift or Meta).")
        modifiers.add(modifier)
    key = _key(key_name, sequence)
    return "+".join([m for m in _MODIFIERS if m in modifiers] + [key])


def _key(name: str, sequence: str) -> str:
    if len(name) == 1:
        if name == ",":
            return name
        if name.isspace():
            return "Space"
        return name.upper()
    lower = name.lower()
    if lower in _KEY_ALIASES:
        return _KEY_ALIASES[lower]
    for known in _NAMED_KEYS:
        if known.lower() == lower:
            return known
    if lower.startswith("f") and lower[1:].isdigit() and 1 <= int(lower[1:]) <= 35:
        return f"F{int(lower[1:])}"
    raise KeymapError(
        f"{sequence!r}: {name!r} is not a key this app knows. Use a letter, digit or symbol, F1-F35, or one of "
        f"{', '.join(_NAMED_KEYS)}."
    )


@dataclass
class Keymap:
    """A preset plus the user's overrides (action id -> keys; an empty list unbinds)."""

    preset: str = DEFAULT_PRESET
    overrides: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.preset not in PRESETS:
            raise KeymapError(f"Unknown keymap preset {self.preset!r}; choose one of {', '.join(PRESETS)}.")
        self.overrides = {action: self._checked(action, keys) for action, keys in self.overrides.items()}

    @staticmethod
    def _checked(action: str, keys: Iterable[str]) -> tuple[str, ...]:
        if action not in SPECS:
            raise KeymapError(f"Unknown canvas action {action!r}.")
        if isinstance(keys, str):
            keys = [keys]
        return tuple(dict.fromkeys(normalise(k) for k in keys))

    def keys(self, action: str) -> tuple[str, ...]:
        if action in self.overrides:
            return self.overrides[action]
        return tuple(normalise(k) for k in PRESETS[self.preset].get(action, ()))

    def bindings(self) -> dict[str, tuple[str, ...]]:
        return {action: self.keys(action) for action in ACTION_IDS}

    def action_for(self, key: str) -> str | None:
        wanted = normalise(key)
        for action, keys in self.bindings().items():
            if wanted in keys:
                return action
        return None

    def remapped(self, action: str, keys: Iterable[str]) -> Keymap:
        """A copy with ``action`` bound to ``keys`` (the preset's keys when they are the same)."""
        checked = self._checked(action, keys)
        overrides = dict(self.overrides)
        if checked == tuple(normalise(k) for k in PRESETS[self.preset].get(action, ())):
            overrides.pop(action, None)
        else:
            overrides[action] = checked
        return Keymap(self.preset, overrides)

    def with_preset(self, preset: str) -> Keymap:
        """The preset alone (overrides dropped)."""
        return Keymap(preset)

    def conflicts(self) -> dict[str, list[str]]:
        """Keys bound to more than one action, or to a key the main window uses: key -> action ids/names."""
        users: dict[str, list[str]] = {}
        for action, keys in self.bindings().items():
            for key in keys:
                users.setdefault(key, []).append(action)
        for key, name in RESERVED.items():
            if key in users:
                users[key].append(f"main window: {name}")
        return {key: actions for key, actions in users.items() if len(actions) > 1}

    def check(self) -> None:
        """Raise :class:`KeymapError` naming every conflict."""
        conflicts = self.conflicts()
        if conflicts:
            lines = [f"{key}: {', '.join(SPECS[a].title if a in SPECS else a for a in actions)}"
                     for key, actions in sorted(conflicts.items())]
            raise KeymapError("These keys do more than one thing; change one of each:\n" + "\n".join(lines))

    # ----------------------------------------------------------------- storage
    def to_json(self) -> dict[str, object]:
        return {"preset": self.preset, "overrides": {k: list(v) for k, v in sorted(self.overrides.items())}}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Keymap:
        preset = data.get("preset", DEFAULT_PRESET)
        overrides = data.get("overrides", {})
        if not isinstance(preset, str) or not isinstance(overrides, Mapping):
            raise KeymapError("The keymap file is not in the expected form {preset, overrides}.")
        return cls(preset, {str(k): tuple(v) for k, v in overrides.items()})  # type: ignore[arg-type]

    def save(self, path: Path | None = None) -> Path:
        """Write atomically (temporary file, then replace); refuses a keymap with conflicts."""
        self.check()
        path = path or keymap_file()
        with writing("the keymap", path.parent):
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_json(path, self.to_json())
        return path

    @classmethod
    def load(cls, path: Path | None = None) -> Keymap:
        """The saved keymap; a missing file gives the default, a damaged one too (logged, never an error)."""
        path = path or keymap_file()
        try:
            keymap = cls.from_json(json.loads(path.read_text(encoding="utf-8")))
            keymap.check()
            return keymap
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, TypeError, KeymapError) as error:
            log.warning("Ignoring unusable keymap file %s: %s", path, error)
            return cls()


def keymap_file() -> Path:
    return paths.settings_file().parent / "keymap.json"
