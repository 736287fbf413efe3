"""`folder_fps` opens a video file to tell whether its frames are timed once per version of the file in a process
(a batch's planning and its run both ask it of every input given `--fps`); a changed file is opened again."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import pytest

from merstudio.io import folder_fps
from merstudio.io import frames as F


@pytest.mark.parametrize("name", ["once.mjpeg", "once.avi"])
def test_a_video_is_opened_once_to_tell(make_video, ffmpeg: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        name: str) -> None:
    made = make_video(name, ffmpeg=ffmpeg, args=["-c:v", "mjpeg", "-f", "mjpeg"] if name.endswith(".mjpeg")
                      else ["-c:v", "mjpeg"], n=40)
    path = tmp_path / name  # a file of this test's own: the cache knows no other test's
    path.write_bytes(made.read_bytes())
    opened: list[str] = []
    real = cv2.VideoCapture

    def capture(*args: object) -> cv2.VideoCapture:
        opened.append(str(args[0]))
        return real(*args)

    monkeypatch.setattr(F.cv2, "VideoCapture", capture)
    stated: list[Path] = []
    real_stated = F._stated_rate
    monkeypatch.setattr(F, "_stated_rate", lambda p: stated.append(p) or real_stated(p))
    raw = name.endswith(".mjpeg")
    for _ in range(3):
        assert folder_fps(path, 50) == (50 if raw else None)
    assert opened == [str(path.absolute())]  # was 3 opens
    assert stated == []  # the rate its stream states is not asked for where --fps gives one (a PyAV open each)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # a new version of the file
    assert folder_fps(path, 50) == (50 if raw else None) and len(opened) == 2
