"""The write lock follows a project moved while open (follow_move): a second opener of the new name finds it taken
and opens read-only, so no two writers add to the file through journals of their own (one would lose its edits);
where another writer opened the new name first, the move is not followed and ``move_refused`` says who."""

from __future__ import annotations

import sys

import pytest
from support.other_writer import held_elsewhere, open_elsewhere

from merstudio.project import Project, ProjectInUse
from merstudio.project.lock import lock_path

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd is Linux's")


def test_the_lock_follows_the_move(tmp_path):
    old, new = tmp_path / "a.merproj", tmp_path / "b.merproj"
    proj = Project.create(old)
    proj.add_coder("before")
    old.rename(new)
    assert proj.follow_move() == new
    assert lock_path(new).is_file() and not lock_path(old).exists()
    # another process opening the new name for writing: refused, since this one writes
    out = open_elsewhere(new, in_use="raise")
    assert out.stdout.strip() == "in use", out.stdout + out.stderr
    with pytest.raises(ProjectInUse):  # in this process too
        Project.open(new, in_use="raise")
    proj.add_coder("after")
    proj.heartbeat()
    proj.close()
    assert not lock_path(new).exists()
    with Project.open(new) as again:
        assert not again.read_only
        assert {"before", "after"} <= set(again.coders())


def test_a_move_onto_a_name_another_writer_holds_is_not_followed(tmp_path):
    old, new = tmp_path / "a.merproj", tmp_path / "b.merproj"
    proj = Project.create(old)
    proj.save(backup=False)  # a whole database in the file, for the other writer to open
    old.rename(new)
    with held_elsewhere(new) as other:  # opened by the new name before this one looked
        assert other.stdout is not None and other.stdout.readline().strip() == "writer"
        assert proj.follow_move() is None and proj.path == old
        assert isinstance(proj.move_refused, ProjectInUse) and proj.move_refused.project == new
    assert proj.follow_move() == new and proj.move_refused is None  # once it let go
    proj.close()
    assert not lock_path(new).exists() and not lock_path(old).exists()
