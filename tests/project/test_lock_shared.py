"""One lock implementation (merstudio.locks) behind FileClaim (analysis results) and ProjectLock (projects)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from merstudio import locks
from merstudio.atomic import ClaimedElsewhere, FileClaim
from merstudio.errors import OutputError
from merstudio.project.lock import ProjectInUse, ProjectLock, lock_path


def test_both_claims_are_the_shared_lock_file(tmp_path):
    proj = tmp_path / "study.merproj"
    with FileClaim.acquire(tmp_path / "clip.lock") as claim:
        assert isinstance(claim, locks.LockFile) and claim.held
        assert (tmp_path / "clip.lock").read_text() == f"{os.getpid()}\n"
    assert not claim.held and not (tmp_path / "clip.lock").exists()
    with ProjectLock.acquire(proj) as plock:
        assert isinstance(plock, locks.LockFile)
        assert json.loads(lock_path(proj).read_text())["pid"] == os.getpid()
        # the same lock file, whichever class asks: a second claim in this process is refused
        with pytest.raises(ClaimedElsewhere) as err:
            FileClaim.acquire(lock_path(proj))
        assert err.value.path == lock_path(proj)
        with pytest.raises(ProjectInUse):
            ProjectLock.acquire(proj)
    assert not lock_path(proj).exists()
    ProjectLock.acquire(proj).release()  # free again


def test_claim_held_by_another_process_names_its_pid(tmp_path):
    lock = tmp_path / "clip.lock"
    code = ("import sys; from merstudio.atomic import FileClaim; c = FileClaim.acquire(sys.argv[1]); "
            "print('held', flush=True); sys.stdin.readline()")
    proc = subprocess.Popen([sys.executable, "-c", code, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(ClaimedElsewhere) as err:
            FileClaim.acquire(lock)
        assert err.value.pid == proc.pid and f"pid {proc.pid}" in str(err.value)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stdin.close()
    with FileClaim.acquire(lock):  # a killed owner's lock went with it
        pass


def test_without_os_locks_the_owner_in_the_file_decides(tmp_path, monkeypatch):
    """On a file system without locks (some network shares) both claims fall back to the owner's pid."""
    monkeypatch.setattr(locks, "os_lock", lambda fd: None)
    lock = tmp_path / "clip.lock"
    sleeper = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.readline()"], stdin=subprocess.PIPE)
    try:
        lock.write_text(f"{sleeper.pid}\n")
        with pytest.raises(ClaimedElsewhere) as err:
            FileClaim.acquire(lock)
        assert err.value.pid == sleeper.pid
    finally:
        sleeper.kill()
        sleeper.wait()
        sleeper.stdin.close()
    with FileClaim.acquire(lock) as claim:  # its owner is gone
        assert claim.held


def test_a_lock_file_that_keeps_being_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(os.path, "samestat", lambda a, b: False)
    with pytest.raises(OutputError, match="keeps being replaced"):
        FileClaim.acquire(tmp_path / "clip.lock")
    with pytest.raises(ProjectInUse):
        ProjectLock.acquire(tmp_path / "study.merproj")


def test_a_lock_file_that_cannot_be_written_is_an_output_error(tmp_path, monkeypatch):
    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OutputError, match="No space left") as err:
        FileClaim.acquire(tmp_path / "clip.lock")
    assert "\n" not in str(err.value)
    monkeypatch.undo()
    with FileClaim.acquire(tmp_path / "clip.lock"):  # nothing is left held
        pass
