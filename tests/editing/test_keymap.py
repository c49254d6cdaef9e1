"""Keymap presets as data: complete, conflict-free, remappable, stored as JSON; plus navigation and preferences."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from soccer_desktop.editing import navigation
from soccer_desktop.editing.keymap import ACTION_IDS, PRESETS, RESERVED, Keymap, KeymapError, keymap_file, normalise
from soccer_desktop.editing.preferences import CanvasPreferences, preferences_file


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_bind_every_action_without_conflicts(preset: str) -> None:
    keymap = Keymap(preset)
    assert keymap.conflicts() == {}
    keymap.check()
    unbound = [a for a, keys in keymap.bindings().items() if not keys]
    assert unbound == []
    assert set(PRESETS[preset]) == set(ACTION_IDS)


def test_issue_shortcuts_in_the_default_preset() -> None:
    keymap = Keymap()
    assert keymap.preset == "labelimg"
    expected = {
        "tool_draw": "W", "delete": "Del", "class_player": "1", "class_ball": "2", "nudge_left_10": "Shift+Left",
        "undo": "Ctrl+Z", "confirm_all": "Return", "next_frame": "D", "previous_frame": "A",
        "review_next": "Space", "help": "?", "select_next": "Tab",
    }
    for action, key in expected.items():
        assert key in keymap.keys(action), action
    assert {"Ctrl+Shift+Z", "Ctrl+Y"} <= set(keymap.keys("redo"))
    cvat = Keymap("cvat")
    assert cvat.keys("tool_draw") == ("N",) and cvat.keys("next_frame") == ("F",) and "Ctrl+1" in cvat.keys(
        "class_player")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("ctrl+shift+z", "Ctrl+Shift+Z"), ("Shift+Ctrl+Z", "Ctrl+Shift+Z"), ("Delete", "Del"), ("escape", "Esc"),
     ("Ctrl++", "Ctrl++"), ("w", "W"), ("f1", "F1"), ("PageDown", "PgDown"), ("?", "?"), ("Ctrl+-", "Ctrl+-")],
)
def test_normalise(text: str, canonical: str) -> None:
    assert normalise(text) == canonical


@pytest.mark.parametrize("bad", ["", "Ctrl+", "Hyper+A", "Ctrl+Banana", "F99"])
def test_bad_keys_are_refused_with_a_message(bad: str) -> None:
    with pytest.raises(KeymapError):
        normalise(bad)


def test_remapping_detects_conflicts_including_main_window_keys() -> None:
    keymap = Keymap().remapped("tool_draw", ["D"])
    assert keymap.conflicts() == {"D": ["tool_draw", "next_frame"]}
    with pytest.raises(KeymapError, match="Next frame"):
        keymap.check()
    fixed = keymap.remapped("next_frame", ["Right"])
    assert "Right" in fixed.conflicts()  # nudge_right already has it
    fixed = keymap.remapped("next_frame", ["Ctrl+Right"])
    fixed.check()
    assert fixed.action_for("ctrl+right") == "next_frame"
    reserved = Keymap().remapped("duplicate", [next(iter(RESERVED))])
    assert any("main window" in a for actions in reserved.conflicts().values() for a in actions)
    back = fixed.remapped("tool_draw", ["W"])
    assert "tool_draw" not in back.overrides  # same as the preset: no override kept
    with pytest.raises(KeymapError):
        Keymap().remapped("no_such_action", ["X"])


def test_saved_keymap_round_trips_and_damaged_files_fall_back(private_user_folders: Path) -> None:
    path = keymap_file()
    assert path.parent == Path(path).parent and path.name == "keymap.json"
    keymap = Keymap("cvat").remapped("tool_ball", ["G"]).remapped("loupe", [])
    keymap.save()
    data = json.loads(path.read_text())
    assert data == {"preset": "cvat", "overrides": {"loupe": [], "tool_ball": ["G"]}}
    loaded = Keymap.load()
    assert loaded == keymap and loaded.keys("tool_ball") == ("G",) and loaded.keys("loupe") == ()
    path.write_text("{not json")
    assert Keymap.load() == Keymap()
    path.write_text(json.dumps({"preset": "labelimg", "overrides": {"tool_draw": ["D"]}}))
    assert Keymap.load() == Keymap()  # conflicting file: defaults, not a broken canvas
    with pytest.raises(KeymapError):
        Keymap().remapped("tool_draw", ["D"]).save()


def test_navigation_order() -> None:
    order = [5, 3, 9, 1]
    assert navigation.neighbour(order, 3, 1) == 9 and navigation.neighbour(order, 3, -1) == 5
    assert navigation.neighbour(order, 1, 1) is None and navigation.neighbour(order, 5, -1) is None
    assert navigation.neighbour(order, None, 1) == 5 and navigation.neighbour([], 1, 1) is None
    assert navigation.next_unreviewed(order, {5, 1}, 9) == 1
    assert navigation.next_unreviewed(order, {5, 1}, 1) == 5  # wraps round
    assert navigation.next_unreviewed(order, {9}, 9) is None
    assert navigation.next_unreviewed(order, set(), None) is None


def test_preferences_are_clamped_and_stored(private_user_folders: Path) -> None:
    assert CanvasPreferences.load() == CanvasPreferences()
    CanvasPreferences(ball_size=500, threshold=-1, loupe=True).save()
    loaded = CanvasPreferences.load()
    assert (loaded.ball_size, loaded.threshold, loaded.loupe) == (64, 0.0, True)
    preferences_file().write_text("[]")
    assert CanvasPreferences.load() == CanvasPreferences()


def test_editing_needs_no_qt() -> None:
    """The editing logic is Qt-free (the canvas widgets only wrap it)."""
    code = (
        "import sys, soccer_desktop.editing.commands, soccer_desktop.editing.geometry, "
        "soccer_desktop.editing.keymap, soccer_desktop.editing.navigation, soccer_desktop.editing.preferences\n"
        "print(','.join(m for m in sys.modules if m.startswith(('PySide6', 'cv2', 'torch'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
