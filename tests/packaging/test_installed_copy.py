"""Resources and configs come from the installed package, not the source tree (wheel and bundle alike)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

CHECK = """
import sys
import soccer_desktop, soccer_desktop.shipped as shipped
from soccer_desktop.train.config import load_config
target = sys.argv[1]
assert soccer_desktop.__file__.startswith(target), soccer_desktop.__file__
assert str(shipped.icon_file()).startswith(target) and shipped.icon_file().read_text().lstrip().startswith("<")
names = shipped.config_names()
assert all(str(shipped.config_file(name)).startswith(target) for name in names)
assert load_config("training_cpu_smoke.yaml").model.size == "nano"
assert load_config("training_soccertrack_phase1").name
assert "Running headless" in shipped.configs_readme()
print(" ".join(names))
"""


@pytest.fixture(scope="module")
def installed_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip install --target`` of a copy of the project (a build writes build/ and *.egg-info beside its source)."""
    source = tmp_path_factory.mktemp("source") / "soccer-desktop"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "soccer_desktop", source / "soccer_desktop", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path_factory.mktemp("installed")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-compile", "--target", str(target), str(source)], check=True, timeout=300)  # fmt: skip
    return target


def test_resources_and_configs_are_found_in_a_non_editable_install(installed_copy: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(installed_copy)}  # the source tree is off the path
    result = subprocess.run([sys.executable, "-c", CHECK, str(installed_copy / "soccer_desktop")], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["training_cpu_smoke.yaml", "training_soccertrack_phase1.yaml",
                                     "training_soccertrack_phase2.yaml"]


def test_the_shipped_files_are_the_source_tree_ones(installed_copy: Path) -> None:
    shipped = sorted(p.relative_to(installed_copy / "soccer_desktop").as_posix()
                     for folder in ("resources", "configs") for p in (installed_copy / "soccer_desktop" / folder).iterdir())
    source = sorted(p.relative_to(REPO / "soccer_desktop").as_posix()
                    for folder in ("resources", "configs") for p in (REPO / "soccer_desktop" / folder).iterdir())
    assert shipped == source


def test_a_missing_config_names_the_shipped_ones(tmp_path: Path) -> None:
    from soccer_desktop.train.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="training_cpu_smoke.yaml, training_soccertrack_phase1.yaml"):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="does not exist"):
        load_config("training_nonsense.yaml")
