"""A reader who cannot write a project (a colleague's file in a shared folder, or a file made read-only) opened it
with SQLite's `mode=ro`, which made `-wal` and `-shm` beside it, owned by the reader, and never removed them; the
owner's edits then all failed ("the file cannot be written") and the app refused the project. Now the reader
removes them on close when nobody uses them, a writer removes such leftovers the same way, and a writer who finds
them in use opens read-only with a reason naming them (or, asked to write, fails in one line naming them)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from merstudio.errors import OutputError
from merstudio.project import Project
from merstudio.project import store as store_mod

A_UID, B_UID = 65534, 1001  # the project's owner and a colleague (run as root: the children drop to them)


def _side(path: Path) -> list[str]:
    return sorted(q.name for q in path.parent.iterdir() if q.name in (f"{path.name}-wal", f"{path.name}-shm"))


def _project(path: Path) -> Path:
    with Project.create(path) as proj:
        proj.add_coder("ann")
    return path


def _reader(path: Path, ready: Path, go: Path) -> subprocess.Popen:
    """Another process holding a `mode=ro` SQLite connection to the project (it made -wal and -shm) until `go`."""
    code = textwrap.dedent(f"""
        import sqlite3, time
        from pathlib import Path
        con = sqlite3.connect("file:{path}?mode=ro", uri=True)
        con.execute("SELECT COUNT(*) FROM coders").fetchone()
        Path({str(ready)!r}).touch()
        while not Path({str(go)!r}).exists():
            time.sleep(0.01)
        con.close()
        """)
    proc = subprocess.Popen([sys.executable, "-c", code])
    for _ in range(400):
        if ready.exists():
            return proc
        assert proc.poll() is None
        time.sleep(0.025)
    raise AssertionError("the reader did not start")


def test_a_reader_that_cannot_write_the_file_leaves_no_side_files(tmp_path, monkeypatch):
    path = _project(tmp_path / "study.merproj")
    monkeypatch.setattr(store_mod, "_location_writable", lambda p: False)  # as another user sees the file
    with Project.open(path) as ro:
        assert ro.read_only and ro.coders() == ["ann"]
        assert _side(path) == ["study.merproj-shm", "study.merproj-wal"]  # SQLite's `mode=ro` made them
    assert _side(path) == [], "a reader left side files its project's owner cannot write"
    monkeypatch.undo()
    with Project.open(path) as proj:
        proj.add_coder("bob")
    with Project.open(path, read_only=True) as ro:
        assert ro.coders() == ["ann", "bob"]


def test_a_reader_keeps_side_files_another_reader_uses(tmp_path, monkeypatch):
    path = _project(tmp_path / "study.merproj")
    monkeypatch.setattr(store_mod, "_location_writable", lambda p: False)
    reader = _reader(path, tmp_path / "ready", tmp_path / "go")
    try:
        with Project.open(path) as ro:
            assert ro.coders() == ["ann"]
        assert _side(path) == ["study.merproj-shm", "study.merproj-wal"]  # still used by the other reader
    finally:
        (tmp_path / "go").touch()
        assert reader.wait(timeout=60) == 0


def _unwritable_side_files(monkeypatch):
    """As seen by a user who is not their owner (the suite runs as root, which may write anything)."""
    real = os.access

    def access(p, mode, *a, **k):
        if str(p).endswith(("-wal", "-shm")) and mode & os.W_OK:
            return False
        return real(p, mode, *a, **k)

    monkeypatch.setattr(os, "access", access)


def test_a_writer_finding_side_files_in_use_it_cannot_write_opens_read_only_naming_them(tmp_path, monkeypatch):
    path = _project(tmp_path / "study.merproj")
    reader = _reader(path, tmp_path / "ready", tmp_path / "go")
    try:
        _unwritable_side_files(monkeypatch)
        with Project.open(path) as proj:
            assert proj.read_only
            assert "study.merproj-wal and study.merproj-shm" in proj.read_only_reason
            assert "remove them" in proj.read_only_reason
            assert proj.coders() == ["ann"]  # still readable
        with pytest.raises(OutputError, match=r"cannot be opened for writing \(cannot write study.merproj-wal and "
                                              r"study.merproj-shm beside it") as err:
            Project.open(path, read_only=False)
        assert "\n" not in str(err.value)
        assert not Path(f"{path}.lock").exists()  # the claim went with the refusal
    finally:
        (tmp_path / "go").touch()
        assert reader.wait(timeout=60) == 0


def test_a_writer_removes_unused_side_files_it_cannot_write(tmp_path, monkeypatch):
    path = _project(tmp_path / "study.merproj")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)  # what older versions' `project show` left
    con.execute("SELECT 1 FROM coders").fetchone()
    con.close()
    assert _side(path) == ["study.merproj-shm", "study.merproj-wal"]
    old = tmp_path / "old-shm"
    os.link(f"{path}-shm", old)  # the leftover stays reachable: whether it is still beside the project shows
    _unwritable_side_files(monkeypatch)
    with Project.open(path) as proj:
        assert not proj.read_only, proj.read_only_reason
        proj.add_coder("bob")
        assert os.stat(old).st_nlink == 1  # the leftover went; the -shm there now is the writer's own
    assert _side(path) == []


def test_side_files_holding_frames_are_never_removed(tmp_path):
    from merstudio.project import sidefiles

    path = _project(tmp_path / "study.merproj")
    Path(f"{path}-wal").write_bytes(b"x" * 100)  # not ours to judge: only a writer folds a -wal in
    Path(f"{path}-shm").write_bytes(b"\0" * 32768)
    assert not sidefiles.remove_unused(path)
    assert _side(path) == ["study.merproj-shm", "study.merproj-wal"]


# ----------------------------------------------------------------- the real thing: two users
needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="switching users needs root (the monkeypatched tests above cover the logic)")


def _as(uid: int, code: str, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", textwrap.dedent(code), *args]
    env = {**os.environ, "HOME": "/tmp"}
    if shutil.which("setpriv"):  # (a Python child switching users itself could not run this venv's python here)
        return subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *cmd],
                              capture_output=True, text=True, timeout=120, env=env)
    return subprocess.run(cmd, user=uid, group=uid, extra_groups=[], capture_output=True, text=True, timeout=120,
                          env=env)


SHOW = """
    import sys
    from merstudio.project import Project
    with Project.open(sys.argv[1]) as p:
        print(p.read_only_reason, p.coders())
