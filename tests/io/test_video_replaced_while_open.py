"""A video replaced on disk while a VideoSource has it open (a 72-frame 30 fps clip by a 36-frame 15 fps one of the
same name, moved over it or copied into it): the source reopened the file by its path (a rewind, a seek starting
over, iter_frames' own decoder) and gave the new file's pictures under the old numbering, with no warning, or "frame
32 cannot be decoded (file truncated or damaged?)". Now every read that is not a frame already decoded checks the
file is still the one opened (device, inode, size, modification time) and refuses in one line. The frames carry
their number as a barcode: the old file's are 0..71, the new file's 2000..2035."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import cv2
import pytest
from io_helpers import H, W, coded_frame, read_code

from merstudio.errors import InputError
from merstudio.io.frames import VideoSource

LINE = r"^clip\.mp4 changed on disk while open: reopen it \(the results are the old file's\)$"


def _write(path: Path, n: int, fps: float, first: int) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (W, H))
    assert writer.isOpened()
    for i in range(n):
        writer.write(coded_frame(first + i))
    writer.release()
    return path


@pytest.fixture
def clips(tmp_path: Path) -> tuple[Path, Path]:
    return _write(tmp_path / "clip.mp4", 72, 30.0, 0), _write(tmp_path / "other.mp4", 36, 15.0, 2000)


def _replace(old: Path, new: Path, how: str) -> None:
    if how == "mv":  # a new file under the name (mv, editors, sync tools): the source's descriptor keeps the old one
        os.replace(shutil.copyfile(new, old.with_name("tmp.mp4")), old)
    else:  # written into (cp): the descriptor held reads the new data
        shutil.copyfile(new, old)


@pytest.mark.parametrize("how", ["mv", "cp"])
def test_no_picture_of_the_new_file_under_the_old_numbering(clips: tuple[Path, Path], how: str) -> None:
    old, new = clips
    src = VideoSource(old)
    assert src.frame_count == 72 and read_code(src.frame(10)) == 10
    _replace(old, new, how)
    # a pass opens a decoder of its own: by the path (before: the new file's frame 0, barcode 2000, as frame 0)
    reads = {"a pass from 0": lambda: next(iter(src.iter_frames()))[1],
             "a pass from 40": lambda: next(iter(src.iter_frames(40, 60)))[1],
             "frame 50 (ahead)": lambda: src.frame(50), "frame 5 (back)": lambda: src.frame(5)}
    for what, read in reads.items():
        try:
            img = read()
        except InputError as exc:
            assert str(exc).startswith("clip.mp4 changed on disk while open"), (what, str(exc))
            continue
        pytest.fail(f"{what}: a picture was given after the file changed (barcode {read_code(img)})")
    with pytest.raises(InputError, match=LINE):
        src.frame(71)
    assert read_code(src.frame(10)) == 10  # decoded before, from the file opened: still shown
    assert src.file_changed  # what the app asks to say so before a read fails
    src.close()
    fresh = VideoSource(old)  # opened again: the new file, numbered as its own
    assert fresh.frame_count == 36 and read_code(fresh.frame(20)) == 2020
    fresh.close()


def test_a_file_gone_while_open_is_said_so(clips: tuple[Path, Path]) -> None:
    old, _ = clips
    src = VideoSource(old)
    old.rename(old.with_name("moved.mp4"))
    with pytest.raises(InputError, match=r"clip\.mp4: no longer there \(moved or deleted while open\)$"):
        list(src.iter_frames())
    assert not src.file_changed  # nothing else is there: not another file
    src.close()


def test_the_same_file_reads_on(clips: tuple[Path, Path]) -> None:
    old, _ = clips
    src = VideoSource(old)
    assert [read_code(src.frame(i)) for i in (50, 5, 71, 0)] == [50, 5, 71, 0]
    assert [read_code(img) for _, img in src.iter_frames(60, 64)] == [60, 61, 62, 63]
    src.close()


def test_a_touch_is_no_change(clips: tuple[Path, Path]) -> None:
    """Only the modification time moved (`touch`, a backup tool restoring times): the same bytes, read on; every
    seek said "changed on disk" before."""
    old, _ = clips
    src = VideoSource(old)
    st = os.stat(old)
    os.utime(old, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert not src.file_changed
    assert [read_code(src.frame(i)) for i in (50, 5)] == [50, 5]
    src.close()


def test_the_same_size_copied_in_is_a_change(clips: tuple[Path, Path], tmp_path: Path) -> None:
    """Another video of the very same size written into the file (cp): size and inode as before, only the time
    and the bytes differ."""
    old, _ = clips
    other = _write(tmp_path / "same_size.mp4", 72, 30.0, 1000)
    data = other.read_bytes()
    size = old.stat().st_size
    data = data[:size] if len(data) >= size else data + b"\0" * (size - len(data))
    src = VideoSource(old)
    st = os.stat(old)
    with open(old, "r+b") as fh:  # into the same inode, as cp does
        fh.write(data)
    os.utime(old, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert os.stat(old).st_size == size and src.file_changed
    with pytest.raises(InputError, match=LINE):
        src.frame(60)
    src.close()
