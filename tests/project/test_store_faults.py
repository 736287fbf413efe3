"""Faults around the project store (issue 14, items 5, 6, 9, 11): failed writes roll back and leave a usable
connection, a second opener gets the project read-only (or a clear refusal), a lock held elsewhere fails fast with
a message, a file without its tables is refused in one line, a read-only location opens read-only, and what a
killed save leaves behind is removed on the next open."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
from support.messages import one_line
from support.procs import kill_and_reap
from support.readonly import read_only_location

from merstudio.errors import InputError, MerstudioError, OutputError
from merstudio.project import Event, Project, ProjectInUse


# ------------------------------------------------------------------------------------------------ failed writes
def test_disk_full_rolls_back_and_the_connection_stays_usable(project):
    vid = project.videos()[0].id
    before = project.events()
    n_hist = len(project.event_history())
    pages = project._query("PRAGMA page_count")[0][0]
    project._query(f"PRAGMA max_page_count = {pages}")  # SQLite's own SQLITE_FULL: the file may not grow
    with pytest.raises(OutputError) as err:
        project.add_event(Event(vid, 1, 2, 3, note="x" * 50_000, coder="ann"))  # needs new pages
    assert "full" in one_line(err.value)
    assert project.events() == before and len(project.event_history()) == n_hist
    assert not project._con.in_transaction
    project._query("PRAGMA max_page_count = 1073741823")
    added = project.add_event(Event(vid, 1, 2, 3, coder="ann"))  # the next edit works
    assert project.event(added.id) == added


def test_os_error_inside_an_edit_rolls_back_the_whole_edit(project, monkeypatch):
    vid = project.videos()[0].id
    before = project.events()

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project, "_log", full)  # after the INSERT, inside the same transaction
    with pytest.raises(OutputError) as err:
        project.add_event(Event(vid, 1, 2, 3, coder="ann"))
    assert "No space left" in one_line(err.value)
    assert project.events() == before and not project._con.in_transaction


def test_failed_commit_leaves_no_open_transaction(project, monkeypatch):
    vid = project.videos()[0].id
    real = project._con

    class FailingCommit:
        def __getattr__(self, name):
            return getattr(real, name)

        def execute(self, sql, *args):
            if sql == "COMMIT":
                raise sqlite3.OperationalError("disk I/O error")
            return real.execute(sql, *args)

    monkeypatch.setattr(project, "_con", FailingCommit())
    with pytest.raises(OutputError, match="disk I/O error"):
        project.add_event(Event(vid, 1, 2, 3, coder="ann"))
    assert not real.in_transaction
    monkeypatch.setattr(project, "_con", real)
    assert len(project.events()) == 3
    project.add_event(Event(vid, 1, 2, 3, coder="ann"))
    assert len(project.events()) == 4


def test_add_events_registers_coders_in_the_same_transaction(project, monkeypatch):
    vid = project.videos()[0].id
    monkeypatch.setattr(project, "_log", lambda *a, **k: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(OutputError):
        project.add_events([Event(vid, 1, 2, 3, coder="zed")], coders=["zed"])
    assert "zed" not in project.coders()
    monkeypatch.undo()
    project.add_events([Event(vid, 1, 2, 3, coder="zed")], coders=["zed"])
    assert "zed" in project.coders()


# ------------------------------------------------------------------------------------------------ second opener
def test_second_opener_in_this_process_gets_it_read_only(project):
    path = project.path
    assert not project.read_only
    with pytest.raises(ProjectInUse) as err:
        Project.open(path, in_use="raise")
    msg = one_line(err.value)
    assert str(os.getpid()) in msg and path.name in msg
    assert err.value.owner is not None and err.value.owner.pid == os.getpid()
    assert err.value.owner.host == socket.gethostname()

    with Project.open(path) as second:  # default: read-only, and says why
        assert second.read_only and "in use" in second.read_only_reason
        assert len(second.events()) == 3  # reads work
        with pytest.raises(OutputError, match="read-only"):
            second.add_event(Event(project.videos()[0].id, 1, 2, 3, coder="bob"))
        with pytest.raises(OutputError, match="read-only"):
            second.save()
        # the writer's later edits are visible to the reader, which never overwrites them
        project.add_event(Event(project.videos()[0].id, 4, 5, 6, coder="ann"))
        assert len(second.events()) == 4
    with pytest.raises(ProjectInUse):
        Project.open(path, read_only=False)
    with pytest.raises(ProjectInUse):  # not even replaced by a new project of the same name
        Project.create(path, overwrite=True)
    project.close()
    with Project.open(path, in_use="raise") as again:  # the claim ends with the first opener
        assert not again.read_only
        again.add_event(Event(again.videos()[0].id, 7, 8, 9, coder="ann"))


def test_lock_file_names_the_owner_and_goes_with_it(project):
    lock = project.path.with_name(project.path.name + ".lock")
    assert lock.is_file()
    import json

    info = json.loads(lock.read_text())
    assert info["pid"] == os.getpid() and info["host"] == socket.gethostname() and info["heartbeat"] > 0
    old = info["heartbeat"]
    time.sleep(0.01)
    project.heartbeat()
    assert json.loads(lock.read_text())["heartbeat"] > old
    project.close()
    assert not lock.exists()


HOLDER = textwrap.dedent("""
    import sys
    from merstudio.project import Project
    p = Project.open(sys.argv[1])
    print("writable" if not p.read_only else "read-only", flush=True)
    sys.stdin.readline()
