"""Helpers for the io tests: videos written by the tests. Every frame carries its index as a 12-bit barcode, so a test can
tell which frame it got independently of any decoder."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import cv2
import numpy as np
from support.barcodes import read_code as read_code  # the io tests read it from here
from support.barcodes import stamp

W, H = 160, 120
N = 240  # frames in the test videos


def coded_frame(i: int, w: int = W, h: int = H) -> np.ndarray:
    """BGR frame: smooth noise (so codecs have real work and every frame differs) + the index as a barcode."""
    rng = np.random.default_rng(i)
    return stamp(cv2.GaussianBlur(rng.integers(0, 255, (h, w, 3), dtype=np.uint8), (9, 9), 3), i)


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


def frames_in(path: Path) -> int:
    """The video packets with data in the file: PyAV's own count, not merstudio's."""
    import av

    with av.open(str(path)) as c:
        return sum(1 for p in c.demux(c.streams.video[0]) if p.size)


def write_ff(ffmpeg: str, path: Path, args: list[str], n: int = N, fps: str = "30") -> Path:
    """Encode coded frames with the ffmpeg binary (codecs and timestamp layouts cv2.VideoWriter cannot make)."""
    cmd = [ffmpeg, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{W}x{H}",
           "-r", fps, "-i", "-", *args, str(path)]
    frames = b"".join(coded_frame(i).tobytes() for i in range(n))
    subprocess.run(cmd, input=frames, check=True, timeout=120)
    return path
