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
    ("cut.mp4", "mp4v", 0.6),  # MP4 from OpenCV keeps its index (moov) at the end: nothing can be decoded
    ("cut_header.avi", "MJPG", 0.01),  # cut inside the AVI header
])
def test_truncated_video_that_cannot_be_decoded(tmp_path: Path, name: str, fourcc: str, keep: float) -> None:
    """Only what truly cannot be decoded is refused (files cut so that their frames can still be read are analysed
    with a warning: see test_io_counts.py)."""
    whole = write_cv(tmp_path / ("whole_" + name), fourcc, n=120)
    data = whole.read_bytes()
    cut = tmp_path / name
    cut.write_bytes(data[: int(len(data) * keep)])
    msg = _error(cut)
    assert msg.startswith(f"{cut}: ")
    assert "truncated" in msg or "damaged" in msg


def test_mp4_cut_inside_its_header(tmp_path: Path, ffmpeg: str) -> None:
    """A 'fast start' MP4 (index first) cut in the middle of the index: one line, not a traceback."""
    from io_helpers import write_ff

    whole = write_ff(ffmpeg, tmp_path / "whole.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p",
                                                      "-movflags", "+faststart"], n=60)
    data = whole.read_bytes()
    moov, mdat = data.find(b"moov"), data.find(b"mdat")
    assert 0 < moov < mdat, "ffmpeg did not put the index first"
    cut = tmp_path / "cut_header.mp4"
    cut.write_bytes(data[: (moov + mdat) // 2])
    msg = _error(cut)
    assert msg.startswith(f"{cut}: ") and "not a readable video" in msg

    # Header complete, cut before the first frame's data: the file says 60 frames, none decodes.
    empty = tmp_path / "cut_before_first_frame.mp4"
    empty.write_bytes(data[: mdat + 100])
    msg = _error(empty)
    assert msg.startswith(f"{empty}: no frame can be decoded (the file says 60")


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
    first_bad = tmp_path / "firstbad"
    first_bad.mkdir()
    (first_bad / "img1.jpg").write_bytes(b"nope")
    assert _error(first_bad) == f"{first_bad}: none of its 1 image(s) is readable (damaged or wrong format?)"


def test_images_of_different_sizes_are_photos_not_a_clip(tmp_path: Path) -> None:
    """A folder whose images differ in size is a set of separate photos: refused as a clip at open, in one line
    that says what to do (the analyze command takes such a folder photo by photo)."""
    folder = tmp_path / "clip"
    folder.mkdir()
    cv2.imwrite(str(folder / "img1.png"), coded_frame(1))
    cv2.imwrite(str(folder / "img2.png"), np.zeros((10, 10, 3), np.uint8))
    msg = _error(folder)
    assert msg.startswith(f"{folder}: its 2 images are not all one size (img1.png is 160x120, img2.png is 10x10)")
    assert "merstudio analyze" in msg


def test_image_of_a_different_size_found_only_when_decoded(tmp_path: Path, monkeypatch) -> None:
    """Should a header mislead the size check, the decode still names the odd image."""
    from merstudio.io import frames as frames_mod

    folder = tmp_path / "clip"
    folder.mkdir()
    cv2.imwrite(str(folder / "img1.png"), coded_frame(1))
    cv2.imwrite(str(folder / "img2.png"), np.zeros((10, 10, 3), np.uint8))
    monkeypatch.setattr(frames_mod, "image_size", lambda path: (160, 120))
    assert _error(folder).startswith(f"{folder / 'img2.png'}: image is 10x10")


def test_bad_fps(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), coded_frame(0))
    assert "fps must be a positive number" in _error(tmp_path, fps=0)
