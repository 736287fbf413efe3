"""A checkpoint that cannot be written for a quota or a file-size limit (ulimit -f) said the OS's own words, while a
full disk said "no space left on the device": each of the three now says which."""

from __future__ import annotations

import errno

import pytest

from merstudio.model.checkpoint import os_reason


@pytest.mark.parametrize(("code", "words"), [
    ("ENOSPC", "no space left on the device"),
    ("EDQUOT", "disk quota exceeded"),
    ("EFBIG", "file too large (a size limit)"),
])
def test_no_room_is_named(code, words):
    if not hasattr(errno, code):
        pytest.skip(f"{code} is not an errno on this system")
    assert os_reason(OSError(getattr(errno, code), "x")) == words
