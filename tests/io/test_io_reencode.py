"""Re-encoding for seeking: every frame kept (constant rate) or resampled onto a constant clock (VFR)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from io_helpers import N, read_code

from merstudio.errors import OutputError
from merstudio.io import open_source
from merstudio.io.reencode import reencode


@pytest.mark.parametrize(("suffix", "max_gap"), [(".avi", 1), (".mp4", 12)])
def test_reencode_keeps_every_frame_with_frequent_keyframes(make_video, ffmpeg: str, tmp_path: Path,
                                                            suffix: str, max_gap: int) -> None:
    # source: H.264 with a single keyframe every 250 frames
    src = make_video("x264_longgop.mp4", ffmpeg=ffmpeg,
                     args=["-c:v", "libx264", "-g", "250", "-bf", "3", "-pix_fmt", "yuv420p"])
    calls: list[tuple[int, int]] = []
    res = reencode(src, tmp_path / f"out{suffix}", keyint=12, progress=lambda d, t: calls.append((d, t)))
    assert res.complete and res.frames == N and res.fps == 30.0
    assert 1 <= res.max_keyframe_gap <= max_gap
    assert calls[-1] == (N, N) and len(calls) == N
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = open_source(res.path)
    with out:
        assert out.frame_count == N and not out.is_vfr
        assert [read_code(img) for _, img in out.iter_frames()] == list(range(N))
        for i in (200, 3, 150):
            assert read_code(out.frame(i)) == i
    with pytest.raises(OutputError, match="already exists"):
        reencode(src, res.path)


def test_reencode_vfr_to_constant_rate(make_video, ffmpeg: str, tmp_path: Path) -> None:
    gap = ["-vf", "setpts='(N+if(gte(N,150),30,0))/30/TB'", "-fps_mode", "vfr"]
    src = make_video("vfr_gap.mp4", ffmpeg=ffmpeg, args=[*gap, "-c:v", "libx264", "-g", "60", "-pix_fmt", "yuv420p"])
    with pytest.warns(UserWarning, match="variable frame rate"):
        res = reencode(src, tmp_path / "cfr.avi")
    assert res.frames == N + 30  # the one-second hole becomes 30 repeated frames
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = open_source(res.path)
    with out:
        codes = [read_code(img) for _, img in out.iter_frames()]
    expected = list(range(150)) + [149] * 30 + list(range(150, N))
    assert codes == expected
    np.testing.assert_array_equal(np.diff(codes) >= 0, True)


def test_reencode_cancel_removes_partial_file(make_video, tmp_path: Path) -> None:
    src = make_video("mjpg.avi", "MJPG")
    done: list[int] = []
    res = reencode(src, tmp_path / "part.mp4", progress=lambda d, t: done.append(d), cancel=lambda: len(done) >= 10)
    assert not res.complete and res.frames == 10
    assert not (tmp_path / "part.mp4").exists()
    with pytest.raises(OutputError, match="unsupported output type"):
        reencode(src, tmp_path / "x.gif")
