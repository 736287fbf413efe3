"""Helpers for the io tests: videos written by the tests. Every frame carries its index as a 12-bit barcode, so a test can
tell which frame it got independently of any decoder."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np

W, H = 160, 120
N = 240  # frames in the test videos
BAR = 13  # barcode cell width (px); 12 cells in the top 16 rows


def coded_frame(i: int, w: int = W, h: int = H) -> np.ndarray:
    """BGR frame: smooth noise (so codecs have real work and every frame differs) + the index as a barcode."""
    rng = np.random.default_rng(i)
    img = cv2.GaussianBlur(rng.integers(0, 255, (h, w, 3), dtype=np.uint8), (9, 9), 3)
    for b in range(12):
        img[0:16, b * BAR:(b + 1) * BAR] = 255 if (i >> b) & 1 else 0
    return img


def read_code(img: np.ndarray) -> int:
    """The index barcoded in a decoded frame (RGB or BGR: the cells are grey)."""
    bits = [img[4:12, b * BAR + 3:(b + 1) * BAR - 3].mean() > 127 for b in range(12)]
    return sum(1 << b for b, v in enumerate(bits) if v)


def digest(img: np.ndarray) -> str:
    return hashlib.sha1(np.ascontiguousarray(img).tobytes()).hexdigest()


def write_cv(path: Path, fourcc: str, n: int = N, fps: float = 30.0, color: bool = True) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (W, H), color)
    assert writer.isOpened(), f"cannot write {fourcc} to {path}"
    for i in range(n):
        img = coded_frame(i)
        writer.write(img if color else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))
    writer.release()
    return path


def find_ffmpeg() -> str | None:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return shutil.which("ffmpeg")


def write_ff(ffmpeg: str, path: Path, args: list[str], n: int = N, fps: str = "30") -> Path:
    """Encode coded frames with the ffmpeg binary (codecs and timestamp layouts cv2.VideoWriter cannot make)."""
    cmd = [ffmpeg, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{W}x{H}",
           "-r", fps, "-i", "-", *args, str(path)]
    frames = b"".join(coded_frame(i).tobytes() for i in range(n))
    subprocess.run(cmd, input=frames, check=True, timeout=120)
    return path
