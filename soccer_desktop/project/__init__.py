"""The project store: one folder with a SQLite database and the media it refers to."""

from soccer_desktop.project.store import (
    Box,
    BoxSource,
    ClassId,
    Event,
    Frame,
    Project,
    ProjectError,
    Video,
)

__all__ = ["Box", "BoxSource", "ClassId", "Event", "Frame", "Project", "ProjectError", "Video"]
