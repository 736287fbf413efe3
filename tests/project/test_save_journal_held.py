"""What a copy of the .merproj made while it is open holds: the journal (``-wal``) is folded into the file by
``fold_journal`` (the app, every few seconds) and by ``save()``; a reader in the middle of a transaction keeps
part of it in the journal, and save() then says so, naming the reader, instead of saying nothing. The expected
counts are read from copies of the file alone, by SQLite, as a colleague's copy would be."""

from __future__ import annotations

import shutil
import sqlite3
import sys

import pytest
from support.other_writer import reading_elsewhere

from merstudio.project import Project


def coders_in_copy(project, tmp_path, name):
    """The coders a copy of the project file alone holds (no -wal beside it)."""
    copy = tmp_path / "share" / name
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(project, copy)
    con = sqlite3.connect(copy)
    try:
        return {r[0] for r in con.execute("SELECT name FROM coders")}
    finally:
        con.close()


def test_the_journal_is_folded_in_without_a_save(tmp_path):
    path = tmp_path / "study.merproj"
    proj = Project.create(path)
    proj.save(backup=False)
    proj.add_coder("ann")
    assert "ann" not in coders_in_copy(path, tmp_path, "before.merproj")  # in the journal only
    assert proj.fold_journal()
    assert "ann" in coders_in_copy(path, tmp_path, "after.merproj")
    assert proj.fold_journal()  # nothing new: nothing to do
    proj.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="readers are named from /proc/locks")
def test_a_save_a_reader_holds_back_says_so(tmp_path):
    path = tmp_path / "study.merproj"
    proj = Project.create(path, busy_timeout=0.1)
    proj.add_coder("ann")
    proj.save(backup=False)
    assert proj.unsaved_note == ""
    with reading_elsewhere(path, "coders") as reader:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        proj.add_coder("bob")
        bak = proj.save()
        note = proj.unsaved_note
        assert "not yet in study.merproj" in note and f"pid {reader.pid}" in note, note
        assert "bob" not in coders_in_copy(path, tmp_path, "held.merproj")  # what the note says
        assert bak is not None
        con = sqlite3.connect(bak)
        try:
            assert ("bob",) in con.execute("SELECT name FROM coders").fetchall()  # the backup has it all
        finally:
            con.close()
        assert not proj.fold_journal()  # the reader still holds it
    proj.save(backup=False)
    assert proj.unsaved_note == ""
    assert {"ann", "bob"} <= coders_in_copy(path, tmp_path, "saved.merproj")
    proj.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="readers are seen in /proc/locks")
def test_a_reader_never_leaves_the_file_half_folded(tmp_path):
    """SQLite's checkpoint stopped by a reader writes the pages the reader does not need and skips the others: the
    file alone is then no database (a copy of it: "database disk image is malformed"). None is started then."""
    path = tmp_path / "study.merproj"
    proj = Project.create(path, busy_timeout=0.1)  # its tables in the journal only
    proj.add_coder("ann")
    with reading_elsewhere(path, "coders") as reader:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        proj.add_coder("bob")  # the coders' page again, after the reader's snapshot
        proj.fold_journal()
        proj.save(backup=False)
        copy = tmp_path / "copy.merproj"
        shutil.copyfile(path, copy)
        con = sqlite3.connect(copy)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # was: malformed
        finally:
            con.close()
    proj.save(backup=False)
    assert {"ann", "bob"} <= coders_in_copy(path, tmp_path, "saved.merproj")
    proj.close()
