"""A kill while a project is being created can leave a 0-byte .merproj (SQLite had made the file, not yet its first
page). The app then refused it ("not a merstudio project (not an SQLite database)") and `project new` said "already
exists". Now an empty file is a project killed before its first write: the writer makes it a new project, and
create() makes it afresh."""

from __future__ import annotations

import pytest

from merstudio.errors import InputError, OutputError
from merstudio.project import Project
from merstudio.project.schema import SCHEMA_VERSION


def test_a_writer_makes_an_empty_file_a_new_project(tmp_path):
    path = tmp_path / "killed.merproj"
    path.touch()
    with Project.open(path) as proj:
        assert not proj.read_only and proj.schema_version == SCHEMA_VERSION and proj.videos() == []
        proj.add_coder("ann")
    with Project.open(path, read_only=True) as ro:  # a project like any other now
        assert ro.coders() == ["ann"]


def test_create_replaces_an_empty_file(tmp_path):
    path = tmp_path / "killed.merproj"
    path.touch()
    with Project.create(path) as proj:
        proj.add_coder("ann")
    with pytest.raises(OutputError, match="already exists"):  # a real project is still never replaced
        Project.create(path)


def test_a_reader_of_an_empty_file_is_told_what_it_is(tmp_path):
    path = tmp_path / "killed.merproj"
    path.touch()
    with pytest.raises(InputError, match=r"an empty project file \(being created, or its creation was cut short\)"):
        Project.open(path, read_only=True)
    assert path.stat().st_size == 0  # a reader changes nothing
    with pytest.raises(InputError, match="not an SQLite database"):  # other files are still refused
        path.write_bytes(b"hello")
        Project.open(path)


def test_a_file_killed_before_its_id_was_set_is_a_new_project(tmp_path):
    """Killed between SQLite's header (journal_mode = WAL) and the application id: no id, no table."""
    import sqlite3

    path = tmp_path / "killed.merproj"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.close()
    assert path.stat().st_size > 0
    with pytest.raises(InputError, match="an empty project file"):
        Project.open(path, read_only=True)
    with Project.open(path) as proj:
        assert proj.schema_version == SCHEMA_VERSION
    other = tmp_path / "other.db"  # another program's database, with tables: still refused
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.close()
    with pytest.raises(InputError, match="an SQLite file of another program"):
        Project.open(other)
