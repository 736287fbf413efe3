"""FrameSource as a notebook uses it: frame('5'), frame(True) and frame(2.5) are caller bugs (TypeError; they served
frames 5, 1 and 2), a whole number of any kind (numpy's, 3.0) is that frame; and a closed source serves no frames
(ValueError, as a closed file's read), where it used to reopen its decoder. Frames carry their number as a barcode,
so which frame came back is read off the picture, not from the source."""

from __future__ import annotations

import numpy as np
import pytest
from support.barcodes import read_code
from support.clips import grey_image
from support.damaged_clips import coded_frame, write_h264

from merstudio.io import open_source


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_h264(tmp_path_factory.mktemp("clip") / "coded.mp4", 12, coded_frame)


@pytest.fixture
def folder(tmp_path):
    for i in range(3):
        grey_image(tmp_path / "frames" / f"img{i}.png")
    return tmp_path / "frames"


def test_whole_numbers_of_any_kind_give_that_frame(clip):
    with open_source(clip) as src:
        got = [read_code(src.frame(i)) for i in (5, np.int64(7), np.uint8(2), 3.0, np.float32(9.0))]
    assert got == [5, 7, 2, 3, 9]


@pytest.mark.parametrize("index", ["5", True, False, 2.5, float("nan"), None, [1]])
def test_an_index_that_is_no_whole_number_is_a_type_error(clip, index):
    with open_source(clip) as src:
        with pytest.raises(TypeError, match=r"a frame index must be a whole number, got"):
            src.frame(index)


@pytest.mark.parametrize(("start", "stop"), [(2.5, 4), (2, 4.5), ("2", 4), (True, 4)])
def test_a_range_that_is_no_whole_number_is_a_type_error(clip, start, stop):
    with open_source(clip) as src:  # iter_frames(2.5, 4) read frames 2 and 3
        with pytest.raises(TypeError, match=r"a frame index must be a whole number, got"):
            list(src.iter_frames(start, stop))


def test_a_whole_range_of_any_kind_gives_those_frames(clip):
    with open_source(clip) as src:
        got = [read_code(img) for _i, img in src.iter_frames(np.int64(2), 4.0)]
    assert got == [2, 3]


def test_out_of_range_is_still_an_index_error(clip):
    with open_source(clip) as src:
        for i in (-1, 12, 12.0):
            with pytest.raises(IndexError, match=r"out of range \(0\.\.11\)"):
                src.frame(i)


@pytest.mark.parametrize("kind", ["video", "folder"])
def test_a_closed_source_serves_no_frames(clip, folder, kind):
    src = open_source(clip if kind == "video" else folder)
    n = src.frame_count
    src.frame(1)
    src.close()
    said = f"the source of {src.path} is closed"
    with pytest.raises(ValueError, match=said):
        src.frame(1)  # cached before: not served either
    with pytest.raises(ValueError, match=said):
        src.frame(2)
    with pytest.raises(ValueError, match=said):
        next(src.iter_frames())
    with pytest.raises(ValueError, match=said):
        list(src.iter_frames(1, 2))
    # what it is stays readable, as a closed file's name does
    assert (src.frame_count, len(src.timestamps)) == (n, n) and src.timestamp(n - 1) == src.timestamps[-1]
    src.close()  # twice: no error


def test_a_with_block_closes_it(clip):
    with open_source(clip) as src:
        assert read_code(src.frame(4)) == 4
    with pytest.raises(ValueError, match="is closed"):
        src.frame(4)
