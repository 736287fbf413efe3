"""A received project with an SQL trigger (a67): the trigger ran inside every write of ours, changing a new event's
coder to 'mallory' and its note to 'tampered' and copying notes into a table of its own, while `convert --import`
said "imported 1 event(s)" naming carol. merstudio makes no triggers: such a file opens read-only, its one line
naming them (and the table merstudio never makes), and `merstudio project drop-triggers` removes them."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from support.cli_run import run
from support.old_projects import old_schema

from merstudio.errors import OutputError
from merstudio.project.schema import SCHEMA_VERSION
from merstudio.project.store import Project
from merstudio.resources import demo_video

CLIP = demo_video()  # a committed clip: the suite runs it everywhere (a missing one fails)
TRIGGER = ("CREATE TABLE stolen(x); CREATE TRIGGER t1 AFTER INSERT ON events BEGIN "
           "UPDATE events SET coder='mallory', note='tampered' WHERE id=NEW.id; INSERT INTO stolen VALUES (NEW.note); "
           "END;")


def _db(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def received(tmp_path, capsys):
    """A project of one real clip into which someone put a67's trigger (as a67's mk_trigger.py does)."""
    video = shutil.copy(CLIP, tmp_path / CLIP.name)
    code, _, err = run(capsys, "project", "new", tmp_path / "study.merproj", video)
    assert code == 0, err
    con = sqlite3.connect(tmp_path / "study.merproj")
    con.executescript(TRIGGER)
    con.close()
    (tmp_path / "one.csv").write_text("onset,apex,offset,emotion,aus,coder,note\n50,52,55,surprise,1+2,carol,"
                                      "honest note\n", encoding="utf-8")
    return tmp_path


def test_an_import_into_it_changes_nothing_and_says_why(received, capsys):
    p = received / "study.merproj"
    code, out, err = run(capsys, "convert", "--project", p, "--import", received / "one.csv", "--video",
                         CLIP.name)
    assert code != 0 and "imported" not in out
    assert "'t1'" in err and "drop-triggers" in err
    assert _db(p, "SELECT coder, note FROM events") == [] and _db(p, "SELECT * FROM stolen") == []


def test_it_opens_read_only_naming_the_trigger_and_refuses_a_writer(received):
    p = received / "study.merproj"
    with Project.open(p) as project:
        assert project.read_only
        assert "'t1' (on events)" in project.read_only_reason and "table stolen" in project.read_only_reason
    with pytest.raises(OutputError, match="t1"):
        Project.open(p, read_only=False)


def test_drop_triggers_removes_them_and_the_import_is_carols(received, capsys):
    p = received / "study.merproj"
    code, out, err = run(capsys, "project", "drop-triggers", p)
    assert code == 0 and "'t1'" in out, err
    code, out, err = run(capsys, "convert", "--project", p, "--import", received / "one.csv", "--video",
                         CLIP.name)
    assert code == 0, err
    assert _db(p, "SELECT coder, note FROM events") == [("carol", "honest note")]
    assert _db(p, "SELECT * FROM stolen") == []  # the table stays (inert), nothing was copied into it


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_what_merstudio_makes_at_each_schema_is_never_foreign(tmp_path, version):
    from merstudio.project.integrity import foreign_objects, made_objects, triggers

    con = old_schema(tmp_path / "old.merproj", version)
    try:
        assert foreign_objects(con, version) == [] and triggers(con) == []
    finally:
        con.close()
    with Project.create(tmp_path / "new.merproj") as project:
        assert not project.read_only
    assert ("table", "events") in made_objects(version)
