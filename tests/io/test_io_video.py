"""Video sources: frame-accurate random access against a sequential decode, streaming, cheap opening."""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest
from io_helpers import H, N, W, digest, read_code, write_cv
from support.miscounted import ffmpeg_exe

from merstudio.io import VideoSource, open_source
from merstudio.io import frames as frames_mod

CV_CODECS = [("mp4v.mp4", "mp4v"), ("mjpg.avi", "MJPG")]
# H.264 with B-frames and a 250-frame GOP (one keyframe in the file: every seek decodes from frame 0's GOP),
# MPEG-TS (OpenCV's own CAP_PROP_POS_FRAMES seek lands ~50 frames off on this one), Matroska (no frame count),
# B-frames in AVI (no presentation times: the decoder reports shifted DTS and flushes the last frames untimed).
FF_FILES = [
    ("x264_longgop.mp4", ["-c:v", "libx264", "-g", "250", "-bf", "3", "-pix_fmt", "yuv420p"]),
    ("x264_bframes.ts", ["-c:v", "libx264", "-g", "50", "-bf", "3", "-pix_fmt", "yuv420p"]),
    ("x264.mkv", ["-c:v", "libx264", "-g", "60", "-bf", "2", "-pix_fmt", "yuv420p"]),
    ("x264_bframes.avi", ["-c:v", "libx264", "-g", "50", "-bf", "3", "-pix_fmt", "yuv420p"]),
    # an interview recording: video interleaved with an AAC audio track
    ("x264_audio.mp4", ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-shortest",
                        "-c:v", "libx264", "-g", "90", "-bf", "2", "-pix_fmt", "yuv420p", "-c:a", "aac"]),
]


@pytest.fixture(params=[c[0] for c in CV_CODECS] + [f[0] for f in FF_FILES])
def video(request: pytest.FixtureRequest, make_video, ffmpeg_or_none) -> Path:
    name = request.param
    for fname, fourcc in CV_CODECS:
        if fname == name:
            return make_video(name, fourcc)
    if ffmpeg_or_none is None:
        pytest.skip("no ffmpeg binary")
    args = dict(FF_FILES)[name]
    return make_video(name, ffmpeg=ffmpeg_or_none, args=args)


@pytest.fixture(scope="session")
def ffmpeg_or_none() -> str | None:
    return ffmpeg_exe()