"""
EDIT = """
    import sys
    from merstudio.project import Project
    with Project.open(sys.argv[1], read_only=False) as p:
        p.add_coder(sys.argv[2])
        print(p.coders())
"""


@pytest.fixture
def shared_folder():
    # a machine where another user cannot run this interpreter or read merstudio (a pyenv or venv under /root, a
    # checkout in a private home) cannot host the test: the precondition is the machine's, not the code's
    ran = _as(A_UID, "import merstudio.project")
    if ran.returncode != 0:
        pytest.skip(f"user {A_UID} cannot run {sys.executable} with merstudio: {ran.stderr.strip()[-200:]}")
    d = Path(tempfile.mkdtemp(prefix="merstudio-shared-", dir="/tmp"))
    d.chmod(0o777)  # a lab's shared folder: everyone may write in it
    yield d
    shutil.rmtree(d, ignore_errors=True)


@needs_root
def test_a_colleague_viewing_a_project_does_not_lock_its_owner_out(shared_folder):
    path = shared_folder / "smile.merproj"
    made = _as(A_UID, """
        import sys
        from merstudio.project import Project
        with Project.create(sys.argv[1]) as p:
            p.add_coder("ann")
        """, str(path))
    assert made.returncode == 0, made.stderr
    path.chmod(0o644)
    shown = _as(B_UID, SHOW, str(path))
    assert shown.returncode == 0, shown.stderr
    assert "read-only location" in shown.stdout
    assert _side(path) == [], "the colleague's view left side files"
    edited = _as(A_UID, EDIT, str(path), "bob")
    assert edited.returncode == 0, edited.stderr
    assert "bob" in edited.stdout


@needs_root
def test_viewing_a_read_only_file_does_not_block_editing_once_it_is_writable(shared_folder):
    path = shared_folder / "smile.merproj"
    assert _as(A_UID, "import sys\nfrom merstudio.project import Project\nProject.create(sys.argv[1]).close()",
               str(path)).returncode == 0
    path.chmod(0o444)
    assert _as(A_UID, SHOW, str(path)).returncode == 0
    assert _side(path) == []
    path.chmod(0o644)
    edited = _as(A_UID, EDIT, str(path), "bob")
    assert edited.returncode == 0, edited.stderr


@needs_root
def test_the_owner_heals_side_files_a_colleague_left(shared_folder):
    """What older versions left (or a viewer killed before it closed): the owner's writing open removes them."""
    path = shared_folder / "smile.merproj"
    assert _as(A_UID, "import sys\nfrom merstudio.project import Project\nProject.create(sys.argv[1]).close()",
               str(path)).returncode == 0
    path.chmod(0o644)
    left = _as(B_UID, """
        import sqlite3, sys
        con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
        con.execute("SELECT 1 FROM settings").fetchall()
        con.close()
        """, str(path))
    assert left.returncode == 0, left.stderr
    assert _side(path) == ["smile.merproj-shm", "smile.merproj-wal"]
    assert os.stat(f"{path}-shm").st_uid == B_UID
    edited = _as(A_UID, EDIT, str(path), "bob")
    assert edited.returncode == 0, edited.stderr
    assert _side(path) == []
