"""Raw streams whose demuxer makes frame times up: FFmpeg times a raw MJPEG stream at its default 25 fps and a raw
MPEG-2 stream at the rate its sequence header states, regularly, so their frames look timed. They are videos
without frame timestamps like raw H.264 (`test_raw_stream_fps.py`): timed at the rate the stream states, else 25
fps with a note that says so, `--fps` (`folder_fps`) sets the rate, and random access decodes from the start."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from io_helpers import N, read_code

from merstudio.io import SourceWarning, folder_fps, open_source
from merstudio.io.frames import SeekTrouble

MJPEG = ["-c:v", "mjpeg", "-q:v", "3", "-f", "mjpeg"]


def _mjpeg(make_video: Callable[..., Path], ffmpeg: str) -> Path:
    return make_video("raw30.mjpeg", ffmpeg=ffmpeg, args=MJPEG, fps="30")  # shot at 30: the stream cannot say


def test_a_raw_mjpeg_stream_is_timed_at_ffmpegs_default_and_says_so(make_video, ffmpeg: str) -> None:
    path = _mjpeg(make_video, ffmpeg)
    with pytest.warns(SourceWarning, match=r"no frame timestamps; timestamps assume 25 fps, FFmpeg's default, as the "
                                           r"stream states no rate \(--fps sets the rate\)"):
        src = open_source(path)
    with src:
        assert src.fps == 25 and src.frame_count == N
        assert src.seek_trouble is SeekTrouble.NO_TIMESTAMPS  # was None: its made-up times passed for real ones
        assert [read_code(src.frame(i)) for i in (100, 10, 200)] == [100, 10, 200]
    assert folder_fps(path, None) == 25 and folder_fps(path, 30) == 30  # --fps reaches it (was None: ignored)


def test_fps_sets_a_raw_mjpeg_streams_rate(make_video, ffmpeg: str) -> None:
    path = _mjpeg(make_video, ffmpeg)
    with pytest.warns(SourceWarning, match=r"timestamps assume 30 fps as given \(the stream states no rate\)"):
        src = open_source(path, fps=folder_fps(path, 30))
    with src:
        assert src.fps == 30 and src.timestamp(30) == pytest.approx(1.0)
        times = [src.timestamp(i) for i, img in src.iter_frames() if read_code(img) == i]
        np.testing.assert_allclose(times, np.arange(N) / 30)  # every frame, in order, on the rate given
        np.testing.assert_allclose(src.timestamps, np.arange(N) / 30)  # not the demuxer's 40 ms steps


def test_a_raw_mpeg2_stream_runs_at_the_rate_its_header_states(make_video, ffmpeg: str) -> None:
    path = make_video("raw24.m2v", ffmpeg=ffmpeg, args=["-c:v", "mpeg2video", "-f", "mpeg2video"], fps="24")
    with pytest.warns(SourceWarning, match=r"timestamps assume the 24 fps its mpeg2video stream states"):
        src = open_source(path)
    with src:
        assert src.fps == 24 and src.seek_trouble is SeekTrouble.NO_TIMESTAMPS
        assert read_code(src.frame(150)) == 150
    assert folder_fps(path, None) == 24 and folder_fps(path, 200) == 200


def test_a_timed_mjpeg_video_keeps_its_timing(make_video) -> None:
    path = make_video("mjpg.avi", "MJPG")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with open_source(path) as src:
            assert src.fps == 30 and src.seek_trouble is None
    assert folder_fps(path, 200) is None
