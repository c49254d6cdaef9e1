"""Help › Keyboard shortcuts is built from the very tables the widgets bind their keys from."""

from __future__ import annotations

from soccer_desktop.editing.keymap import ACTIONS, MOUSE_GESTURES, RESERVED, Keymap
from soccer_desktop.editing.shortcuts import CANVAS, MAIN_WINDOW, VIDEO, VIDEO_PLAYER_KEYS, shortcut_rows


def test_every_canvas_action_is_listed_with_the_keymaps_keys() -> None:
    for preset in ("labelimg", "cvat"):
        keymap = Keymap(preset)
        canvas = [r for r in shortcut_rows(keymap) if r.panel == CANVAS and not r.mouse]
        assert [(r.title, r.keys) for r in canvas] == [(s.title, keymap.keys(s.id)) for s in ACTIONS]
        assert not any(r.remapped for r in canvas)


def test_remapped_and_unbound_keys_are_shown_as_such() -> None:
    keymap = Keymap("labelimg").remapped("tool_draw", ["Ctrl+Shift+W"]).remapped("loupe", [])
    rows = {r.title: r for r in shortcut_rows(keymap) if r.panel == CANVAS}
    draw = rows[next(s.title for s in ACTIONS if s.id == "tool_draw")]
    assert draw.keys == ("Ctrl+Shift+W",) and draw.remapped
    loupe = rows[next(s.title for s in ACTIONS if s.id == "loupe")]
    assert loupe.keys == () and loupe.remapped
    assert not rows[next(s.title for s in ACTIONS if s.id == "undo")].remapped


def test_main_window_video_and_mouse_rows() -> None:
    rows = shortcut_rows(Keymap())
    assert {(r.keys[0], r.title) for r in rows if r.panel == MAIN_WINDOW} == set(RESERVED.items())
    assert [(r.keys[0], r.title) for r in rows if r.panel == VIDEO] == [(k, t) for _, k, t in VIDEO_PLAYER_KEYS]
    assert [(r.keys[0], r.title) for r in rows if r.mouse] == list(MOUSE_GESTURES)
