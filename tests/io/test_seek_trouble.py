"""A source says whether it seeks badly, and why (`seek_trouble`), and tags the warning line that says so (a
`SeekNote`): no frame timestamps, a variable frame rate found at open or in the first pass; a constant-rate video
and a frame folder seek well. The tag survives a copy of the lines and pickling (results come back from worker
processes)."""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.io import open_source
from merstudio.io.frames import SeekNote, SeekTrouble

GAP = ["-vf", "setpts='(N+if(gte(N,150),30,0))/30/TB'", "-fps_mode", "vfr", "-c:v", "libx264", "-g", "60",
       "-pix_fmt", "yuv420p"]


def _seek_notes(src) -> list[SeekNote]:
    return [n for n in list(src.warnings) if isinstance(n, SeekNote)]


def test_a_constant_rate_video_and_a_folder_seek_well(make_video, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        video = open_source(make_video("mjpg.avi", "MJPG"))
    with video:
        assert video.seek_trouble is None and _seek_notes(video) == []
    folder = tmp_path / "re-encode me: variable frame rate"  # words in a name are no note
    folder.mkdir()
    for i in range(3):
        cv2.imwrite(str(folder / f"img{i}.png"), np.full((8, 8, 3), 20 * i, np.uint8))
    with open_source(folder) as frames:
        assert frames.seek_trouble is None and _seek_notes(frames) == []


def test_a_variable_rate_video_says_so(make_video, ffmpeg: str) -> None:
    with pytest.warns(UserWarning, match="variable frame rate"):
        src = open_source(make_video("vfr_gap.mp4", ffmpeg=ffmpeg, args=GAP))
    with src:
        assert src.seek_trouble is SeekTrouble.VARIABLE_RATE
        [note] = _seek_notes(src)
        assert note.trouble is SeekTrouble.VARIABLE_RATE and "variable frame rate" in note
        copied = pickle.loads(pickle.dumps(list(src.warnings)))  # as a worker process's result
        assert [n.trouble for n in copied if isinstance(n, SeekNote)] == [SeekTrouble.VARIABLE_RATE]
        assert copied == src.warnings


def test_a_hole_found_in_the_first_pass_makes_it_variable(make_video, ffmpeg: str) -> None:
    # Matroska stores no frame count: the hole is seen only when every frame is decoded
    with open_source(make_video("vfr_gap.mkv", ffmpeg=ffmpeg, args=GAP)) as src:
        assert src.seek_trouble is None and _seek_notes(src) == []
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            for _ in src.iter_frames():
                pass
        assert any("off the constant 30 fps grid" in str(w.message) for w in seen)
        assert src.seek_trouble is SeekTrouble.VARIABLE_RATE
        assert [n.trouble for n in _seek_notes(src)] == [SeekTrouble.VARIABLE_RATE]


def test_a_raw_stream_has_no_timestamps(make_video, ffmpeg: str) -> None:
    path = make_video("raw24.h264", ffmpeg=ffmpeg, args=["-c:v", "libx264", "-g", "60", "-f", "h264"], fps="24")
    with pytest.warns(UserWarning, match="no frame timestamps"):
        src = open_source(path)
    with src:
        assert src.seek_trouble is SeekTrouble.NO_TIMESTAMPS
        assert [n.trouble for n in _seek_notes(src)] == [SeekTrouble.NO_TIMESTAMPS]
