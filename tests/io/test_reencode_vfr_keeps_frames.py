"""Re-encoding a variable-rate clip keeps every input frame: a phone's clip that drops from 30 fps to 15 in low
light is copied at 30 fps (at 15 fps, 1 / its median interval, every other frame of the 30-fps part was left out,
the smile's onset with them), also on a millisecond clock (Matroska), where frames start up to half a frame off
the copy's grid; a frame shorter than a frame of the copy, which no frame of it can show, is counted and said."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from support.barcodes import read_code, stamp
from support.vfr_clips import write_at_ticks

from merstudio.io.reencode import reencode


def write_coded_ticks(path: Path, ticks: list[int], time_base: Fraction) -> Path:
    """A 160x48 H.264 clip whose frame i carries i as a barcode and lies at ticks[i] x time_base."""
    frames = [stamp(np.full((48, 160, 3), 128, np.uint8), i) for i in range(len(ticks))]
    return write_at_ticks(path, frames, ticks, time_base, {"bf": "0", "g": "30", "crf": "10"})


def _shown(copy: Path) -> list[int]:
    """The input frame each frame of the copy shows (its barcode), as FFmpeg decodes the copy."""
    with av.open(str(copy)) as video:
        return [read_code(f.to_ndarray(format="rgb24")) for f in video.decode(video=0)]


SECONDS = [Fraction(i, 30) for i in range(36)] + [Fraction(35 + 2 * k, 30) for k in range(1, 37)]  # 30, then 15


def _thirty_then_fifteen(path: Path, time_base: Fraction) -> Path:
    """36 frames at 30 fps, then 36 at 15 (SECONDS), in ticks of `time_base`."""
    return write_coded_ticks(path, [round(t / time_base) for t in SECONDS], time_base)


@pytest.mark.parametrize(("name", "time_base"), [("phone.mp4", Fraction(1, 30)), ("obs.mkv", Fraction(1, 1000))])
def test_a_clip_that_slows_down_keeps_every_frame(tmp_path: Path, name: str, time_base: Fraction) -> None:
    src = _thirty_then_fifteen(tmp_path / name, time_base)
    with pytest.warns(UserWarning, match="variable frame rate"):
        res = reencode(src, tmp_path / "copy.avi")
    assert res.fps == 30  # the rate of its fastest stretch
    assert res.frames == 109  # up to the end of the last frame, 107/30 + 2/30 s
    shown = _shown(res.path)
    assert sorted(set(shown)) == list(range(72))  # every input frame
    # frame k of the copy (k/30 s) shows the input frame at that time, or the one before where none starts there
    assert shown == [max(i for i, t in enumerate(SECONDS) if t <= Fraction(k, 30)) for k in range(109)]
    assert res.source_frames == 72 and res.left_out == 0 and res.frames_warning == "" and res.resampled


def test_a_lone_short_frame_is_said_and_a_faster_rate_keeps_it(tmp_path: Path) -> None:
    # 30 fps on a millisecond clock, but frame 19 lasts 10 ms (frame 20 comes early): no frame at 30 fps shows it
    ms = [round(i * 1000 / 30) for i in range(20)] + [633 + 10 + round(k * 1000 / 30) for k in range(20)]
    src = write_coded_ticks(tmp_path / "short.mkv", ms, Fraction(1, 1000))
    with pytest.warns(UserWarning, match="variable frame rate"):
        res = reencode(src, tmp_path / "copy.avi")
    assert res.fps == 30 and res.left_out == 1 and res.source_frames == 40
    missing = sorted(set(range(40)) - set(_shown(res.path)))
    assert missing in ([19], [20])  # one of the two within 10 ms
    line = res.frames_warning
    assert line.startswith(f"{res.path}: 1 of 40 input frames")
    assert f"input frame {missing[0]}, at {ms[missing[0]] / 1000:.3f} s" in line
    assert "--fps 100" in line and "\n" not in line  # 1 / 10 ms
    with pytest.warns(UserWarning, match="variable frame rate"):
        res = reencode(src, tmp_path / "fast.avi", fps=100)
    assert res.left_out == 0 and res.frames_warning == ""
    assert sorted(set(_shown(res.path))) == list(range(40))


def test_a_slower_rate_asked_for_says_what_it_leaves_out(tmp_path: Path) -> None:
    src = write_coded_ticks(tmp_path / "cfr.mp4", list(range(30)), Fraction(1, 30))  # 30 frames at 30 fps
    res = reencode(src, tmp_path / "ten.avi", fps=10)
    assert res.frames == 10 and res.left_out == 20  # 2 of every 3
    assert _shown(res.path) == list(range(0, 30, 3))  # frame k of the copy, at k/10 s: input frame 3k
    assert "20 of 30 input frames" in res.frames_warning and "--fps 30" in res.frames_warning
