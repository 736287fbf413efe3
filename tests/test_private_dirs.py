"""merstudio.private_dirs: the one rule for this user's own folder under a guessable name in a shared TMPDIR
(h294: URL staging and the project locks by inode both use it)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from merstudio.private_dirs import NotPrivate, own_private_folder

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and owners")


def test_made_private_and_found_again(tmp_path: Path) -> None:
    folder = own_private_folder(tmp_path / "mine")
    assert folder == tmp_path / "mine" and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert own_private_folder(folder) == folder


def test_ours_but_open_is_closed(tmp_path: Path) -> None:
    (tmp_path / "open").mkdir()
    (tmp_path / "open").chmod(0o755)
    assert stat.S_IMODE(own_private_folder(tmp_path / "open").stat().st_mode) == 0o700


def test_a_link_a_file_or_another_users_folder_is_not_private(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "theirs").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "theirs")
    with pytest.raises(NotPrivate):
        own_private_folder(tmp_path / "link")
    me = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: me + 1)  # no chown without root: the folder becomes someone else's
    with pytest.raises(NotPrivate):
        own_private_folder(tmp_path / "theirs")


def test_one_that_cannot_be_made_is_an_os_error_not_not_private(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(OSError) as caught:
        own_private_folder(tmp_path / "a-file" / "below")
    assert not isinstance(caught.value, NotPrivate)
