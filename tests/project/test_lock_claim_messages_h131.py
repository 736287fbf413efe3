"""The one line each writer-side claim of a project's lock says when it is refused (h131 gave the claim one home in
project/lock.py): drop-triggers, create over an open project and save-as each keep their own wording, and a claim
taken for one operation is let go when it ends, refused or not. The lock beside a name is made impossible with a
folder of that name (this suite runs as root, where a read-only folder refuses nothing)."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from merstudio.errors import InputError, OutputError
from merstudio.project import Project, ProjectInUse
from merstudio.project.integrity import drop_triggers
from merstudio.project.lock import lock_path

IS_A_DIR = os.strerror(errno.EISDIR)  # what open() says of the folder in the lock file's place


def _in_use(err: BaseException, p: Path, hint: str) -> None:
    line = str(err)
    # the holder is this very process (its pid, this computer); the time it opened varies
    assert line.startswith(f"{p}: in use by merstudio (pid {os.getpid()} "), line
    assert " on this computer, opened " in line and line.endswith(f"); {hint}") and "\n" not in line, line


def _blocked(p: Path) -> None:
    lock_path(p).mkdir()


def test_drop_triggers_refused_while_open_names_the_holder(tmp_path):
    p = tmp_path / "study.merproj"
    with Project.create(p), pytest.raises(ProjectInUse) as err:
        drop_triggers(p)
    _in_use(err.value, p, "close it there first")


def test_drop_triggers_where_no_lock_can_be_made(tmp_path):
    p = tmp_path / "study.merproj"
    Project.create(p).close()
    _blocked(p)
    with pytest.raises(OutputError) as err:
        drop_triggers(p)
    assert str(err.value) == f"{p}: cannot write beside it ({IS_A_DIR})"


def test_drop_triggers_lets_go_of_its_claim_done_or_refused(tmp_path):
    p = tmp_path / "study.merproj"
    Project.create(p).close()
    assert drop_triggers(p) == []
    assert not lock_path(p).exists()
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)  # another program's SQLite file (no merstudio application id)
    con.execute("CREATE TABLE t(x)")
    con.close()
    with pytest.raises(InputError, match="not a merstudio project"):
        drop_triggers(other)
    assert not lock_path(other).exists()
    with Project.open(p, read_only=False):  # nobody holds it
        pass


def test_create_over_an_open_project_names_the_holder(tmp_path):
    p = tmp_path / "study.merproj"
    with Project.create(p), pytest.raises(ProjectInUse) as err:
        Project.create(p, overwrite=True)
    _in_use(err.value, p, "close it there before replacing it")


def test_create_where_no_lock_can_be_made(tmp_path):
    p = tmp_path / "study.merproj"
    _blocked(p)
    with pytest.raises(OutputError) as err:
        Project.create(p)
    assert str(err.value) == f"{p}: cannot create project ({IS_A_DIR})"
    assert not p.exists()


def test_save_as_onto_an_open_project_names_the_holder(tmp_path):
    d = tmp_path / "copy.merproj"
    with Project.create(tmp_path / "study.merproj") as src, Project.create(d):
        before = d.read_bytes()
        with pytest.raises(ProjectInUse) as err:
            src.save_as(d)
        assert d.read_bytes() == before
    _in_use(err.value, d, "open it read-only, or close it there first")


def test_save_as_where_no_lock_can_be_made_and_its_claim_let_go(tmp_path):
    d = tmp_path / "copy.merproj"
    with Project.create(tmp_path / "study.merproj") as src:
        _blocked(d)
        with pytest.raises(OutputError) as err:
            src.save_as(d)
        assert str(err.value) == f"{d}: cannot save the project there ({IS_A_DIR})"
        assert not d.exists()
        lock_path(d).rmdir()
        assert src.save_as(d) == d
        assert not lock_path(d).exists()  # the claim taken for the copy is let go
    with Project.open(d, read_only=False):
        pass
