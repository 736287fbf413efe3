"""`merstudio datasets prepare` whose cache the disk does not take: its whole job is the cache, so it fails (exit 3)
in one line naming the cache folder and why, instead of printing "computed N ... cache <folder>" over nothing."""

from __future__ import annotations

import errno
import os

import numpy as np
from support.cli_run import run
from support.flow_tables import write_table
from support.tinyfs import fill, tiny_tmpfs

NO_SPACE = os.strerror(errno.ENOSPC)


def _no_room(*args, **kwargs):
    raise OSError(errno.ENOSPC, NO_SPACE)


def _check_refused(code: int, out: str, err: str, cache) -> None:
    assert code == 3, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"merstudio: error: {cache}/prep-")
    assert f"cannot write the preprocessing cache ({NO_SPACE})" in lines[0] and "2 of 2 samples not cached" in lines[0]
    assert "computed" not in out


def test_prepare_fails_when_no_entry_can_be_written(tmp_path, capsys, monkeypatch):
    table = write_table(tmp_path / "data", n=2, n_subjects=2)
    monkeypatch.setattr(np, "savez_compressed", _no_room)
    code, out, err = run(capsys, "datasets", "prepare", f"table:{table}", "--cache", tmp_path / "c", "-q")
    _check_refused(code, out, err, tmp_path / "c")
    assert not list((tmp_path / "c").rglob("*.npz*"))


def test_prepare_into_a_really_full_disk(tmp_path, capsys):
    """The auditor's recipe (a tmpfs mounted full; root only, skipped elsewhere), then again with room."""
    table = write_table(tmp_path / "data", n=2, n_subjects=2)
    with tiny_tmpfs(tmp_path / "full", "64k") as mnt:
        (mnt / "c").mkdir()
        filler = fill(mnt)
        code, out, err = run(capsys, "datasets", "prepare", f"table:{table}", "--cache", mnt / "c", "-q")
        _check_refused(code, out, err, mnt / "c")
        assert not list((mnt / "c").rglob("*.npz*"))
        filler.unlink()
        code, out, err = run(capsys, "datasets", "prepare", f"table:{table}", "--cache", mnt / "c", "-q")
        assert code == 0, err
        assert "computed 2, from cache 0" in out and len(list((mnt / "c").rglob("*.npz"))) == 2
