"""A raw H.264/HEVC stream (no container, so no frame times) is timed at the rate its codec states in the stream,
not FFmpeg's raw-demuxer default of 25 fps, and `--fps` (`folder_fps`) reaches it as it reaches a frame folder; a
video with frame times keeps its own timing whatever `--fps` says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from io_helpers import N, read_code

from merstudio.io import SourceWarning, folder_fps, open_source
from merstudio.io import frames as F

RAW = {"h264": ["-c:v", "libx264", "-g", "60", "-f", "h264"], "hevc": ["-c:v", "libx265", "-g", "60", "-f", "hevc"]}


def _raw(make_video: Callable[..., Path], ffmpeg: str, codec: str, fps: str) -> Path:
    args = RAW[codec] + (["-x265-params", "log-level=error"] if codec == "hevc" else [])
    return make_video(f"raw{fps}.{codec}", ffmpeg=ffmpeg, args=args, fps=fps)


@pytest.mark.parametrize("codec", ["h264", "hevc"])
def test_raw_stream_runs_at_the_rate_its_stream_states(make_video, ffmpeg: str, codec: str) -> None:
    path = _raw(make_video, ffmpeg, codec, "24")
    with pytest.warns(SourceWarning, match=rf"no frame timestamps; timestamps assume the 24 fps its {codec} "
                                           r"stream states \(--fps sets another rate\)"):
        src = open_source(path)
    with src:
        assert src.fps == 24 and src.frame_count == N
        assert src.timestamp(30) == pytest.approx(30 / 24)  # was 1.2 (25 fps) whatever the stream said
        np.testing.assert_allclose(src.timestamps, np.arange(N) / 24)
        assert read_code(src.frame(100)) == 100
    assert folder_fps(path, None) == 24


def test_fps_sets_a_raw_streams_rate(make_video, ffmpeg: str) -> None:
    path = _raw(make_video, ffmpeg, "h264", "24")
    assert folder_fps(path, 200) == 200  # --fps reaches a video without frame times
    with pytest.warns(SourceWarning, match=r"timestamps assume 200 fps as given \(the stream states 24 fps\)"):
        src = open_source(path, fps=folder_fps(path, 200))
    with src:
        assert src.fps == 200 and src.timestamp(30) == pytest.approx(0.15)
        assert read_code(src.frame(30)) == 30


def test_raw_stream_that_states_no_rate_says_so(make_video, ffmpeg: str, monkeypatch) -> None:
    path = _raw(make_video, ffmpeg, "h264", "24")
    monkeypatch.setattr(F, "_stated_rate", lambda p: None)  # a stream without SPS timing info
    with pytest.warns(SourceWarning, match=r"timestamps assume 25 fps, FFmpeg's default, as the stream states no "
                                           r"rate \(--fps sets the rate\)"):
        src = open_source(path)
    with src:
        assert src.fps == 25
    assert folder_fps(path, None) == 25 and folder_fps(path, 30) == 30


def test_a_timed_video_keeps_its_timing(make_video, ffmpeg: str, recwarn) -> None:
    mp4 = make_video("timed24.mp4", ffmpeg=ffmpeg, args=["-c:v", "libx264", "-pix_fmt", "yuv420p"], fps="24")
    assert folder_fps(mp4, 200) is None and folder_fps(mp4, None) is None
    with open_source(mp4, fps=folder_fps(mp4, 200)) as src:
        assert src.fps == 24 and src.timestamp(30) == pytest.approx(30 / 24) and src.warnings == []
    assert not [w for w in recwarn if issubclass(w.category, SourceWarning)]


def test_folder_fps_of_what_is_no_video(tmp_path: Path) -> None:
    junk = tmp_path / "notes.h264"
    junk.write_bytes(b"not a video at all" * 10)
    assert folder_fps(junk, 200) is None and folder_fps(tmp_path / "gone.h264", 200) is None
