"""A claim whose owner cannot be written into its lock file (a full disk) leaves no lock file behind, whichever claim
it is (merstudio.locks, the one home): an analysis result's and a batch's (FileClaim), a split run's
(segments.claim_segments), a synthetic set's and a project's. An empty lock file left looks like a run's to a user
who lists the folder. Before, only the analysis result and the batch's manifest.lock removed theirs (a clean-up of
their own), and the others left a 0-byte file.

On a really full tmpfs (root, Linux) a file can still be made (an inode) but not one byte written into it; elsewhere
the lock's os.write() raises ENOSPC as a full disk's does."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest
from support.tinyfs import fill, full_for_locks, tiny_tmpfs

from merstudio.analysis.segments import claim_segments
from merstudio.atomic import FileClaim
from merstudio.errors import OutputError
from merstudio.project.lock import ProjectLock, lock_path
from merstudio.synth.dataset import make_synthetic_set

NO_SPACE = os.strerror(errno.ENOSPC)
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="names an fd's file through /proc")


@pytest.fixture
def full_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    """os.write() into any lock file raises ENOSPC, as on a full disk; other writes go through."""
    full_for_locks(monkeypatch)


@linux
def test_a_file_claim_that_cannot_write_its_pid_leaves_no_lock(tmp_path: Path, full_locks: None) -> None:
    with pytest.raises(OutputError, match=f"clip.lock: cannot write \\({NO_SPACE}\\)"):
        FileClaim.acquire(tmp_path / "clip.lock")
    assert list(tmp_path.iterdir()) == []  # was: a 0-byte clip.lock


@linux
def test_a_split_runs_claim_leaves_no_lock(tmp_path: Path, full_locks: None) -> None:
    with pytest.raises(OutputError, match=NO_SPACE), claim_segments(tmp_path, "clip"):
        pass
    assert list(tmp_path.iterdir()) == []


@linux
def test_a_synthetic_sets_claim_leaves_no_lock(tmp_path: Path, full_locks: None) -> None:
    out = tmp_path / "synth"
    with pytest.raises(OutputError, match=NO_SPACE):
        make_synthetic_set(out, n_subjects=1, samples_per_subject=1, frames=6, size=64)
    assert not (out / ".synthetic.lock").exists()  # was: a 0-byte .synthetic.lock


@linux
def test_a_project_lock_that_cannot_write_its_owner_leaves_no_lock(tmp_path: Path, full_locks: None) -> None:
    proj = tmp_path / "study.merproj"
    with pytest.raises(OSError, match=NO_SPACE):
        ProjectLock.acquire(proj)
    assert not lock_path(proj).exists()  # was: a 0-byte study.merproj.lock
    assert not list(tmp_path.iterdir())


@linux
def test_a_dead_runs_lock_is_removed_too(tmp_path: Path, full_locks: None) -> None:
    """A lock a killed run left (its pid, nobody holds it): the failed claim truncated it, and removes it."""
    lock = tmp_path / "clip.lock"
    lock.write_text("999999999\n")
    with pytest.raises(OutputError):
        FileClaim.acquire(lock)
    assert not lock.exists()


def test_on_a_really_full_tmpfs(tmp_path: Path) -> None:
    with tiny_tmpfs(tmp_path / "full", "256k") as disk:
        filler = fill(disk)
        with pytest.raises(OutputError, match=f"cannot write \\({NO_SPACE}\\)"):
            FileClaim.acquire(disk / "clip.lock")
        with pytest.raises(OSError, match=NO_SPACE):
            ProjectLock.acquire(disk / "study.merproj")
        assert sorted(p.name for p in disk.iterdir()) == [filler.name]  # was: clip.lock and study.merproj.lock
        filler.unlink()  # room again: both claims are taken
        with FileClaim.acquire(disk / "clip.lock"), ProjectLock.acquire(disk / "study.merproj"):
            assert (disk / "clip.lock").read_text() == f"{os.getpid()}\n"
