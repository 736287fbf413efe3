"""Re-encoding never leaves half a file: Ctrl-C or an error mid-way removes what was written, a cancel with
overwrite keeps the old output, and the input itself is never the output."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.errors import OutputError
from merstudio.io.reencode import reencode


def test_interrupt_removes_the_partial_file(make_video, tmp_path: Path) -> None:
    src = make_video("mjpg.avi", "MJPG")
    out = tmp_path / "out" / "copy.avi"
    out.parent.mkdir()

    def progress(done: int, total: int) -> None:
        if done == 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reencode(src, out, progress=progress)
    assert list(out.parent.iterdir()) == []  # neither the output nor a temporary


def test_cancel_with_overwrite_keeps_the_old_output(make_video, tmp_path: Path) -> None:
    src = make_video("mjpg.avi", "MJPG")
    out = tmp_path / "copy.mp4"
    out.write_bytes(b"the earlier copy")
    done: list[int] = []
    res = reencode(src, out, overwrite=True, progress=lambda d, t: done.append(d), cancel=lambda: len(done) >= 10)
    assert not res.complete
    assert out.read_bytes() == b"the earlier copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.mp4"]
    res = reencode(src, out, overwrite=True)  # finished: replaces it
    assert res.complete and res.frames == 240 and out.stat().st_size > 1000


def test_input_is_never_the_output(make_video, tmp_path: Path) -> None:
    src = tmp_path / "clip.avi"
    src.write_bytes(make_video("mjpg.avi", "MJPG").read_bytes())
    size = src.stat().st_size
    with pytest.raises(OutputError, match="is the input"):
        reencode(src, tmp_path / "." / "clip.avi", overwrite=True)
    assert src.stat().st_size == size
