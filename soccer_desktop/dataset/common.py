"""What every dataset format shares: the two categories, class-name mapping, file helpers."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from soccer_desktop.core.atomic import atomic_write_bytes
from soccer_desktop.core.errors import UserError
from soccer_desktop.project.store import ClassId

#: COCO category id -> name: player 1, ball 2 (RF-DETR maps them to labels 0 and 1 in this order).
CATEGORY_NAMES: dict[int, str] = {int(c): c.label for c in ClassId}
#: The only categories an exported COCO file has.
CATEGORIES: tuple[dict[str, Any], ...] = tuple(
    {"id": number, "name": name, "supercategory": "none"} for number, name in CATEGORY_NAMES.items()
)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")

#: Class names other tools use, normalised (lower case, ``_``/``-`` as spaces), and what they mean here.
KNOWN_CLASS_NAMES: dict[str, ClassId] = {
    "player": ClassId.PLAYER,
    "players": ClassId.PLAYER,
    "person": ClassId.PLAYER,
    "people": ClassId.PLAYER,
    "goalkeeper": ClassId.PLAYER,
    "goalkeepers": ClassId.PLAYER,
    "ball": ClassId.BALL,
    "balls": ClassId.BALL,
    "sports ball": ClassId.BALL,
    "soccer ball": ClassId.BALL,
    "football": ClassId.BALL,
}

ClassMap = Mapping[str, ClassId | None]


class DatasetError(UserError):
    """A dataset or label file that cannot be used; the message names the file/line/entry and the fix."""


def normalise_class_name(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(name)).strip().lower()


def class_for_name(name: str, overrides: ClassMap | None = None) -> ClassId | None:
    """The project class a foreign class name stands for, or None to drop it.

    ``overrides`` (normalised or not) wins over the built-in names, so the GUI
    can ask the user about a name like "referee" and pass the answer here.
    """
    key = normalise_class_name(name)
    if overrides:
        for given, target in overrides.items():
            if normalise_class_name(given) == key:
                return target
    return KNOWN_CLASS_NAMES.get(key)


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: JPEG start-of-frame markers (they carry the size); C4, C8 and CC are other segments.
_JPEG_FRAME_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
#: Bytes read first (JPEGs from cameras and OpenCV have their size there), and at most (after big EXIF blocks).
_FIRST_BYTES = 4096
_HEADER_BYTES = 65536


def _header_size(head: bytes) -> tuple[int, int] | None:
    """Size from the first bytes of a PNG or baseline/progressive JPEG; None when not found there."""
    if head.startswith(_PNG_SIGNATURE) and head[12:16] == b"IHDR":
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if not head.startswith(b"\xff\xd8"):
        return None
    position = 2
    while position + 9 <= len(head):
        marker = head[position + 1]
        if head[position] != 0xFF or marker == 0xD9:  # not a marker, or the end of the image
            return None
        if marker == 0xFF:  # fill byte
            position += 1
        elif marker in _JPEG_FRAME_MARKERS:
            return (int.from_bytes(head[position + 7:position + 9], "big"),
                    int.from_bytes(head[position + 5:position + 7], "big"))
        elif marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            position += 2
        else:
            position += 2 + int.from_bytes(head[position + 2:position + 4], "big")
    return None


def image_size(path: Path | str) -> tuple[int, int]:
    """Width and height from the image header (no decoding), or a :class:`DatasetError`.

    PNG and JPEG headers are read directly (a few microseconds: validation
    reads every image of a dataset); other formats go through Pillow.
    """
    try:
        with open(path, "rb") as file:
            head = file.read(_FIRST_BYTES)
            size = _header_size(head)
            if size is None and head.startswith(b"\xff\xd8"):
                size = _header_size(head + file.read(_HEADER_BYTES - len(head)))
        if size is not None and size[0] > 0 and size[1] > 0:
            return size
        with Image.open(path) as image:
            return int(image.width), int(image.height)
    except FileNotFoundError:
        raise DatasetError(f"The image {path} does not exist. Restore it or remove it from the labels.") from None
    except (UnidentifiedImageError, OSError) as error:
        raise DatasetError(f"The image {path} cannot be read ({error}). Replace it with a valid JPEG or PNG.") from None


def safe_name(text: str) -> str:
    """A file-name-safe version of ``text`` (letters, digits, ``._-``)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")
    return cleaned or "item"


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file so a crash leaves either the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)


class Linker:
    """Hard-links files when source and target share a file system, copies otherwise.

    A hard link costs no space or time; the first failure (another drive,
    a file system without links) switches to copying for the rest.
    """

    def __init__(self) -> None:
        self._can_link = True

    def __call__(self, source: str, target: str) -> None:
        if self._can_link:
            try:
                os.link(source, target)
                return
            except (FileNotFoundError, FileExistsError):
                raise
            except OSError:
                self._can_link = False
        shutil.copyfile(source, target)
