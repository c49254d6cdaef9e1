"""Errors shared by the command line and the GUI: each front end names its own fix."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from soccer_desktop import cli
from soccer_desktop.core.errors import UserError, gui_message
from soccer_desktop.dataset.common import DatasetError
from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.project.store import Project


def test_plain_user_errors_are_unchanged() -> None:
    error = UserError("The file is missing. Put it back.")
    assert str(error) == error.for_gui() == error.for_cli() == "The file is missing. Put it back."
    assert gui_message(ValueError("bug")) == "bug"


def test_hints_survive_pickling() -> None:
    error = DatasetError("Nothing to export.", gui_hint="Use the menu.", cli_hint="Pass --flag.")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is DatasetError and copy.for_gui() == "Nothing to export. Use the menu."
    assert copy.for_cli() == "Nothing to export. Pass --flag."


def test_no_reviewed_frames_names_the_menu_in_the_gui_and_the_flag_on_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Project.create(tmp_path / "empty").close()
    with Project.open(tmp_path / "empty") as project, pytest.raises(DatasetError) as caught:
        export_dataset(project, tmp_path / "out")
    gui, command_line = caught.value.for_gui(), caught.value.for_cli()
    assert "no reviewed frames" in gui and "no reviewed frames" in command_line
    assert "Labels › Export dataset…" in gui and "Review queue" in gui and "--" not in gui
    assert "--include-pseudo SCORE" in command_line and "›" not in command_line

    assert cli.main(["dataset", "export", str(tmp_path / "empty"), str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "--include-pseudo SCORE" in err and "Labels ›" not in err
