"""A received checkpoint whose path, or whose parent's path, is no regular file (a67): its metadata's ``parent:
"/dev/zero"`` was hashed for ever on the GUI thread when the checkpoint dialog opened, and a project's model path to
a named pipe (FIFO) held "Model in use…" in zipfile's open, waiting for a writer. Now such a path is named, never
read. A call that would hang runs in a daemon thread: the test fails (rather than hanging the run) where it has not
returned after HANG seconds, a bound far above what the call needs (a stat)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

HANG = 60.0

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def _returns(fn: Any, *args: Any) -> Any:
    """fn(*args)'s result; fails where it blocks (an old reader waiting on a FIFO, hashing /dev/zero)."""
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(fn(*args)), daemon=True)
    t.start()
    t.join(HANG)
    assert not t.is_alive(), f"{fn.__name__}{args} never returned"
    return out[0]


@pytest.fixture
def fifo(tmp_path: Path):
    p = tmp_path / "model.pt"
    os.mkfifo(p)
    yield p
    # release a reader an old version left blocked in open(): a writer end lets its open() return
    fd = os.open(p, os.O_RDWR | os.O_NONBLOCK)
    os.close(fd)


def test_peeking_at_a_fifo_returns_at_once(fifo):
    from merstudio.model.checkpoint_meta import peek_checkpoint_meta

    assert _returns(peek_checkpoint_meta, fifo) is None


def test_reading_a_fifo_says_it_is_a_named_pipe(fifo):
    from merstudio.model.checkpoint import CheckpointError, read_checkpoint_meta

    with pytest.raises(CheckpointError) as err:
        read_checkpoint_meta(fifo)
    assert "named pipe" in str(err.value) and str(fifo) in str(err.value)  # was "no such checkpoint file"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_parent_path_to_a_device_is_named_not_hashed():
    pytest.importorskip("PySide6")
    from merstudio.gui.checkpoint_dialog import file_digest, provenance

    meta = {"class_names": ["a", "b"], "finetune": {"events": []}, "parent": "/dev/zero", "parent_sha256": "0" * 64}
    prov = _returns(provenance, "received.pt", meta)
    assert "/dev/zero" in prov.parent_evaluation and "device" in prov.parent_evaluation
    assert _returns(file_digest, "/dev/zero") is None


def test_a_checkpoint_of_another_size_than_the_starter_is_not_hashed_to_be_told_from_it(tmp_path, monkeypatch):
    pytest.importorskip("PySide6")
    from merstudio.gui import checkpoint_dialog as cd

    assert cd.starter_digest() is not None  # the committed starter model (resources/)
    other = tmp_path / "big.pt"
    other.write_bytes(b"\0" * 4096)  # not the starter's size: it cannot be the starter
    read: list[str] = []
    real = cd._sha256
    monkeypatch.setattr(cd, "_sha256", lambda path, mtime, size: read.append(path) or real(path, mtime, size))
    assert not cd.provenance(other, {}).starter
    assert str(other.resolve()) not in read
