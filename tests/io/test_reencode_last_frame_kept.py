"""`reencode --fps` above the input's rate keeps the last input frame for its whole duration: a copy as long as
the input (60 fps from 72 frames at 30 fps: 144 frames, not 143; a frame folder at 200 fps: 480, not 474)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from support.cli_run import tiny_video

from merstudio.io import open_source
from merstudio.io.reencode import reencode


def _shades(path: Path) -> list[int]:
    """Each frame's mean grey, as FFmpeg decodes the copy (tiny_video's frame i is a flat 40 + i)."""
    import av

    with av.open(str(path)) as video:
        return [round(float(f.to_ndarray(format="gray").mean())) for f in video.decode(video=0)]


def test_a_faster_rate_keeps_the_last_frame_whole(tmp_path: Path) -> None:
    src = tiny_video(tmp_path / "clip.avi", n=72)  # 2.4 s
    res = reencode(src, tmp_path / "sixty.avi", fps=60)
    assert res.complete and res.frames == 144 and res.fps == 60  # 72 frames x 2: 2.4 s at 60 fps
    shades = _shades(res.path)
    assert len(shades) == 144
    # input frame i (grey 40 + i, MJPG off by a level at most) fills output frames 2i and 2i + 1
    assert max(abs(s - (40 + k // 2)) for k, s in enumerate(shades)) <= 1


def test_a_frame_folder_at_a_faster_rate_keeps_its_last_image(tmp_path: Path) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(72):
        cv2.imwrite(str(folder / f"img{i:03d}.png"), np.full((48, 64, 3), 40 + i, np.uint8))
    with open_source(folder) as frames:
        seconds = frames.frame_count / frames.fps  # 72 images at the folder's rate
    res = reencode(folder, tmp_path / "fast.avi", fps=200)
    assert res.frames == round(seconds * 200) == 480
    shades = _shades(res.path)
    assert len(shades) == 480 and abs(shades[-1] - (40 + 71)) <= 1