def sequential_hashes(path: Path) -> list[str]:
    """Ground truth: a plain OpenCV read loop, independent of merstudio."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    out = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        out.append(digest(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
    cap.release()
    return out


def test_random_access_matches_sequential_decode(video: Path) -> None:
    truth = sequential_hashes(video)
    assert len(truth) == N
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # constant-rate files: no VFR warning
        src = open_source(video)
    with src:
        assert src.frame_count == N
        assert src.size == (W, H)
        assert not src.is_vfr
        rng = random.Random(4)
        # random order, explicit backward jumps, the last frame, and neighbours of a keyframe boundary
        order = [rng.randrange(N) for _ in range(40)] + [N - 1, 0, 200, 199, 3, 2, 1, 120, 60, 59, 61, N - 2]
        for i in order:
            img = src.frame(i)
            assert img.dtype == np.uint8 and img.shape == (H, W, 3)
            assert digest(img) == truth[i], f"frame {i} differs from sequential decode"
            assert read_code(img) == i


def test_iter_frames_is_sequential_and_timed(video: Path) -> None:
    truth = sequential_hashes(video)
    with open_source(video) as src:
        got = [(i, digest(img)) for i, img in src.iter_frames()]
        assert got == list(enumerate(truth))
        part = [(i, digest(img)) for i, img in src.iter_frames(start=150, stop=170)]
        assert part == list(enumerate(truth))[150:170]
        np.testing.assert_allclose(src.timestamps, np.arange(N) / 30.0, atol=1e-9)
        assert src.timestamp(45) == pytest.approx(1.5)


def test_sequential_frame_calls_do_not_reseek(make_video, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_video("mp4v.mp4", "mp4v")
    seeks: list[int] = []
    real_seek = frames_mod._Decoder.seek

    def counting_seek(self, i: int) -> None:
        seeks.append(i)
        real_seek(self, i)

    monkeypatch.setattr(frames_mod._Decoder, "seek", counting_seek)
    with open_source(path) as src:
        for i in range(100, 140):
            assert read_code(src.frame(i)) == i
        assert seeks == [100]  # one seek, then forward decoding
        src.frame(10)  # far backwards: must seek
        assert seeks == [100, 10]
        seeks.clear()
        for i in range(139, 99, -1):  # stepping back one frame at a time (a viewer's Left key)
            assert read_code(src.frame(i)) == i
        assert 1 <= len(seeks) <= 4, seeks


@pytest.mark.parametrize("error", [+3, -7, +40])
def test_seek_that_lands_off_target_is_corrected(make_video, monkeypatch: pytest.MonkeyPatch, error: int) -> None:
    """Simulate a backend whose frame seek is inexact: the source must still return the right frame."""
    path = make_video("mjpg.avi", "MJPG")
    real = VideoSource._request_seek

    def sloppy(self, cap, j: int) -> None:
        real(self, cap, max(0, j + error))

    monkeypatch.setattr(VideoSource, "_request_seek", sloppy)
    with open_source(path) as src:
        for i in (200, 50, 150, 5, 120, N - 1):
            assert read_code(src.frame(i)) == i


def test_open_decodes_only_a_few_frames(make_video, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_video("mp4v.mp4", "mp4v")
    grabs = [0]
    real_open = VideoSource._open_capture

    class Counting:
        def __init__(self, cap) -> None:
            self._cap = cap

        def grab(self) -> bool:
            grabs[0] += 1
            return self._cap.grab()

        def __getattr__(self, name: str):
            return getattr(self._cap, name)

    monkeypatch.setattr(VideoSource, "_open_capture", lambda self: Counting(real_open(self)))
    src = open_source(path)
    assert src.frame_count == N
    assert grabs[0] < N // 3, f"opening decoded {grabs[0]} of {N} frames"
    src.close()


def test_returned_frames_are_private_copies(make_video) -> None:
    with open_source(make_video("mp4v.mp4", "mp4v")) as src:
        a = src.frame(7)
        a[:] = 0
        assert read_code(src.frame(7)) == 7


def test_iteration_and_random_access_do_not_interfere(make_video) -> None:
    with open_source(make_video("mjpg.avi", "MJPG")) as src:
        it = src.iter_frames(0, 30)
        for k, (i, img) in enumerate(it):
            assert i == k and read_code(img) == i
            assert read_code(src.frame(N - 1 - k)) == N - 1 - k


def test_grey_video_comes_back_rgb(video_dir: Path) -> None:
    path = write_cv(video_dir / "grey.avi", "MJPG", n=20, color=False)
    with open_source(path) as src:
        img = src.frame(5)
        assert img.shape == (H, W, 3)
        assert np.array_equal(img[..., 0], img[..., 1]) and np.array_equal(img[..., 1], img[..., 2])
        assert read_code(img) == 5


def test_fps_override_and_29_97(make_video, ffmpeg_or_none) -> None:
    with open_source(make_video("mp4v.mp4", "mp4v"), fps=200) as src:
        assert src.fps == 200
        assert src.timestamp(100) == pytest.approx(0.5)
        assert read_code(src.frame(100)) == 100
    if ffmpeg_or_none is None:
        pytest.skip("no ffmpeg binary")
    path = make_video("ntsc.mp4", ffmpeg=ffmpeg_or_none, fps="30000/1001",
                      args=["-c:v", "libx264", "-g", "30", "-pix_fmt", "yuv420p"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        src = open_source(path)
    with src:
        assert src.fps == pytest.approx(29.97, abs=0.001)
        assert src.timestamp(N - 1) == pytest.approx((N - 1) * 1001 / 30000)
        for i in (200, 17, 199):
            assert read_code(src.frame(i)) == i


def test_frame_index_out_of_range(make_video) -> None:
    with open_source(make_video("mjpg.avi", "MJPG")) as src:
        with pytest.raises(IndexError):
            src.frame(N)
        with pytest.raises(IndexError):
            src.frame(-1)
        assert len(src) == N
        assert "240 frames" in repr(src)


def test_raw_stream_without_timestamps_or_count(make_video, ffmpeg_or_none, video_dir: Path) -> None:
    """An H.264 elementary stream has no container: no frame count and no frame times. It is counted at open,
    gets timestamps from the nominal rate, and random access decodes from the start (slow but exact)."""
    if ffmpeg_or_none is None:
        pytest.skip("no ffmpeg binary")
    path = make_video("raw.h264", ffmpeg=ffmpeg_or_none, args=["-c:v", "libx264", "-g", "60", "-f", "h264"])
    with pytest.warns(UserWarning, match="no frame timestamps"):
        src = open_source(path)
    with src:
        assert src.frame_count == N
        np.testing.assert_allclose(np.diff(src.timestamps), 1 / src.fps)
        for i in (200, 30, 31, 5, N - 1):
            assert read_code(src.frame(i)) == i
