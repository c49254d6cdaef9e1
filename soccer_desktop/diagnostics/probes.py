"""Probes that import the heavy stack, run as ``python -m soccer_desktop.diagnostics.probes NAME``.

Each prints one JSON object. They run in a child process (see :mod:`.child`) so
that describing torch never imports torch into the app, and a hanging CUDA
driver cannot hang the caller.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def probe_torch() -> dict[str, Any]:
    import torch

    result: dict[str, Any] = {
        "torch": torch.__version__,
        "cuda_build": torch.version.cuda,
        "cudnn": None,
        "cuda_available": False,
        "gpus": [],
        "cuda_error": "",
    }
    try:
        import torchvision

        result["torchvision"] = torchvision.__version__
    except ImportError as error:
        result["torchvision"] = f"cannot be imported ({error})"
    try:
        result["cuda_available"] = bool(torch.cuda.is_available())
    except RuntimeError as error:
        result["cuda_error"] = str(error)
    if result["cuda_available"]:
        result["cudnn"] = torch.backends.cudnn.version()
        for index in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(index)
            result["gpus"].append({"index": index, "name": props.name, "memory_mb": props.total_memory // 2**20,
                                   "capability": f"{props.major}.{props.minor}"})
    return result


def probe_media() -> dict[str, Any]:
    import av
    import cv2

    build = cv2.getBuildInformation()
    gui = next((line.split(":", 1)[1].strip() for line in build.splitlines() if line.strip().startswith("GUI:")), "?")
    ffmpeg = getattr(av, "ffmpeg_version_info", "")
    codec = av.library_versions.get("libavcodec")
    return {
        "av": av.__version__,
        "ffmpeg": ffmpeg,
        "libavcodec": ".".join(map(str, codec)) if codec else "",
        "opencv": cv2.__version__,
        "opencv_gui": gui,
    }


PROBES = {"torch": probe_torch, "media": probe_media}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in PROBES:
        print(f"usage: python -m soccer_desktop.diagnostics.probes {{{','.join(PROBES)}}}", file=sys.stderr)
        return 2
    print(json.dumps(PROBES[argv[0]]()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
