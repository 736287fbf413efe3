"""Clips with an audio track for the audio tests: a known signal (numpy) muxed with grey frames by the ffmpeg
binary that imageio-ffmpeg bundles (the test extra installs it)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np

SR = 48_000


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def tone_signal(seconds: float = 3.0, sr: int = SR, on: tuple[float, float] = (1.0, 2.0), amp: float = 0.5,
                freq: float = 440.0) -> np.ndarray:
    """Silence, a sine of amplitude ``amp`` from on[0] to on[1] seconds, silence: float32 (n,)."""
    t = np.arange(int(round(seconds * sr))) / sr
    x = np.where((t >= on[0]) & (t < on[1]), amp * np.sin(2 * np.pi * freq * (t - on[0])), 0.0)
    return x.astype(np.float32)


def write_av_clip(path: Path, signal: np.ndarray | None, sr: int = SR, n_frames: int = 90, fps: int = 30,
                  size: tuple[int, int] = (160, 120), audio_codec: str = "pcm_s16le") -> Path:
    """An MJPG video of ``n_frames`` frames (frame i grey level 2*i) with ``signal`` ((n,) or (n, channels)
    float32) as its audio track; no audio track when ``signal`` is None."""
    w, h = size
    frames = b"".join(np.full((h, w, 3), (2 * i) % 250, np.uint8).tobytes() for i in range(n_frames))
    with tempfile.TemporaryDirectory() as tmp:
        raw_v = Path(tmp) / "v.raw"
        raw_v.write_bytes(frames)
        cmd = [ffmpeg(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
               "-r", str(fps), "-i", str(raw_v)]
        if signal is not None:
            sig = np.asarray(signal, np.float32)
            channels = 1 if sig.ndim == 1 else sig.shape[1]
            raw_a = Path(tmp) / "a.raw"
            raw_a.write_bytes(np.ascontiguousarray(sig).tobytes())
            cmd += ["-f", "f32le", "-ar", str(sr), "-ac", str(channels), "-i", str(raw_a), "-c:a", audio_codec]
        cmd += ["-c:v", "mjpeg", "-q:v", "5", str(path)]
        subprocess.run(cmd, check=True, timeout=120)
    return path


def dominant(x: np.ndarray, sr: int = SR) -> float:
    """The frequency (Hz) of the strongest component of a mono signal at `sr` (numpy's FFT, Hann window)."""
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / sr)[np.argmax(spectrum)])
