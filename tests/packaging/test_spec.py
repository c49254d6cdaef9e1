"""The PyInstaller spec names only things that exist, keeps one Qt binding and one OpenCV, and starts right."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYINSTALLER = REPO / "packaging" / "pyinstaller"


@pytest.fixture(scope="module")
def contents():  # noqa: ANN201 - a module loaded from a file
    spec = importlib.util.spec_from_file_location("bundle_contents", PYINSTALLER / "bundle_contents.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_hidden_import_and_collected_package_exists(contents) -> None:  # noqa: ANN001
    names = [*contents.HIDDEN_IMPORTS, *contents.SUBMODULE_PACKAGES, *contents.DATA_PACKAGES]
    assert [name for name in names if not contents.module_exists(name)] == []
    assert not contents.module_exists("rfdetr.no_such_module") and not contents.module_exists("no_such_package")
    assert contents.module_exists("faster_coco_eval") and contents.module_exists("sqlalchemy.dialects.sqlite")


def test_data_files_and_metadata_exist(contents) -> None:  # noqa: ANN001
    for package, subdir in contents.PYTHON_SOURCE_DATA:
        folder = Path(importlib.util.find_spec(package).origin).parent / subdir
        assert list(folder.rglob("*.py")), f"{folder} holds no migration scripts"
    assert [name for name in contents.METADATA if not contents.distribution_exists(name)] == []
    for package, patterns in contents.EXTENSION_LIBRARIES.items():
        folder = Path(importlib.util.find_spec(package).origin).parent
        assert [path for pattern in patterns for path in folder.glob(pattern)], f"no {patterns} in {folder}"
    shipped = REPO / "soccer_desktop"
    assert (shipped / "resources" / "soccer-desktop.svg").is_file()
    assert sorted(p.name for p in (shipped / "configs").glob("*.yaml"))


def test_one_qt_binding_and_no_opencv_qt_plugins(contents) -> None:  # noqa: ANN001
    assert {"PyQt5", "PyQt6", "PySide2"} <= set(contents.EXCLUDES)
    assert "PySide6" not in contents.EXCLUDES
    assert not contents.keep("cv2/qt/plugins/platforms/libqxcb.so")
    assert contents.keep("cv2/cv2.abi3.so") and contents.keep("PySide6/Qt/plugins/platforms/libqxcb.so")
    assert contents.opencv_distribution() in ("opencv-python", "opencv-python-headless")


def test_the_spec_and_entry_parse_and_name_what_exists() -> None:
    spec_text = (PYINSTALLER / "soccer-desktop.spec").read_text()
    ast.parse(spec_text)
    assert 'os.path.join(SPECPATH, "entry.py")' in spec_text and (PYINSTALLER / "entry.py").is_file()
    assert "exclude_binaries=True" in spec_text and "COLLECT(" in spec_text  # one folder, not one file
    assert "from soccer_desktop.launcher import main" in (PYINSTALLER / "entry.py").read_text()
    script = REPO / "packaging" / "build_linux.sh"
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
    assert "self-test" in script.read_text() and "SIZE_BUDGET_MB" in script.read_text()
