"""Bad input: each case is an InputError with one line that names the offending file."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from io_helpers import coded_frame, write_cv

from merstudio.errors import InputError
from merstudio.io import open_source


def _error(path: Path, **kw) -> str:
    with pytest.raises(InputError) as info:
        with open_source(path, **kw) as src:
            for _ in src.iter_frames():
                pass
    msg = str(info.value)
    assert "\n" not in msg
    return msg


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert _error(tmp_path / "nope.mp4") == f"{tmp_path / 'nope.mp4'}: no such file or folder"
    assert "no such file" in _error(tmp_path / "nope_dir")


def test_not_a_video(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video\n" * 50)
    msg = _error(text)
    assert msg.startswith(str(text)) and "not a readable video" in msg
    empty = tmp_path / "empty.avi"
    empty.write_bytes(b"")
    assert _error(empty) == f"{empty}: file is empty"


@pytest.mark.parametrize(("name", "fourcc", "keep"), [
    ("cut.avi", "MJPG", 0.6),  # AVI opens (header intact), the end is gone
    ("cut.mp4", "mp4v", 0.6),  # MP4 from OpenCV keeps its index at the end: cannot be opened at all
    ("cut_tail.avi", "MJPG", 0.97),  # only the last few frames are missing
])
def test_truncated_video(tmp_path: Path, name: str, fourcc: str, keep: float) -> None:
    whole = write_cv(tmp_path / ("whole_" + name), fourcc, n=120)
    data = whole.read_bytes()
    cut = tmp_path / name
    cut.write_bytes(data[: int(len(data) * keep)])
    msg = _error(cut)
    assert msg.startswith(f"{cut}: ")
    assert "truncated" in msg or "damaged" in msg


def test_truncated_h264_matroska(tmp_path: Path, ffmpeg: str) -> None:
    from io_helpers import write_ff

    whole = write_ff(ffmpeg, tmp_path / "whole.mkv", ["-c:v", "libx264", "-g", "30", "-pix_fmt", "yuv420p"], n=120)
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(whole.read_bytes()[: int(whole.stat().st_size * 0.5)])
    assert "truncated" in _error(cut)


def test_zero_frames(tmp_path: Path) -> None:
    for name, fourcc in (("zero.avi", "MJPG"), ("zero.mp4", "mp4v")):
        path = tmp_path / name
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), 30.0, (64, 48))
        writer.release()
        if not path.exists():
            continue
        msg = _error(path)
        assert msg.startswith(f"{path}: ") and ("no frames" in msg or "no video frames" in msg), msg


def test_folder_without_images(tmp_path: Path) -> None:
    empty = tmp_path / "clip"
    empty.mkdir()
    (empty / "readme.txt").write_text("x")
    assert _error(empty).startswith(f"{empty}: no images")
    subject = tmp_path / "sub01"
    (subject / "EP02_01f").mkdir(parents=True)
    assert "subfolder(s): open one clip folder" in _error(subject)


def test_unreadable_image_inside_folder(tmp_path: Path) -> None:
    folder = tmp_path / "EP02_01f"
    folder.mkdir()
    for k in range(1, 6):
        cv2.imwrite(str(folder / f"img{k}.jpg"), coded_frame(k))
    (folder / "img3.jpg").write_bytes(b"\xff\xd8\xff garbage, not a jpeg")
    with open_source(folder) as src:  # opening reads only the first image
        assert src.frame_count == 5
        with pytest.raises(InputError, match=r"img3\.jpg: not a readable image"):
            src.frame(2)
    msg = _error(folder)
    assert msg.startswith(str(folder / "img3.jpg"))
    first_bad = tmp_path / "firstbad"
    first_bad.mkdir()
    (first_bad / "img1.jpg").write_bytes(b"nope")
    assert _error(first_bad).startswith(str(first_bad / "img1.jpg"))


def test_image_of_a_different_size(tmp_path: Path) -> None:
    folder = tmp_path / "clip"
    folder.mkdir()
    cv2.imwrite(str(folder / "img1.png"), coded_frame(1))
    cv2.imwrite(str(folder / "img2.png"), np.zeros((10, 10, 3), np.uint8))
    assert _error(folder).startswith(f"{folder / 'img2.png'}: image is 10x10")


def test_bad_fps(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), coded_frame(0))
    assert "fps must be a positive number" in _error(tmp_path, fps=0)
