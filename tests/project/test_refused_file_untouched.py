"""Opening a file that is not a project is refused and leaves it as it was, byte for byte, with nothing beside it: the
writer's connection was switched to WAL before the application id was checked, so another program's SQLite database
came back from the refusal in WAL mode (header bytes 18-19 from 01 01 to 02 02)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from merstudio.errors import InputError
from merstudio.project import Project


def _digest(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("read_only", [None, True])
def test_another_programs_database_is_refused_untouched(tmp_path: Path, read_only: bool | None) -> None:
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    con.close()
    before = _digest(other)
    assert other.read_bytes()[18:20] == b"\x01\x01"  # a rollback-journal database, as SQLite makes one
    with pytest.raises(InputError, match="an SQLite file of another program"):
        Project.open(other, read_only=read_only)
    assert _digest(other) == before
    assert sorted(q.name for q in tmp_path.iterdir()) == ["other.sqlite"]


@pytest.mark.parametrize("data", [b"hello", b"hello, I am not a database" * 100], ids=["short", "long"])
def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "notes.merproj"
    path.write_bytes(data)
    for read_only in (None, True):
        with pytest.raises(InputError, match=r"not a merstudio project \(not an SQLite database\)$"):
            Project.open(path, read_only=read_only)
    assert path.read_bytes() == data
    assert sorted(q.name for q in tmp_path.iterdir()) == ["notes.merproj"]
