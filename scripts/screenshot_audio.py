#!/usr/bin/env python
"""Regenerate docs/screenshots/audio-lane.png: the app with the audio waveform lane, on a copy of the bundled demo
given a synthetic speech-like track (voiced "syllables" in phrases; the demo has no sound of its own), muxed with
the ffmpeg binary that imageio-ffmpeg bundles (`pip install -e .[test]`).

    .venv/bin/python scripts/screenshot_audio.py [--out docs/screenshots] [--size 1600x1000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import _shot
import numpy as np

SR = 48_000


def speech_like(seconds: float, seed: int = 7) -> np.ndarray:
    """Phrases of voiced syllables (a 110-220 Hz fundamental and its harmonics under a raised-cosine envelope)
    separated by pauses: what an interview's waveform looks like, without anyone's voice."""
    rng = np.random.default_rng(seed)
    x = np.zeros(int(seconds * SR), np.float32)
    t = 0.6
    while t < seconds - 1.0:
        for _ in range(int(rng.integers(3, 9))):  # a phrase
            dur = float(rng.uniform(0.12, 0.3))
            n = int(dur * SR)
            i = int(t * SR)
            if i + n >= len(x):
                break
            tt = np.arange(n) / SR
            f0 = float(rng.uniform(110, 220))
            voice = sum(np.sin(2 * np.pi * f0 * k * tt) / k for k in range(1, 6))
            env = np.sin(np.pi * tt / dur) ** 2 * float(rng.uniform(0.2, 0.6))
            x[i:i + n] += (voice * env).astype(np.float32) * 0.6
            t += dur + float(rng.uniform(0.02, 0.08))
        t += float(rng.uniform(0.5, 1.4))  # a pause
    x += rng.normal(0, 0.004, len(x)).astype(np.float32)  # room noise
    return np.clip(x, -1, 1)


def with_audio(video: Path, out: Path) -> Path:
    import imageio_ffmpeg

    from merstudio.io import open_source

    src = open_source(video)
    seconds = src.frame_count / src.fps
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "a.raw"
        raw.write_bytes(speech_like(seconds).tobytes())
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(video), "-f", "f32le",
                        "-ar", str(SR), "-ac", "1", "-i", str(raw), "-map", "0:v", "-map", "1:a", "-c:v", "copy",
                        "-c:a", "aac", "-shortest", str(out)], check=True, timeout=300)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=_shot.OUT)
    ap.add_argument("--size", default="1600x1000")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import screenshot

    from merstudio.resources import demo_video

    with tempfile.TemporaryDirectory() as tmp:
        clip = with_audio(demo_video(), Path(tmp) / "interview_with_sound.mp4")
        return screenshot.main(["--out", str(args.out), "--video", str(clip), "--size", args.size,
                                "--name", "audio-lane.png"])


if __name__ == "__main__":
    raise SystemExit(main())
