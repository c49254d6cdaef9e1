"""What goes into the PyInstaller bundle beyond what PyInstaller finds by itself.

Kept apart from the spec so a test can check, without building, that every
hidden import exists and every data file is there. PyInstaller has no hooks
for mlflow (its alembic migration scripts are read from disk at run time),
albumentations, pycocotools, sahi or rfdetr; packages that read their own or
their dependencies' versions through importlib.metadata need the metadata.
"""

from __future__ import annotations

import importlib.util

# Soccer Desktop imports these by name (subcommands, ``-m`` child processes) or they are imported lazily
# by libraries in ways the import analysis cannot follow.
HIDDEN_IMPORTS = [
    "soccer_desktop.launcher",
    "soccer_desktop.diagnostics.probes",
    "soccer_desktop.gui.qt_probe",
    "soccer_desktop.gui.selftest_window",
    "soccer_desktop.train.worker",
    "sahi.models.roboflow",
    "rfdetr.detr",
    "mlflow.store.tracking.sqlalchemy_store",
    "mlflow.store.model_registry.sqlalchemy_store",
    "mlflow.store.db.utils",
    "sqlalchemy.dialects.sqlite",
    "alembic",
    "pycocotools.coco",
    "pycocotools.cocoeval",
    "faster_coco_eval",
    # Training › Training runs › MLflow UI runs ``soccer-desktop -m mlflow ui``, which runs ``-m uvicorn``.
    "mlflow.__main__",
    "mlflow.cli",
    "mlflow.server",
    "mlflow.server.fastapi_app",
    "uvicorn",
]

# Whole packages whose submodules are reached by name (registries, plugin tables).
SUBMODULE_PACKAGES = ["soccer_desktop", "rfdetr", "albumentations", "trackers", "supervision", "uvicorn",
                      "mlflow.server.jobs"]  # the MLflow UI starts its job runner with -m

# Compiled libraries loaded by file name rather than imported (PyInstaller's analysis cannot see them):
# torchvision >= 0.29 loads its operators (nms, ...) from _C_stable.so and image_stable.so this way.
EXTENSION_LIBRARIES = {"torchvision": ["_C*.so", "image*.so", "_C*.pyd", "image*.pyd", "_C*.dylib"]}

# Packages whose data files (non-Python) must be in the bundle.
DATA_PACKAGES = ["soccer_desktop", "rfdetr", "sahi", "albumentations", "pycocotools", "supervision", "trackers",
                 "mlflow", "faster_coco_eval"]

# Alembic runs mlflow's migration *scripts* from disk: they go in as .py files, not only compiled.
PYTHON_SOURCE_DATA = [("mlflow", "store/db_migrations")]

# Distribution metadata (importlib.metadata.version() at run time); recursive: with their dependencies.
METADATA = ["soccer-desktop", "rfdetr", "sahi", "mlflow", "mlflow-skinny", "albumentations", "pycocotools",
            "supervision", "trackers", "torch", "torchvision", "PySide6", "av", "numpy", "pyqtgraph",
            "faster-coco-eval", "scikit-learn", "platformdirs"]

# Packages that must also ship their .py sources: rfdetr calls torch.jit.script at import, which reads source code.
SOURCE_PACKAGES = {"rfdetr": "pyz+py"}

# Only one Qt binding may go in (PyInstaller aborts on two), and test/notebook tooling stays out.
EXCLUDES = ["PyQt5", "PyQt6", "PySide2", "tkinter", "_tkinter", "IPython", "jupyter", "notebook", "pytest",
            "tensorflow", "tensorboard", "matplotlib.backends.backend_qt5agg", "matplotlib.backends.backend_tkagg"]

# Destination prefixes dropped after analysis: the non-headless OpenCV's own Qt 5 plugins break Qt 6's.
DROPPED_PREFIXES = ("cv2/qt/",)


def module_exists(name: str) -> bool:
    """Whether ``name`` is installed, judged from files: importing rfdetr or mlflow to find out takes seconds."""
    from pathlib import Path

    top, *rest = name.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None:
        return False
    if not rest:
        return True
    if not spec.submodule_search_locations:
        return False
    *packages, leaf = rest
    for base in spec.submodule_search_locations:
        folder = Path(base).joinpath(*packages)
        if (folder / f"{leaf}.py").is_file() or (folder / leaf).is_dir():
            return True
        if any(folder.glob(f"{leaf}.*.so")) or any(folder.glob(f"{leaf}.*.pyd")) or (folder / f"{leaf}.so").is_file():
            return True
    return False


def distribution_exists(name: str) -> bool:
    from importlib import metadata

    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def opencv_distribution() -> str:
    """The OpenCV distribution whose ``cv2`` gets bundled: the non-headless one carries ``cv2/qt``."""
    import os

    spec = importlib.util.find_spec("cv2")
    if spec is None or spec.origin is None:
        raise SystemExit("OpenCV (cv2) is not installed.")
    qt_folder = os.path.join(os.path.dirname(spec.origin), "qt")
    return "opencv-python" if os.path.isdir(qt_folder) else "opencv-python-headless"


def keep(destination: str) -> bool:
    return not destination.replace("\\", "/").startswith(DROPPED_PREFIXES)
