"""`merstudio.errors.no_room`: the one home of "the file system takes no more" (full, over quota, `ulimit -f`), used
by reencode and by the analysis results and batch alike; other write errors are not it."""

from __future__ import annotations

import errno

import pytest

from merstudio.errors import NO_ROOM, no_room


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EFBIG])
def test_a_full_disk_a_quota_and_the_file_size_limit_are_no_room(code: int) -> None:
    assert code in NO_ROOM and no_room(OSError(code, "x"))


@pytest.mark.parametrize("code", [errno.EIO, errno.EACCES, errno.ENOENT, errno.EROFS])
def test_other_write_errors_are_not(code: int) -> None:
    assert not no_room(OSError(code, "x")) and not no_room(ValueError("no errno"))


def test_io_and_analysis_keep_no_copy_of_their_own() -> None:
    import merstudio.analysis.files as files
    import merstudio.io.reencode as reencode

    assert getattr(reencode, "NO_ROOM", NO_ROOM) is NO_ROOM and getattr(files, "NO_ROOM", NO_ROOM) is NO_ROOM
