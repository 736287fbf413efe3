"""The folder of an open project renamed (a file manager's rename): the lock file moved with it, and it is the
writer's own lock, so the project follows the move as when only the file is renamed; a save never makes a vanished
folder again (a backup there would be a project without its videos)."""

from __future__ import annotations

import os
import sqlite3
import sys

import pytest
from support.other_writer import open_elsewhere

from merstudio.errors import OutputError
from merstudio.project import Project, ProjectInUse
from merstudio.project.lock import lock_path

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd is Linux's")


def test_a_renamed_folder_is_followed_with_its_lock(tmp_path):
    study = tmp_path / "study"
    study.mkdir()
    proj = Project.create(study / "study.merproj")
    proj.add_coder("before")
    study.rename(tmp_path / "study_2026")
    new = tmp_path / "study_2026" / "study.merproj"
    assert proj.follow_move() == new  # was None: its own lock, moved with the folder, read as another writer's
    assert proj.move_refused is None and proj.path == new
    out = open_elsewhere(new, in_use="raise")
    assert out.stdout.strip() == "in use", out.stdout + out.stderr  # still the one writer
    with pytest.raises(ProjectInUse):
        Project.open(new, in_use="raise")
    proj.add_coder("after")
    bak = proj.save()
    assert bak == new.with_name("study.merproj.bak") and bak.is_file()
    assert not study.exists()  # the old folder was made again for the backup
    proj.close()
    assert sorted(os.listdir(new.parent)) == ["study.merproj", "study.merproj.bak"]  # no lock, -wal or -shm left
    with Project.open(new) as again:
        assert not again.read_only and {"before", "after"} <= set(again.coders())
    # the old name is free in this process again (its claim took the new name)
    study.mkdir()
    Project.create(study / "study.merproj").close()
    assert not lock_path(study / "study.merproj").exists()


def test_a_save_does_not_make_a_vanished_folder_again(tmp_path):
    study = tmp_path / "study"
    study.mkdir()
    proj = Project.create(study / "study.merproj")
    proj.add_coder("ann")
    for name in os.listdir(study):  # the folder deleted while open
        os.unlink(study / name)
    study.rmdir()
    assert proj.follow_move() is None and proj.lost()
    with pytest.raises(OutputError, match="its folder .* is gone"):
        proj.save()
    assert not study.exists()
    study.mkdir()  # the user makes it again: the backup holds the session's work
    bak = proj.save()
    assert bak is not None
    con = sqlite3.connect(bak)
    try:
        assert ("ann",) in con.execute("SELECT name FROM coders").fetchall()
    finally:
        con.close()
    proj.close()
