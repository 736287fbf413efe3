"""A killed export left `.NAME.<token>.part` beside its target, removed only when the same name was written again
(an export to another name never). Now any write in the folder removes such temporaries of other names once they
are a day old and no writer holds them; a young one, a held one and a look-alike of another shape stay."""

from __future__ import annotations

import os
import time

import pytest

from merstudio.atomic import _new_temp, write_text_atomic

TWO_DAYS = 2 * 24 * 3600.0

pytestmark = pytest.mark.skipif(os.name != "posix", reason="dead temporaries are told by their OS lock (POSIX)")


def _aged(p, seconds: float):
    t = time.time() - seconds
    os.utime(p, (t, t))
    return p


def test_a_write_removes_old_abandoned_temporaries_of_other_names(tmp_path):
    old = tmp_path / ".events_old.csv.0123abcd.part"
    old.write_text("half")
    _aged(old, TWO_DAYS)
    young = tmp_path / ".events_new.csv.89abcdef.part"
    young.write_text("half")  # may be a writer that just started (on a file system without locks)
    other = tmp_path / ".download.part"  # another program's
    other.write_text("x")
    _aged(other, TWO_DAYS)
    held, fd = _new_temp(tmp_path / "live.csv")  # a live writer's: locked
    try:
        _aged(held, TWO_DAYS)
        write_text_atomic(tmp_path / "summary.txt", "done")
        assert not old.exists(), "an abandoned temporary of another export stayed"
        assert young.exists() and other.exists() and held.exists()
    finally:
        if fd is not None:
            os.close(fd)
    assert (tmp_path / "summary.txt").read_text() == "done"
