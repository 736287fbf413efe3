"""The folder of locks by inode (merstudio-locks-<uid>, for a project file with hard links) follows the one rule
for this user's private folders, merstudio.private_dirs (h294), as URL staging does: a link planted under its
name is not followed (the lock was written wherever it pointed) and a folder of ours left open to others is closed
to 0700 (it stayed open)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from support.staging import own_tmpdir

from merstudio.project import Project
from merstudio.project.lock import linked_lock_path

pytestmark = pytest.mark.skipif(sys.platform == "win32" or not hasattr(os, "link"),
                                reason="hard and symbolic links, POSIX modes")


def _hard_linked(tmp_path: Path) -> Path:
    real = tmp_path / "study.merproj"
    Project.create(real).close()
    os.link(real, tmp_path / "other.merproj")
    return real


def test_an_open_lock_folder_of_ours_is_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_tmpdir(tmp_path, monkeypatch)
    real = _hard_linked(tmp_path)
    linked = linked_lock_path(real)
    assert linked is not None
    linked.parent.mkdir(mode=0o777)
    linked.parent.chmod(0o777)
    with Project.open(real) as proj:
        assert not proj.read_only and linked.exists()
        assert stat.S_IMODE(linked.parent.stat().st_mode) == 0o700


def test_a_link_planted_as_the_lock_folder_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_tmpdir(tmp_path, monkeypatch)
    real = _hard_linked(tmp_path)
    linked = linked_lock_path(real)
    assert linked is not None
    elsewhere = tmp_path / "theirs"
    elsewhere.mkdir()
    linked.parent.symlink_to(elsewhere)
    with Project.open(real) as proj:
        assert not proj.read_only  # the lock beside the name is all there is, as for a folder that cannot be made
        assert not any(elsewhere.iterdir())
