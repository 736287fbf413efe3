"""merstudio.atomic's fsync policy and its clean-up of dead temporaries (issue 14).

- atomic_path fsyncs the temporary (its data) before os.replace, and on POSIX the folder after it; durable=False
  does neither; a failed fsync is a one-line OutputError that leaves the old file and no temporary.
- the partial CSV of an analysis is flushed in whole rows and never fsynced per flush.
- a temporary whose writer was killed is removed by the next write of that target; a live writer's is not.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap

import pytest
from support.procs import kill_and_reap

from merstudio import atomic
from merstudio.atomic import atomic_path, remove_dead_temps, write_text_atomic
from merstudio.errors import OutputError

posix_only = pytest.mark.skipif(os.name != "posix", reason="folder fsync and temporary locks are POSIX-only")


class Spy:
    """Records, in order, what os.fsync and os.replace were called on (fsync: ('file', inode) or ('dir', inode))."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, object]] = []
        real_fsync, real_replace = os.fsync, os.replace

        def fsync(fd: int) -> None:
            st = os.fstat(fd)
            self.calls.append(("dir" if stat.S_ISDIR(st.st_mode) else "file", st.st_ino))
            real_fsync(fd)

        def replace(src, dst) -> None:
            self.calls.append(("replace", os.stat(src).st_ino))
            real_replace(src, dst)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)


@posix_only
def test_atomic_path_fsyncs_the_data_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    dst = tmp_path / "out.csv"
    dst.write_text("old\n")
    spy = Spy(monkeypatch)
    with atomic_path(dst) as tmp:
        tmp.write_text("new\n")
        ino = os.stat(tmp).st_ino
    assert dst.read_text() == "new\n"
    assert spy.calls == [("file", ino), ("replace", ino), ("dir", os.stat(tmp_path).st_ino)]


@posix_only
def test_write_text_atomic_is_durable_and_durable_false_skips_the_fsyncs(tmp_path, monkeypatch):
    spy = Spy(monkeypatch)
    write_text_atomic(tmp_path / "a.json", "{}\n")
    assert [c[0] for c in spy.calls] == ["file", "replace", "dir"]
    spy.calls.clear()
    write_text_atomic(tmp_path / "b.json", "{}\n", durable=False)
    with atomic_path(tmp_path / "c.bin", durable=False) as tmp:
        tmp.write_bytes(b"x")
    assert [c[0] for c in spy.calls] == ["replace", "replace"]
    assert (tmp_path / "b.json").read_text() == "{}\n" and (tmp_path / "c.bin").read_bytes() == b"x"


def test_a_failed_fsync_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    dst = tmp_path / "events.csv"
    dst.write_text("old\n")

    def eio(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", eio)
    with pytest.raises(OutputError) as err:
        write_text_atomic(dst, "new\n")
    msg = str(err.value)
    assert "\n" not in msg and str(dst) in msg and "Input/output error" in msg
    assert dst.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv"]


@posix_only
def test_a_folder_that_cannot_be_synced_does_not_fail_the_write(tmp_path, monkeypatch):
    real = os.fsync

    def no_dir_sync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(22, "Invalid argument")  # some file systems refuse to sync a folder
        real(fd)

    monkeypatch.setattr(os, "fsync", no_dir_sync)
    write_text_atomic(tmp_path / "a.txt", "x")
    assert (tmp_path / "a.txt").read_text() == "x"


def test_partial_csv_flushes_whole_rows_without_fsync(tmp_path, monkeypatch):
    from merstudio.analysis.files import _RowWriter

    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))
    w = _RowWriter(tmp_path / "clip.partial.csv", ["frame", "AU12_r"])
    for batch in range(3):
        w.write_all({"frame": batch * 10 + i, "AU12_r": 0.5} for i in range(10))
        w.flush()
        lines = (tmp_path / "clip.partial.csv").read_text().splitlines()
        assert len(lines) == 1 + 10 * (batch + 1)  # every flush leaves whole rows on disk
    w.close()
    assert synced == []


# ------------------------------------------------------------------------------------------------ dead temporaries
KILLED_WRITER = textwrap.dedent("""
    import sys
    from merstudio.atomic import atomic_path
    with atomic_path(sys.argv[1]) as tmp:
        tmp.write_text("half")
        print(tmp, flush=True)
        sys.stdin.readline()
""")


def _killed_writer_temp(dst) -> str:
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(dst)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        tmp = proc.stdout.readline().strip()
    finally:
        kill_and_reap(proc)
    return tmp


@posix_only
def test_the_next_write_removes_a_killed_writers_temporary_but_not_a_live_ones(tmp_path):
    dst = tmp_path / "events.csv"
    dst.write_text("old\n")
    dead = _killed_writer_temp(dst)
    assert os.path.exists(dead) and dst.read_text() == "old\n"
    other = tmp_path / ".events.csv.bak.0123abcd.part"  # events.csv.bak's, not ours
    other.write_text("x")
    with atomic_path(dst) as live:  # a writer of the same target, still writing
        live.write_text("new\n")
        assert not os.path.exists(dead)  # removed when this write started
        assert remove_dead_temps(dst) == []  # the live temporary is locked: not removed
        assert live.exists()
    assert dst.read_text() == "new\n" and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, "events.csv"]


@posix_only
def test_a_temporary_removed_between_its_creation_and_its_lock_is_not_used(tmp_path, monkeypatch):
    real = atomic.os_lock
    raced: list[bool] = []

    def cleaner_first(fd: int):
        if not raced:  # a cleaner locked and removed our new temporary before we locked it
            raced.append(True)
            for p in tmp_path.iterdir():
                if p.name.endswith(".part"):
                    p.unlink()
        return real(fd)

    monkeypatch.setattr(atomic, "os_lock", cleaner_first)
    dst = tmp_path / "a.txt"
    with atomic_path(dst) as tmp:
        tmp.write_text("x")
        assert raced
        monkeypatch.setattr(atomic, "os_lock", real)
        assert remove_dead_temps(dst) == [] and tmp.exists()  # the temporary in use is a locked one
    assert dst.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
