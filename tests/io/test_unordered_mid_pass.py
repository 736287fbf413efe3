"""A video whose frame times go back past the first 32 frames (two MPEG-TS recordings joined byte for byte: the
second's times start again): the check at open cannot see it (the .ts says 120 frames and its end sits where 120
frames at 30 fps put it). The first complete pass meets the frames past that count, times every frame at the rate
(inside the pass as after it: not by the second half's times, which go back), and says that `--fps` does not set
that rate: it reaches only a video known to have no frame times before it is analysed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from io_helpers import read_code, write_ff

from merstudio.io import folder_fps, open_source
from merstudio.io.frames import SeekTrouble

H264 = ["-c:v", "libx264", "-g", "30", "-bf", "0", "-pix_fmt", "yuv420p"]


@pytest.fixture(scope="module")
def joined(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("joined")
    whole = write_ff(ffmpeg, root / "whole.avi", ["-c:v", "mjpeg", "-q:v", "2"], n=240)
    parts = []
    for k, (before, after) in enumerate((([], ["-frames:v", "120"]), (["-ss", "4"], []))):
        part = root / f"part{k}.ts"  # frames 0-119, then frames 120-239 timed from 0 again
        subprocess.run([ffmpeg, "-y", "-loglevel", "error", *before, "-i", str(whole), *after, *H264, str(part)],
                       check=True, timeout=120)
        parts.append(part.read_bytes())
    path = root / "joined.ts"
    path.write_bytes(b"".join(parts))
    return path


def test_times_that_go_back_mid_video_are_timed_at_the_rate_in_and_after_the_pass(joined: Path) -> None:
    with open_source(joined) as src:
        assert src.frame_count == 120 and src.seek_trouble is None  # what the check at open can see
        codes, times = [], []
        with pytest.warns(UserWarning) as seen:
            for i, img in src.iter_frames():
                codes.append(read_code(img))
                times.append(src.timestamp(i))  # as the analysis does: was an IndexError at frame 120
        assert codes == list(range(240))
        np.testing.assert_allclose(times, np.arange(240) / 30)  # was the second half's own times (from 0 again)
        assert src.frame_count == 240 and src.seek_trouble is SeekTrouble.UNORDERED_TIMES
        np.testing.assert_allclose(src.timestamps, np.arange(240) / 30)
        [note] = [str(w.message) for w in seen if "out of order" in str(w.message)]
        assert "from frame 120 on; timestamps assume 30 fps" in note and "--fps does not set this rate" in note
        assert not [w for w in seen if "off the constant" in str(w.message)]  # no variable rate: it restarted
        assert [read_code(src.frame(i)) for i in (220, 100, 239)] == [220, 100, 239]
    assert folder_fps(joined, 50) is None  # its first frames are timed: --fps is not for it (the note says so)
