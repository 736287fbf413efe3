"""`merstudio reencode ... a.avi --fps 1200` ran the whole encode, then failed with exit 3 ("the copy reads back with
302 of its 750 frames"): OpenCV's FFmpeg AVI writer keeps a clip faster than 1000 fps at 600 fps and drops frames
without an error (a115 finding 3, h317). Such a rate, given or the input's own, is refused before any frame is
written, in one line, exit 2; MPEG-4 keeps every frame at those rates."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.io.reencode import reencode


def _clip(path: Path, fps: float, n: int = 6) -> Path:
    w = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (64, 48))
    for i in range(n):
        w.write(np.full((48, 64, 3), 30 * i, np.uint8))
    w.release()
    return path


def _frames(path: Path) -> int:
    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n


def test_avi_past_1000_fps_is_refused_in_one_line_before_encoding(tmp_path: Path, capsys) -> None:
    src = _clip(tmp_path / "in.mp4", 30.0)
    code = main(["reencode", str(src), str(tmp_path / "a.avi"), "--fps", "1200", "-q"])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and lines == [f"merstudio: error: {tmp_path / 'a.avi'}: .avi (MJPG) holds at most 1000 fps "
                                   "(--fps 1200); use .mp4 (or .mov, .mkv), or --fps 1000 or less"], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.mp4"]  # no copy, no temporary


def test_an_input_faster_than_1000_fps_is_refused_for_avi(tmp_path: Path) -> None:
    src = _clip(tmp_path / "fast.mp4", 1200.0)
    with pytest.raises(InputError, match=r"holds at most 1000 fps \(the input's rate is 1200 fps\)"):
        reencode(src, tmp_path / "fast.avi")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fast.mp4"]


def test_1000_fps_avi_and_1200_fps_mp4_keep_every_frame(tmp_path: Path) -> None:
    src = _clip(tmp_path / "fast.mp4", 1000.0)
    res = reencode(src, tmp_path / "a.avi")
    assert res.complete and res.frames == 6 == _frames(tmp_path / "a.avi")
    fast = _clip(tmp_path / "fast1200.mp4", 1200.0)
    res = reencode(fast, tmp_path / "b.mp4")
    assert res.complete and res.fps == 1200.0 and res.frames == 6 == _frames(tmp_path / "b.mp4")
