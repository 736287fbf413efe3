"""A project whose name is legal but long (246 bytes: `<242-byte video name>.merproj`) saves with its backup.

Every save of such a project failed with "….merproj.bak: cannot write (File name too long)": the backup's hidden
temporary (`.<name>.bak.<token>.part`) was 261 bytes. The backup's own name (`<name>.bak`, +4 bytes) fits whenever
the project can be made at all: SQLite's `<name>-journal` (+8) and the lock `<name>.lock` (+5) are longer."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from merstudio.project import Project


def test_a_246_byte_project_saves_its_backup(tmp_path: Path) -> None:
    path = tmp_path / ("P" * 238 + ".merproj")
    assert len(path.name.encode()) == 246 and os.pathconf(tmp_path, "PC_NAME_MAX") == 255
    with Project.create(path) as proj:
        proj.set_setting("note", "kept")
        bak = proj.save()
        assert proj.read_only_reason == ""
    assert bak == tmp_path / (path.name + ".bak") and bak.is_file()
    con = sqlite3.connect(bak)
    try:
        assert con.execute("SELECT value FROM settings WHERE key = 'note'").fetchone() is not None
    finally:
        con.close()
    # nothing else is left beside it: no temporary, and the lock went with the close
    assert sorted(os.listdir(tmp_path)) == sorted([path.name, bak.name])


def test_a_multibyte_long_project_saves_its_backup(tmp_path: Path) -> None:
    path = tmp_path / ("受" * 78 + "_0007.merproj")  # 247 bytes, 91 characters
    assert len(path.name.encode()) == 247
    with Project.create(path) as proj:
        bak = proj.save()
    assert bak is not None and bak.is_file() and bak.name == path.name + ".bak"
