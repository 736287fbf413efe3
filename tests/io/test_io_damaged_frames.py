"""A damaged image inside a frame folder that still decodes in part (a JPEG cut short: OpenCV fills the rest with
grey and says nothing) is reported, never a silent frame (issue 14, item 10)."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest
from io_helpers import coded_frame

from merstudio.errors import InputError
from merstudio.io import open_source


def _folder(tmp_path: Path, n: int = 6) -> Path:
    folder = tmp_path / "EP01_01"
    folder.mkdir()
    for k in range(1, n + 1):
        cv2.imwrite(str(folder / f"img{k}.jpg"), coded_frame(k))
    return folder


def _cut(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_a_jpeg_cut_in_half_is_reported(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _cut(folder / "img3.jpg")
    _cut(folder / "img5.jpg")
    with open_source(folder) as src:
        assert src.unreadable_frames == []
        frames = [i for i, _ in src.iter_frames()]  # the analysis goes on: the frames decode in part
        assert frames == list(range(6))
        assert src.unreadable_frames == [(2, "img3.jpg"), (4, "img5.jpg")]
        lines = [w for w in src.warnings if "damaged" in w]
        assert len(lines) == 1, src.warnings  # one line for all of them, not one per frame
        assert lines[0].startswith(f"{folder}: 2 frame") and "img3.jpg" in lines[0] and "img5.jpg" in lines[0]
        assert "\n" not in lines[0]


def test_random_access_reports_too_and_each_frame_once(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _cut(folder / "img2.jpg")
    with open_source(folder) as src:
        src.frame(1)
        src.frame(1)
        list(src.iter_frames())
        assert src.unreadable_frames == [(1, "img2.jpg")]


def test_whole_jpegs_are_not_reported(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    # data after the end-of-image marker (some cameras append a trailer; padding): still a whole image
    (folder / "img2.jpg").write_bytes((folder / "img2.jpg").read_bytes() + b"\0" * 64)
    (folder / "img4.jpg").write_bytes((folder / "img4.jpg").read_bytes() + b"CAMERA TRAILER" * 40)
    with open_source(folder, fps=30) as src:  # a rate given: no line says it was assumed (h247)
        list(src.iter_frames())
        assert src.unreadable_frames == []
        assert not src.warnings


def test_an_image_that_does_not_decode_at_all_is_a_black_frame_of_the_stream(tmp_path: Path) -> None:
    """Streaming a clip (the analysis), one damaged image costs its frame, not the clip; random access (a
    dataset's onset or apex) still refuses: that very image is needed."""
    folder = _folder(tmp_path)
    (folder / "img3.jpg").write_bytes(b"\xff\xd8\xff garbage, not a jpeg")
    (folder / "img1.jpg").write_bytes(b"not an image either")  # the first: the size comes from img2
    with open_source(folder) as src:
        frames = dict(src.iter_frames())
        assert sorted(frames) == [0, 1, 2, 3, 4, 5] and not frames[2].any() and not frames[0].any()
        assert frames[1].any() and frames[1].shape == frames[2].shape
        assert src.unreadable_frames == [(0, "img1.jpg"), (2, "img3.jpg")]
        assert any("2 frame image(s) could not be read at all" in w and "img1.jpg, img3.jpg" in w
                   for w in src.warnings)
        with pytest.raises(InputError, match=r"img3\.jpg: not a readable image"):
            src.frame(2)
