"""Variable frame rate: detection on timestamp arrays, and real VFR files made with ffmpeg."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from io_helpers import N, read_code

from merstudio.io import detect_vfr, open_source


def test_detect_vfr_on_timestamp_arrays() -> None:
    k = np.arange(60)
    assert not detect_vfr(k / 30.0, 30.0)
    assert not detect_vfr(k * 1001 / 30000, 30000 / 1001)
    assert not detect_vfr(np.round(k / 30.0, 3), 30.0)  # mkv millisecond rounding: 33, 34, 33 ms
    assert not detect_vfr(np.round(k / 200.0, 3), 200.0)
    assert detect_vfr(np.r_[k[:30] / 30.0, 1.0 + 1.0 + k[30:] / 30.0], 30.0)  # a one-second gap
    assert detect_vfr(np.r_[k[:30] / 30.0, 1.0 + k[:30] / 60.0], 30.0)  # 30 fps then 60 fps
    jitter = k / 30.0 + np.random.default_rng(0).uniform(-0.012, 0.012, k.size)  # phone-style capture jitter
    assert detect_vfr(jitter, 30.0)
    assert not detect_vfr(np.array([0.0]), 30.0)


# 30 fps with a one-second hole after frame 150: the start of the file looks like a clean 30 fps stream, so only
# the check at the end of the file can see it.
GAP = ["-vf", "setpts='(N+if(gte(N,150),30,0))/30/TB'", "-fps_mode", "vfr"]
# 15 fps for 40 frames, then 30 fps: already visible in the first frames' times.
SWITCH = ["-vf", "setpts='(N + if(lt(N,40),N,40))/30/TB'", "-fps_mode", "vfr"]


def expected_gap_times() -> np.ndarray:
    k = np.arange(N)
    return (k + np.where(k >= 150, 30, 0)) / 30.0


def expected_switch_times() -> np.ndarray:
    k = np.arange(N)
    return (k + np.minimum(k, 40)) / 30.0


@pytest.mark.parametrize(("name", "args", "expected"), [
    ("vfr_gap.mp4", GAP, expected_gap_times),
    ("vfr_switch.mp4", SWITCH, expected_switch_times),
])
def test_vfr_file_is_flagged_and_timed(make_video, ffmpeg: str, name, args, expected) -> None:
    path = make_video(name, ffmpeg=ffmpeg, args=[*args, "-c:v", "libx264", "-g", "60", "-pix_fmt", "yuv420p"])
    with pytest.warns(UserWarning, match="variable frame rate"):
        src = open_source(path)
    with src:
        assert src.is_vfr
        assert src.frame_count == N
        np.testing.assert_allclose(src.timestamps, expected(), atol=0.0011)
        assert src.variable_times is not None
        np.testing.assert_array_equal(src.variable_times, src.timestamps)  # what playback and convert place by
        for i in (200, 10, 151, 149, 150, N - 1, 0, 39, 40, 41):
            assert read_code(src.frame(i)) == i, f"frame {i}"
        assert [read_code(img) for _, img in src.iter_frames(145, 155)] == list(range(145, 155))


def test_gap_in_matroska_is_caught_by_the_first_sequential_pass(make_video, ffmpeg: str) -> None:
    """Matroska stores no frame count; OpenCV estimates it from the duration, so a hole in the middle fits the
    constant-rate grid at both ends and cannot be seen at open without decoding everything. The first complete
    sequential pass sees it, warns, and corrects the count, timestamps and seeking."""
    path = make_video("vfr_gap.mkv", ffmpeg=ffmpeg, args=[*GAP, "-c:v", "libx264", "-g", "60", "-pix_fmt", "yuv420p"])
    with open_source(path) as src:
        assert src.frame_count == N + 30  # the estimate (documented limitation)
        with pytest.warns(UserWarning, match="off the constant 30 fps grid"):
            codes = [read_code(img) for _, img in src.iter_frames()]
        assert codes == list(range(N))
        assert src.is_vfr and src.frame_count == N
        np.testing.assert_allclose(src.timestamps, expected_gap_times(), atol=0.0011)
        for i in (200, 10, 151, 149, 150, N - 1, 0):
            assert read_code(src.frame(i)) == i, f"frame {i}"


def test_vfr_timestamps_during_iteration_need_no_extra_pass(make_video, ffmpeg: str, monkeypatch) -> None:
    path = make_video("vfr_gap.mp4", ffmpeg=ffmpeg, args=[*GAP, "-c:v", "libx264", "-g", "60", "-pix_fmt", "yuv420p"])
    with pytest.warns(UserWarning):
        src = open_source(path)
    scans = []
    monkeypatch.setattr(type(src), "_scan", lambda self: scans.append(1))
    times = [src.timestamp(i) for i, _ in src.iter_frames()]
    np.testing.assert_allclose(times, expected_gap_times(), atol=1e-6)
    assert scans == []
    src.close()


def test_constant_rate_file_gives_no_warning(make_video) -> None:
    path = make_video("mp4v.mp4", "mp4v")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with open_source(path) as src:
            assert not src.is_vfr
            assert src.variable_times is None  # the nominal grid serves
