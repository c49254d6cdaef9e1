"""Files shipped inside the package (icon, training configurations), found through importlib.resources.

They live in ``soccer_desktop/resources/`` and ``soccer_desktop/configs/`` and are
package data, so the same lookup works from a source checkout, a wheel
installed anywhere, and the PyInstaller bundle (never a path guessed from the
source tree or from ``sys.executable``).
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

ICON_NAME = "soccer-desktop.svg"
CONFIG_SUFFIX = ".yaml"


def _package_folder(name: str) -> Traversable:
    return resources.files("soccer_desktop") / name


def _on_disk(item: Traversable) -> Path:
    """A real path for a shipped file: package data is installed as plain files (wheel, bundle, checkout)."""
    path = Path(str(item))
    if not path.is_file():
        raise FileNotFoundError(f"{item} is not installed as a file; reinstall Soccer Desktop.")
    return path


def icon_file() -> Path:
    """The application icon (SVG)."""
    return _on_disk(_package_folder("resources") / ICON_NAME)


def config_names() -> list[str]:
    """Names of the shipped training configurations (``training_cpu_smoke.yaml`` …), sorted."""
    return sorted(item.name for item in _package_folder("configs").iterdir()
                  if item.name.endswith(CONFIG_SUFFIX) and item.is_file())


def config_file(name: str) -> Path | None:
    """The shipped configuration called ``name`` (with or without ``.yaml``), or None."""
    wanted = name if name.endswith(CONFIG_SUFFIX) else name + CONFIG_SUFFIX
    if wanted not in config_names():
        return None
    return _on_disk(_package_folder("configs") / wanted)


def configs_readme() -> str:
    """What each shipped configuration is, and how to run training headless."""
    return (_package_folder("configs") / "README.md").read_text(encoding="utf-8")
