"""Help › Keyboard shortcuts (every panel's keys, from the keymap in use) and Help › Getting started."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from soccer_desktop.editing.keymap import PRESET_TITLES, Keymap
from soccer_desktop.editing.shortcuts import ShortcutRow, shortcut_rows
from soccer_desktop.gui.canvas.help_overlay import shown_key

if TYPE_CHECKING:
    from soccer_desktop.gui.main_window import MainWindow

REMAPPED = " (remapped)"


def keys_text(row: ShortcutRow) -> str:
    """The keys of a row as this platform writes them; an unbound canvas action says so."""
    if not row.keys:
        return "unbound"
    text = " / ".join(key if row.mouse else shown_key(key) for key in row.keys)
    return text + (REMAPPED if row.remapped else "")


class ShortcutsDialog(QDialog):
    """A table of every shortcut: panel, group, keys, what they do."""

    COLUMNS = ("Where", "Group", "Keys", "Does")

    def __init__(self, keymap: Keymap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(820, 640)
        self.rows = shortcut_rows(keymap)
        title = PRESET_TITLES.get(keymap.preset, keymap.preset)
        intro = QLabel(f"The Annotate tab uses the <b>{html.escape(title)}</b> keymap"
                       + (f", with {len(keymap.overrides)} keys remapped" if keymap.overrides else "")
                       + ". Change it with <b>Keys…</b> on the Annotate tab's toolbar; press <b>?</b> there for "
                         "this list over the canvas.")
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.rows), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for number, row in enumerate(self.rows):
            for column, text in enumerate((row.panel, row.group, keys_text(row), row.title)):
                item = QTableWidgetItem(text)
                if column == 2 and row.remapped:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(number, column, item)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def shown_rows(self) -> list[tuple[str, str, str, str]]:
        return [tuple(self.table.item(r, c).text() for c in range(len(self.COLUMNS)))  # type: ignore[misc]
                for r in range(self.table.rowCount())]


@dataclass(frozen=True)
class Step:
    """One step of the loop: what it is, and the button that does it on the open project."""

    title: str
    text: str
    button: str
    action: Callable[[], object]


class GettingStartedDialog(QDialog):
    """The loop in a short page: each step with a button that does it."""

    def __init__(self, steps: Sequence[Step], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Getting started")
        intro = QLabel("<h2>The loop</h2><p>Soccer Desktop turns a match video into a detector for its players "
                       "and ball. Each step below works on the open project; the demo project has every step "
                       "ready, with no GPU and no model weights.</p>")
        intro.setWordWrap(True)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for row, step in enumerate(steps):
            label = QLabel(f"<b>{row + 1}. {html.escape(step.title)}</b><br>{html.escape(step.text)}")
            label.setWordWrap(True)
            button = QPushButton(step.button)
            button.clicked.connect(lambda _checked=False, act=step.action: act())
            grid.addWidget(label, row, 0)
            grid.addWidget(button, row, 1, Qt.AlignmentFlag.AlignTop)
            self.buttons[step.button] = button
        grid.setColumnStretch(0, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(640, 520)


def getting_started_steps(window: MainWindow) -> list[Step]:
    """The loop's steps, each wired to the window's own action for it."""
    labelling = window.labelling

    def show_first_video() -> None:
        if window.project is None:
            window.show_error("Open a project first: the demo project, or File › Open project….")
        elif not window.project.videos():
            window.choose_video()
        else:
            window.show_video(window.project.videos()[0].id)

    return [
        Step("Open a match", "The demo project is a synthetic 12 s match with its events, some frames already "
             "labelled and some waiting for review. For your own match: File › New project…, then "
             "File › Open video….", "Open the demo project", window.open_demo_project),
        Step("Watch it", "Space plays and pauses, ←/→ step one frame; double-click an event to jump to it.",
             "Show the video", show_first_video),
        Step("Extract frames", "Pick the frames worth labelling: every Nth, around events, or a count.",
             "Extract frames…", labelling.choose_extraction),
        Step("Pseudo-label them", "Let a detector draw first boxes: motion proposals need no model.",
             "Pseudo-label frames…", labelling.choose_pseudo_label),
        Step("Review", "The review queue opens the frames most worth a look first. Correct the boxes, then mark "
             "the frame reviewed (Space) and go on.", "Review the next frame", window.review_panel.open_next),
        Step("Export a dataset", "Reviewed frames become a COCO dataset, split by time so neighbours never leak.",
             "Export dataset…", labelling.choose_dataset_export),
        Step("Train a detector", "The training wizard builds the dataset for you if you like, checks every "
             "setting, estimates the time and shows the curves live.", "New training run…",
             window.open_training_wizard),
        Step("See where it fails", "The Results tab scores a detector against reviewed frames: AP per class and "
             "ball size, PR curves, and every missed or ghost ball one click from correction. On the demo, "
             "motion proposals are scored against the exact ground truth.", "Show results",
             window.show_results),
        Step("Analyse the match", "Run a detector over the whole video and play it back with boxes, player "
             "tracks, team colours and the ball's trail. The demo comes analysed already.", "Analyse video…",
             window.analysis.choose_analysis),
    ]
