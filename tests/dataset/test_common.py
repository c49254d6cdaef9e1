"""Shared helpers: class names, the header-only image size reader, hard links with a copy fallback."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from soccer_desktop.dataset.common import DatasetError, Linker, class_for_name, image_size
from soccer_desktop.project.store import ClassId


def test_class_names_map_by_name_and_user_choices_win() -> None:
    assert class_for_name("Sports_Ball") is ClassId.BALL
    assert class_for_name("person") is ClassId.PLAYER
    assert class_for_name("referee") is None
    assert class_for_name("referee", {"REFEREE": ClassId.PLAYER}) is ClassId.PLAYER
    assert class_for_name("person", {"person": None}) is None


@pytest.mark.parametrize(
    ("suffix", "params"),
    [(".jpg", []), (".jpg", [cv2.IMWRITE_JPEG_PROGRESSIVE, 1]), (".png", []), (".bmp", []), (".webp", [])],
)
@pytest.mark.parametrize("size", [(1, 1), (333, 77), (3840, 2160)])
def test_image_size_matches_pillow(tmp_path: Path, suffix: str, params: list[int], size: tuple[int, int]) -> None:
    path = tmp_path / f"image{suffix}"
    assert cv2.imwrite(str(path), np.zeros((size[1], size[0], 3), np.uint8), params)
    with Image.open(path) as image:
        assert image_size(path) == image.size == size


def test_image_size_with_exif_and_errors(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010E] = "a long description " * 1500  # pushes the size past the first 4 KB read
    Image.new("RGB", (123, 45)).save(tmp_path / "exif.jpg", exif=exif)
    assert (tmp_path / "exif.jpg").stat().st_size > 20_000
    assert image_size(tmp_path / "exif.jpg") == (123, 45)
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    with pytest.raises(DatasetError, match="cannot be read"):
        image_size(tmp_path / "broken.jpg")
    with pytest.raises(DatasetError, match="does not exist"):
        image_size(tmp_path / "missing.jpg")


def test_linker_copies_when_links_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "a.jpg"
    source.write_bytes(b"picture")
    link = Linker()
    link(str(source), str(tmp_path / "linked.jpg"))
    assert os.stat(tmp_path / "linked.jpg").st_ino == os.stat(source).st_ino

    def refuse(*_: object) -> None:
        raise OSError(errno.EXDEV, "cross-device link")

    monkeypatch.setattr(os, "link", refuse)
    link(str(source), str(tmp_path / "copied.jpg"))
    assert (tmp_path / "copied.jpg").read_bytes() == b"picture"
    assert os.stat(tmp_path / "copied.jpg").st_ino != os.stat(source).st_ino
    with pytest.raises(FileNotFoundError):
        link(str(tmp_path / "gone.jpg"), str(tmp_path / "x.jpg"))
