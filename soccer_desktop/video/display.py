"""Decoded frames converted only as far as the screen needs them.

Converting a decoded picture to a full-size BGR array costs about as much as decoding it. A video
panel that shows a 1080p or panoramic frame at half size or less needs neither that array nor its
resampling: it shrinks the YUV planes and converts only the small picture, to BGRA (the window's own
pixel layout, so painting it is a plain copy). The full BGR frame is made on first use: zooming in,
or reading its pixels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import av

PLANAR_420 = frozenset({"yuv420p", "yuvj420p"})
SWSCALE_DEFAULT_MATRIX = frozenset({0, 2, 5, 6})  # colour spaces swscale converts as BT.601: RGB(none), unspecified, BT470BG, SMPTE170M
LIMITED_RANGE = frozenset({0, 1})  # unspecified, MPEG (16-235)


def shrink_bgr(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A BGR ``image`` resampled (bilinear, as Qt's smooth scaling) to ``size`` as BGRA."""
    import cv2

    small = cv2.resize(image, (max(1, size[0]), max(1, size[1])), interpolation=cv2.INTER_LINEAR)
    return cv2.cvtColor(small, cv2.COLOR_BGR2BGRA)


def shrink_decoded(frame: av.VideoFrame, size: tuple[int, int]) -> np.ndarray:
    """A decoded frame resampled to ``size`` as BGRA, converting colours only at that size.

    Planar 4:2:0 frames (nearly every camera file) have each plane resized on its own; the colour
    conversion then uses the frame's own matrix and range, as the full-size conversion would.
    Other layouts take the full-size way.
    """
    import cv2

    if frame.format.name not in PLANAR_420:
        return shrink_bgr(frame.to_ndarray(format="bgr24"), size)
    width, height = max(2, size[0] + size[0] % 2), max(2, size[1] + size[1] % 2)  # 4:2:0 wants even sides
    luma = width * height
    planes = np.empty(luma * 3 // 2, np.uint8)  # I420: Y, then U and V at half size each way
    targets = (planes[:luma].reshape(height, width),
               planes[luma:luma * 5 // 4].reshape(height // 2, width // 2),
               planes[luma * 5 // 4:].reshape(height // 2, width // 2))  # fmt: skip
    for plane, target in zip(frame.planes, targets):
        source = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[: plane.height, : plane.width]
        cv2.resize(source, target.shape[::-1], dst=target, interpolation=cv2.INTER_LINEAR)
    i420 = planes.reshape(height * 3 // 2, width)
    if int(frame.colorspace) in SWSCALE_DEFAULT_MATRIX and int(frame.color_range) in LIMITED_RANGE:
        small = cv2.cvtColor(i420, cv2.COLOR_YUV2BGRA_I420)  # the same BT.601 studio-range maths
    else:  # BT.709, full range...: let FFmpeg convert the small picture with the frame's own matrix
        import av

        picture = av.VideoFrame.from_ndarray(i420, format="yuv420p")
        picture.colorspace, picture.color_range = frame.colorspace, frame.color_range
        small = picture.to_ndarray(format="bgra")
        small[..., 3] = 255  # swscale leaves the alpha of some edge pixels unset; Qt's RGB32 wants 255
    if small.shape[1::-1] != tuple(size):
        small = np.ascontiguousarray(small[: size[1], : size[0]])
    return small


class DisplayFrame:
    """One decoded frame on its way to the screen: its full BGR array and its shrunk copy, each made once.

    Not locked: the decode thread makes what the view will need before handing the frame over, and the
    view only adds what a zoom or resize asks for afterwards.
    """

    def __init__(self, decoded: av.VideoFrame | None = None, bgr: np.ndarray | None = None) -> None:
        if decoded is None and bgr is None:
            raise ValueError("a DisplayFrame needs a decoded frame or a BGR array")
        self._decoded = decoded
        self._bgr = bgr
        self._shrunk: np.ndarray | None = None
        self.annotation: object = None
        """What the decode thread made for this frame besides its picture (the video panel's overlay)."""

    @classmethod
    def from_bgr(cls, image: np.ndarray) -> DisplayFrame:
        return cls(bgr=image)

    @property
    def size(self) -> tuple[int, int]:
        """Width and height of the full frame."""
        if self._bgr is not None:
            return self._bgr.shape[1], self._bgr.shape[0]
        assert self._decoded is not None
        return self._decoded.width, self._decoded.height

    def bgr(self) -> np.ndarray:
        """The full frame as a BGR array (converted on first use)."""
        if self._bgr is None:
            assert self._decoded is not None
            self._bgr = self._decoded.to_ndarray(format="bgr24")
        return self._bgr

    def has_bgr(self) -> bool:
        return self._bgr is not None

    def shrunk(self, size: tuple[int, int]) -> np.ndarray:
        """The frame at ``size`` as BGRA (kept for the last size asked)."""
        size = (max(1, size[0]), max(1, size[1]))
        if self._shrunk is None or self._shrunk.shape[1::-1] != size:
            if self._decoded is not None and self._bgr is None:
                self._shrunk = shrink_decoded(self._decoded, size)
            else:
                self._shrunk = shrink_bgr(self.bgr(), size)
        return self._shrunk

    def shrunk_size(self) -> tuple[int, int] | None:
        """The size of the shrunk copy made so far (None: none yet)."""
        return None if self._shrunk is None else (self._shrunk.shape[1], self._shrunk.shape[0])
