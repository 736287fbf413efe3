"""A real variable-frame-rate video, like a phone's: 30 fps for 30 frames, one 14 ms frame, then 24 fps, encoded
by the ffmpeg binary that imageio-ffmpeg bundles (the test extra installs it). Frame i is flat grey grey(i)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

SWITCH = 29 / 30 + 0.014  # the time of frame 30, after the short frame


def times(n: int = 90) -> np.ndarray:
    """The frames' presentation times (seconds) the clip is written with."""
    return np.r_[np.arange(min(n, 30)) / 30.0, SWITCH + np.arange(max(0, n - 30)) / 24.0]


def grey(i: int) -> int:
    return (i * 2) % 250


def write_vfr_clip(path: Path, n: int = 90, w: int = 160, h: int = 120) -> Path:
    import imageio_ffmpeg

    frames = b"".join(np.full((h, w, 3), grey(i), np.uint8).tobytes() for i in range(n))
    # times in 1/90000 s all the way (filter, encoder, mp4 track): else they snap to the input's 1/30 s grid
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt",
                    "bgr24", "-s", f"{w}x{h}", "-r", "30", "-i", "-", "-vf",
                    f"settb=1/90000,setpts='if(lt(N,30),N/30,{SWITCH!r}+(N-30)/24)/TB'", "-fps_mode", "vfr",
                    "-enc_time_base", "1/90000", "-video_track_timescale", "90000", "-c:v", "mjpeg", str(path)],
                   input=frames, check=True, timeout=120)
    return path


def write_kept_frames(path: Path, frames: list[np.ndarray], kept) -> Path:
    """Real frames (RGB arrays) re-timed: only the frames at the indices `kept` are written, each at its own time
    i / 30 s (H.264, CRF 16, no B-frames), so dropping frames makes a stretch of a lower rate: a variable-rate
    video made of real footage, as a call recorder's is."""
    from fractions import Fraction

    kept = list(kept)
    return write_at_ticks(path, [frames[i] for i in kept], kept, Fraction(1, 30), {"crf": "16", "bf": "0"})


def write_grey_ticks(path: Path, ticks, time_base) -> Path:
    """A 64x48 H.264 clip (no B-frames, GOP 30) whose frame i, a flat grey of its own, lies at ticks[i] x
    time_base: exact presentation times, as a phone or a recorder writes them."""
    frames = [np.full((48, 64, 3), (i * 3) % 250, np.uint8) for i in range(len(ticks))]
    return write_at_ticks(path, frames, ticks, time_base, {"bf": "0", "g": "30"})


def write_at_ticks(path: Path, frames: list[np.ndarray], ticks, time_base, options: dict[str, str]) -> Path:
    """RGB frames written as H.264 (`options`: libx264's), frame i at pts ticks[i] in `time_base`."""
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = stream.time_base = time_base
        stream.options = options
        for frame, pts in zip(frames, ticks, strict=True):
            vf = av.VideoFrame.from_ndarray(frame, format="rgb24")
            vf.pts, vf.time_base = int(pts), time_base
            for packet in stream.encode(vf):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