""")


def test_second_process_is_told_who_has_it_and_a_killed_owner_frees_it(project):
    path = project.path
    project.close()
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writable"
        with pytest.raises(ProjectInUse) as err:
            Project.open(path, in_use="raise")
        assert f"pid {proc.pid}" in one_line(err.value)
        with Project.open(path) as reader:
            assert reader.read_only and len(reader.events()) == 3
        os.kill(proc.pid, signal.SIGKILL)  # no clean close: the OS lock goes with the process
        proc.wait()
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stdin.close()
    with Project.open(path, in_use="raise") as p:
        assert not p.read_only and p.integrity_check() == "ok"


def test_a_write_lock_held_elsewhere_fails_fast_with_a_message(project):
    other = sqlite3.connect(project.path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        project.set_busy_timeout(0.2)
        assert project.busy_timeout == pytest.approx(0.2)
        with pytest.raises(OutputError) as err:
            project.add_event(Event(project.videos()[0].id, 1, 2, 3, coder="ann"))
        assert "locked" in one_line(err.value)
        assert not project._con.in_transaction
    finally:
        other.execute("ROLLBACK")
        other.close()
    project.add_event(Event(project.videos()[0].id, 1, 2, 3, coder="ann"))


def test_default_busy_timeout_is_short(project):
    assert project.busy_timeout <= 5


# ------------------------------------------------------------------------------------------------ damaged schema
def test_missing_events_table_is_refused_in_one_line(project):
    path = project.path
    project._con.execute("DROP TABLE events")
    project.close()
    with pytest.raises(InputError) as err:
        Project.open(path)
    msg = one_line(err.value)
    assert "events" in msg and path.name in msg
    assert not path.with_name(path.name + ".lock").exists()  # a refused open leaves nothing behind


def test_missing_column_is_refused(project):
    path = project.path
    project._con.execute("ALTER TABLE videos DROP COLUMN relpath")
    project.close()
    with pytest.raises(InputError, match="relpath"):
        Project.open(path)


def test_cli_commands_say_one_line_for_a_project_without_events(project, capsys, tmp_path):
    from merstudio.cli.main import main

    path = project.path
    project._con.execute("DROP TABLE events")
    project.close()
    for argv in (["agreement", str(path)], ["convert", "--project", str(path), "--export", str(tmp_path / "e.csv")]):
        rc = main(argv)
        err = capsys.readouterr().err
        assert rc != 0 and "Traceback" not in err and "events" in err, (argv, err)
        assert len(err.strip().splitlines()) == 1, err


# ------------------------------------------------------------------------------------------------ read-only location
def test_valid_project_in_a_read_only_location_opens_read_only(project, tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    project.save(backup=False)
    project.close()
    path = folder / "study.merproj"
    path.write_bytes(project.path.read_bytes())
    with read_only_location(folder):
        with Project.open(path) as p:
            assert p.read_only and "read-only" in p.read_only_reason
            assert len(p.events()) == 3 and p.integrity_check() == "ok"
            with pytest.raises(OutputError, match="read-only"):
                p.add_event(Event(p.videos()[0].id, 1, 2, 3, coder="ann"))
        with pytest.raises(MerstudioError) as err:
            Project.open(path, read_only=False)
        assert "damaged" not in one_line(err.value) and "read-only" in str(err.value)


# ------------------------------------------------------------------------------------------------ leftovers
KILLED_SAVE = textwrap.dedent("""
    import sqlite3, sys
    # a save killed inside the backup: the temporary copy and its rollback journal exist
    dst = sqlite3.connect(sys.argv[2])
    dst.execute("CREATE TABLE junk (x)")
    dst.execute("BEGIN")
    dst.execute("INSERT INTO junk VALUES (1)")
    print("ready", flush=True)
    sys.stdin.readline()
""")


def test_leftovers_of_a_killed_save_are_removed_on_open(project):
    path = project.path
    project.close()
    bak = path.with_name(path.name + ".bak")
    legacy_tmp = path.with_name(path.name + ".bak.tmp")
    part = path.with_name(f".{bak.name}.0123abcd.part")
    # a writer killed in the middle of writing its temporary copy leaves it and its rollback journal
    for tmp in (legacy_tmp, part):
        proc = subprocess.Popen([sys.executable, "-c", KILLED_SAVE, str(path), str(tmp)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout.readline().strip() == "ready"
        finally:
            kill_and_reap(proc)
    old = time.time() - 60
    for f in (legacy_tmp, part):
        os.utime(f, (old, old))
    journals = [f.with_name(f.name + "-journal") for f in (legacy_tmp, part)]
    assert legacy_tmp.exists() and part.exists() and all(j.exists() for j in journals)
    with Project.open(path) as p:
        assert not p.read_only
        for f in (legacy_tmp, part, *journals):
            assert not f.exists(), f
        assert len(p.events()) == 3
        p.save()
    assert bak.is_file()
    assert sorted(x.name for x in path.parent.iterdir() if x.name.startswith((".study", "study"))) == \
        ["study.merproj", "study.merproj.bak"]


def test_read_only_opener_removes_nothing(project):
    path = project.path
    legacy_tmp = path.with_name(path.name + ".bak.tmp")
    legacy_tmp.write_bytes(b"partial")
    old = time.time() - 60
    os.utime(legacy_tmp, (old, old))
    with Project.open(path) as second:  # the owner may be saving right now: not ours to clean
        assert second.read_only
    assert legacy_tmp.exists()
