"""Seeking in an MPEG transport stream with a keyframe every 250 frames (a camera's or a recorder's TS).

A TS has no seek index: OpenCV's seek lands between keyframes, sees nothing decoded before the next keyframe and
retries further back, decoding each time (1-2 s a Go To); a frame before the second keyframe failed merstudio's 3
tries too and was decoded from the start after them (6 s). Now a seek starts from the last keyframe before the
target (the packets' survey): no seek at all inside the first 250 frames, one seek asking for the frame after the
keyframe (which OpenCV's first landing reaches) elsewhere. The pictures must stay those a sequential decode gives.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from merstudio.io import open_source
from merstudio.io.frames import VideoSource

N = 320


@pytest.fixture(scope="module")
def ts_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import imageio_ffmpeg

    path = tmp_path_factory.mktemp("ts") / "gop250.ts"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"testsrc2=size=96x64:rate=30:duration={N / 30}", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    "-g", "250", "-keyint_min", "250", "-sc_threshold", "0", "-bf", "3", "-f", "mpegts", str(path)],
                   check=True, timeout=120)
    return path


def _open(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return open_source(path)


def _digest(img) -> str:
    return hashlib.md5(img.tobytes()).hexdigest()


def test_ts_seeks_start_from_the_keyframe_before_and_show_the_right_frames(ts_clip: Path, monkeypatch) -> None:
    with _open(ts_clip) as src:
        assert src.frame_count == N
        truth = [_digest(img) for _, img in src.iter_frames()]
    asked: list[int] = []
    real = VideoSource._request_seek

    def request(self, cap, j):
        asked.append(j)
        return real(self, cap, j)

    monkeypatch.setattr(VideoSource, "_request_seek", request)
    with _open(ts_clip) as src:
        prev = 0  # the frame the decoder holds
        for i in (130, 290, 10, 260, 110, 310, 180, 300, 250, 249, 251, 60, 280):
            asked.clear()
            assert _digest(src.frame(i)) == truth[i], f"frame {i}"
            # up to 96 frames ahead (FORWARD_LIMIT): decoded forward; up to 96 back: a run from 15 frames before
            start = None if 0 <= i - prev <= 96 else max(0, i - 15) if 0 < prev - i <= 96 else i
            if start is not None and start > 250:
                assert asked == [251], (i, asked)  # one seek: the frame after the keyframe at 250
            else:
                assert asked == [], (i, asked)  # before the second keyframe: from the start (3 failed seeks first)
            prev = i


def test_ffmpeg_decoder_errors_are_not_printed(ts_clip: Path) -> None:
    """Seeking in a TS made FFmpeg print "Missing reference picture" and the like (~1,200 lines for 12 seeks)."""
    code = ("import warnings, sys; warnings.simplefilter('ignore'); from merstudio.io import open_source\n"
            f"s = open_source({str(ts_clip)!r})\n"
            "for i in (290, 130, 300, 200): s.frame(i)\n")
    env = {k: v for k, v in os.environ.items() if k != "OPENCV_FFMPEG_LOGLEVEL"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "@ 0x" not in out.stderr, out.stderr[:500]
