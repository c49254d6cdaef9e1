"""Qt-free editing logic for the annotation canvas: geometry, undoable edits, keymaps, navigation."""
