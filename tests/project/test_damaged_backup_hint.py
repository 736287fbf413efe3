"""A damaged project's message named `<name>.merproj.bak` even when there was none (no save() had written one);
now the backup is named only when it is there."""

from __future__ import annotations

import sqlite3

import pytest

from merstudio.errors import InputError
from merstudio.project import Project


def _damage(path):
    con = sqlite3.connect(path)
    con.execute("DROP TABLE events")
    con.close()


def test_no_backup_is_named_when_there_is_none(tmp_path):
    path = tmp_path / "study.merproj"
    Project.create(path).close()
    _damage(path)
    with pytest.raises(InputError, match="damaged") as err:
        Project.open(path)
    assert ".bak" not in str(err.value)


def test_the_backup_is_named_when_there_is_one(tmp_path):
    path = tmp_path / "study.merproj"
    with Project.create(path) as proj:
        proj.save()
    _damage(path)
    with pytest.raises(InputError, match=r"project file is damaged \(table events missing\); try study.merproj.bak$"):
        Project.open(path)
