"""Real video files whose container frame count is wrong (for the io, analysis, CLI and dataset tests).

`copy_cut`: a stream-copy cut that starts inside a GOP gives an MP4/MOV edit list; the file keeps (and counts) the
pre-roll frames, the decoder drops them, so CAP_PROP_FRAME_COUNT claims more frames than decode.
`halve_mkv_duration`: a Matroska file whose Duration element says half the real length, so OpenCV's estimate
(duration x fps) claims fewer frames than decode. `claimed_and_decoded` checks a file really is miscounted.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import cv2
import pytest


def ffmpeg_exe() -> str | None:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return shutil.which("ffmpeg")


def ffmpeg_or_skip() -> str:
    """The ffmpeg binary; the test is skipped where there is none."""
    ffmpeg = ffmpeg_exe()
    if ffmpeg is None:
        pytest.skip("no ffmpeg binary (pip install imageio-ffmpeg)")
    return ffmpeg


def _run(ffmpeg: str, *args: str) -> None:
    subprocess.run([ffmpeg, "-y", "-loglevel", "error", *args], check=True, timeout=120)


def transcode(ffmpeg: str, src: Path, dst: Path, args: list[str] | None = None) -> Path:
    _run(ffmpeg, "-i", str(src), *(args or ["-c:v", "libx264", "-g", "30", "-bf", "2", "-pix_fmt", "yuv420p"]),
         str(dst))
    return dst


def copy_cut(ffmpeg: str, src: Path, dst: Path, start: float) -> Path:
    _run(ffmpeg, "-ss", str(start), "-i", str(src), "-c", "copy", str(dst))
    return dst


def halve_mkv_duration(src: Path, dst: Path) -> Path:
    data = bytearray(src.read_bytes())
    k = data.find(b"\x44\x89")  # EBML id of Segment Info / Duration
    assert k > 0 and data[k + 2] == 0x88, "no 8-byte Duration element"
    (duration,) = struct.unpack(">d", data[k + 3:k + 11])
    data[k + 3:k + 11] = struct.pack(">d", duration / 2)
    dst.write_bytes(bytes(data))
    return dst


def claimed_and_decoded(path: Path) -> tuple[int, int]:
    """(CAP_PROP_FRAME_COUNT, frames a plain OpenCV read loop decodes)."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    claimed = int(round(cap.get(cv2.CAP_PROP_FRAME_COUNT)))
    n = 0
    while cap.grab():
        n += 1
    cap.release()
    return claimed, n
