"""H.264 copied into an AVI by FFmpeg (`ffmpeg -i clip.mp4 -c copy clip.avi`): the AVI's time base is 1/600 s, its
header counts ticks ("600 fps", a 150-frame clip "3000 frames") and FFmpeg writes an empty chunk for each tick
between two frames. Those chunks were taken for lost data (a damage warning naming every frame) and the claim for
3000 frames."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import imageio_ffmpeg
from support.damaged_clips import coded_frame, write_h264

from merstudio.io import open_source


def test_an_h264_clip_copied_into_an_avi_is_whole(tmp_path: Path) -> None:
    mp4 = write_h264(tmp_path / "clip.mp4", 150, coded_frame, options={"preset": "veryfast"})
    avi = tmp_path / "clip.avi"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-i", str(mp4), "-c", "copy", str(avi)],
                   check=True)
    assert b"00dc\x00\x00\x00\x00" in avi.read_bytes(), "test file is no test: no empty chunks"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with open_source(avi) as src:
            n = sum(1 for _ in src.iter_frames())
            assert n == 150 and src.frame_count == 150 and src.claimed_frame_count == 150
            assert src.damage == {} and src.stale_frames == []
            text = " ".join(src.warnings)
    assert "damaged" not in text and "can be decoded" not in text
