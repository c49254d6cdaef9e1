"""install.sh / uninstall.sh on a stand-in bundle folder (the real one is GBs): into a private PREFIX, no root."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"


def make_bundle(folder: Path) -> Path:
    """The layout build_linux.sh produces, with a shell script standing in for the frozen program."""
    (folder / "_internal" / "soccer_desktop" / "resources").mkdir(parents=True)
    shutil.copy2(REPO / "soccer_desktop" / "resources" / "soccer-desktop.svg",
                 folder / "_internal" / "soccer_desktop" / "resources")
    program = folder / "soccer-desktop"
    program.write_text("#!/bin/sh\necho soccer-desktop 0.1.0\n")
    program.chmod(0o755)
    for name in ("install.sh", "uninstall.sh"):
        shutil.copy2(LINUX / name, folder / name)
    shutil.copy2(LINUX / "soccer-desktop.desktop", folder)
    return folder


def run(script: Path, prefix: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFIX": str(prefix), "HOME": str(prefix.parent)}
    return subprocess.run(["bash", str(script), *args], capture_output=True, text=True, env=env, timeout=60)


def test_install_copies_registers_and_uninstall_removes_it_all(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "download" / "soccer-desktop")
    prefix = tmp_path / "local"
    result = run(bundle / "install.sh", prefix)
    assert result.returncode == 0, result.stderr
    app = prefix / "opt" / "soccer-desktop"
    assert (app / "soccer-desktop").is_file()
    command = prefix / "bin" / "soccer-desktop"
    assert subprocess.run([str(command)], capture_output=True, text=True).stdout.strip() == "soccer-desktop 0.1.0"
    entry = (prefix / "share" / "applications" / "soccer-desktop.desktop").read_text()
    assert f'Exec="{app}/soccer-desktop" %F' in entry and "Icon=soccer-desktop" in entry
    assert (prefix / "share/icons/hicolor/scalable/apps/soccer-desktop.svg").is_file()

    result = run(prefix / "opt" / "soccer-desktop" / "uninstall.sh", prefix)
    assert result.returncode == 0, result.stderr
    assert not app.exists() and not command.exists()
    assert not (prefix / "share" / "applications" / "soccer-desktop.desktop").exists()
    assert bundle.is_dir()  # the download itself is the user's


def test_in_place_install_keeps_the_bundle_where_it_is(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "apps" / "soccer desktop")  # a space in the path
    prefix = tmp_path / "local"
    assert run(bundle / "install.sh", prefix, "--in-place").returncode == 0
    assert not (prefix / "opt").exists()
    assert os.readlink(prefix / "bin" / "soccer-desktop") == str(bundle / "soccer-desktop")
    assert f'Exec="{bundle}/soccer-desktop" %F' in (prefix / "share/applications/soccer-desktop.desktop").read_text()
    assert run(bundle / "uninstall.sh", prefix).returncode == 0
    assert (bundle / "soccer-desktop").is_file()  # uninstall never deletes a bundle it did not copy


def test_install_outside_a_bundle_and_a_second_uninstall_say_what_is_wrong(tmp_path: Path) -> None:
    prefix = tmp_path / "local"
    result = run(LINUX / "install.sh", prefix)
    assert result.returncode == 2 and "inside the Soccer Desktop bundle folder" in result.stderr
    result = run(LINUX / "uninstall.sh", prefix)
    assert result.returncode == 1 and "not installed" in result.stderr
