"""Logging to a rotating file in the user log folder, set up once per process."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from soccer_desktop import paths

LOG_FILE_NAME = "soccer-desktop.log"
_configured: Path | None = None


def setup_logging(level: int = logging.INFO) -> Path:
    """Send log records to ``<log dir>/soccer-desktop.log`` (1 MB x 5 files); return the file."""
    global _configured
    log_file = paths.log_dir() / LOG_FILE_NAME
    if _configured == log_file:
        return log_file
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    _configured = log_file
    return log_file
