"""`merstudio reencode` of a variable-rate clip says that the copy's frame numbers are not the input's, and, where
input frames are left out of the copy, how many and the --fps that keeps them (it said only "72 frames at 15 fps"
while 17 of the 72 were gone)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video
from support.vfr_clips import write_grey_ticks


def test_a_slowing_clip_keeps_its_frames_and_says_the_numbers_change(tmp_path: Path, capsys) -> None:
    # 36 frames at 30 fps, then 36 at 15 (a phone in low light): 3.63 s
    src = write_grey_ticks(tmp_path / "phone.mp4", [*range(36), *range(37, 37 + 72, 2)], Fraction(1, 30))
    code, out, err = run(capsys, "reencode", src, tmp_path / "copy.avi", "-q")
    assert code == 0, err
    assert out.startswith(f"wrote {tmp_path / 'copy.avi'}: 109 frames at 30 fps (resampled from 72 input frames: "
                          "its frame numbers are not the input's), MJPG")
    assert "left out" not in err


def test_a_slower_rate_says_how_many_frames_it_leaves_out(tmp_path: Path, capsys) -> None:
    src = tiny_video(tmp_path / "clip.avi", n=72)  # 72 frames at 30 fps
    code, out, err = run(capsys, "reencode", src, tmp_path / "ten.avi", "--fps", "10", "-q")
    assert code == 0, err
    assert "24 frames at 10 fps (resampled from 72 input frames" in out
    lines = [line for line in err.splitlines() if "left out" in line]
    assert lines == [f"merstudio: warning: {tmp_path / 'ten.avi'}: 48 of 72 input frames are left out of the copy "
                     "(each lasts less than a frame of it, 100.0 ms at 10 fps; the first: input frame 1, at 0.033 s); "
                     "a rate of 30 fps (--fps 30) keeps every one"]


@pytest.mark.parametrize("fps", [None, "30"])
def test_a_constant_rate_clip_keeps_its_frame_numbers(tmp_path: Path, capsys, fps: str | None) -> None:
    src = tiny_video(tmp_path / "clip.avi", n=40)
    code, out, err = run(capsys, "reencode", src, tmp_path / "copy.avi", "-q", *(["--fps", fps] if fps else []))
    assert code == 0 and "40 frames at 30 fps, MJPG" in out and "resampled" not in out and "warning" not in err
