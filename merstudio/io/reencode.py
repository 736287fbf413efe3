"""Re-encode a video for fast, exact seeking: frequent keyframes and a constant frame rate, streamed frame by frame
through cv2.VideoWriter (never the whole video in memory). The picture only: the copy has no sound.

The frames go to a hidden temporary beside the output (same suffix: FFmpeg picks the container by it), renamed over
the output once complete: a cancel, an error or Ctrl-C removes it and leaves an existing output as it was."""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from merstudio.errors import OutputError
from merstudio.io.frames import open_source

# Container suffix -> fourcc. MJPG is all-intra (every frame a keyframe); mp4v gets a keyframe every `keyint`
# frames where the OpenCV build honours VIDEOWRITER_PROP_KEY_INTERVAL and every 12 (OpenCV's fixed GOP) otherwise.
CODECS = {".avi": "MJPG", ".mp4": "mp4v", ".mov": "mp4v", ".m4v": "mp4v", ".mkv": "mp4v"}


@dataclass(frozen=True)
class ReencodeResult:
    path: Path
    frames: int  # frames written
    fps: float
    fourcc: str
    max_keyframe_gap: int  # largest distance between keyframes measured in the output's first 100 frames
    complete: bool  # False when cancelled (the partial file is removed)


def reencode(src: str | os.PathLike[str], dst: str | os.PathLike[str], keyint: int = 12, fps: float | None = None,
             overwrite: bool = False, progress: Callable[[int, int], None] | None = None,
             cancel: Callable[[], bool] | None = None) -> ReencodeResult:
    """Write `src` (a video or frame folder) to `dst` (.avi: MJPG, .mp4/.mov/.m4v/.mkv: MPEG-4 part 2).

    A variable-frame-rate source is resampled to a constant `fps` (default: 1 / its median frame interval, the
    rate it was shot at): each output frame shows the latest source frame whose timestamp is not after the output
    frame's time, so the output's frame indices are those of a constant-rate clock. A constant-rate source keeps
    every frame and its indices.
    """
    dst = Path(dst).expanduser()
    fourcc = check_output(src, dst, keyint, overwrite)
    tmp = dst.with_name(f".{dst.stem}.{secrets.token_hex(4)}.part{dst.suffix}")
    try:
        written, rate, cancelled = _write(src, tmp, dst, fourcc, keyint, fps, progress, cancel)
        if cancelled:
            return ReencodeResult(dst, written, rate, fourcc, 0, complete=False)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)  # cancelled, failed or interrupted: nothing half-written stays
    return ReencodeResult(dst, written, rate, fourcc, _max_keyframe_gap(dst), complete=True)


def check_output(src: str | os.PathLike[str], dst: str | os.PathLike[str], keyint: int = 12,
                 overwrite: bool = False) -> str:
    """Refuse, in one line, an output `reencode` cannot write (before any frame is decoded); returns its fourcc."""
    dst = Path(dst).expanduser()
    fourcc = CODECS.get(dst.suffix.lower())
    if fourcc is None:
        raise OutputError(f"{dst}: unsupported output type (use {', '.join(sorted(CODECS))})")
    if keyint < 1:
        raise OutputError(f"{dst}: keyint must be >= 1, got {keyint}")
    if Path(src).expanduser().resolve() == dst.resolve():
        raise OutputError(f"{dst}: is the input; write the re-encoded copy to another file")
    if dst.is_dir():
        raise OutputError(f"{dst}: is a folder; give the file to write")
    if dst.exists() and not overwrite:
        raise OutputError(f"{dst}: already exists (pass overwrite=True to replace it)")
    if not dst.parent.is_dir():
        raise OutputError(f"{dst}: folder {dst.parent} does not exist")
    return fourcc


def _write(src: str | os.PathLike[str], tmp: Path, dst: Path, fourcc: str, keyint: int, fps: float | None,
           progress: Callable[[int, int], None] | None,
           cancel: Callable[[], bool] | None) -> tuple[int, float, bool]:
    """Stream `src` into `tmp` (`dst`'s temporary); returns (frames written, rate, cancelled)."""
    with open_source(src) as source:
        rate = float(fps or source.fps)
        if source.is_vfr and fps is None and source.frame_count > 1:
            # The container's rate of a VFR file is a mean; the typical frame interval is the rate it was shot at.
            rate = round(1.0 / float(np.median(np.diff(source.timestamps))), 3)
        w, h = source.size
        writer = cv2.VideoWriter(str(tmp), cv2.CAP_FFMPEG, cv2.VideoWriter.fourcc(*fourcc), rate, (w, h),
                                 [cv2.VIDEOWRITER_PROP_KEY_INTERVAL, int(keyint)])
        if not writer.isOpened():
            raise OutputError(f"{dst}: cannot write a {fourcc} video there")
        resample = source.is_vfr or fps is not None
        times = source.timestamps if resample else None  # VFR: one decode-only pass builds the index
        total = source.frame_count if times is None else int(math.floor(times[-1] * rate + 1e-6)) + 1
        written = 0
        cancelled = False
        try:
            for i, rgb in source.iter_frames():
                if cancel is not None and cancel():
                    cancelled = True
                    break
                bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
                # Constant rate: one output frame per source frame. Resampling: output tick k (time k/rate)
                # shows the latest source frame at or before it, so frame i fills the ticks up to frame i+1's.
                end = written + 1 if times is None else (
                    total if i + 1 >= len(times) else math.ceil(times[i + 1] * rate - 1e-6))
                while written < end:
                    writer.write(bgr)
                    written += 1
                if progress is not None:
                    progress(written, total)
        finally:
            writer.release()
    return written, rate, cancelled


def _max_keyframe_gap(path: Path, frames: int = 100) -> int:
    """Largest keyframe distance in the first frames (CAP_PROP_FRAME_TYPE gives 'I' for intra pictures)."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    gap, since = 0, 0
    try:
        for _ in range(frames):
            if not cap.grab():
                break
            since = 0 if chr(int(cap.get(cv2.CAP_PROP_FRAME_TYPE))) == "I" else since + 1
            gap = max(gap, since + 1)
    finally:
        cap.release()
    return gap
