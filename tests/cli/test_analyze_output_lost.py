"""An output the file system takes no more of (a full disk) or whose folder vanished is the output's fault, not the
inputs': `merstudio analyze` stops at the first such error with exit status 3 and one line, marks no input
`failed` (a rerun with room analyses them, where it said "4 skipped (failed before)"), leaves no empty `.lock`,
and writes nothing into a folder that vanished (it made it again to hold a partial meta of rows that were gone).

Faults are injected where the OS would raise them: the rows file's write() (ENOSPC), the lock's os.write(), and
the output folder removed between two flushes of rows or between two inputs."""

from __future__ import annotations

import errno
import os
import shutil
import sys
from pathlib import Path

import pytest
from support.clips import write_clip
from support.interrupt import manifest_rows
from support.tinyfs import full_for_locks

import merstudio.analysis.batch as B
import merstudio.analysis.files as F
from merstudio.cli.main import main

NO_SPACE = os.strerror(errno.ENOSPC)


class _Full:
    """A rows file on a disk that is full: write() raises ENOSPC, as a real one does."""

    def __init__(self, fh) -> None:  # noqa: ANN001 - the FileIO open() gave
        self._fh = fh

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, NO_SPACE)

    def __getattr__(self, name: str):  # noqa: ANN204 - truncate, close, closed, fileno: the real file's
        return getattr(self._fh, name)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    arch = tmp_path / "arch"
    arch.mkdir()
    for name in ("a", "b", "c"):
        write_clip(arch / f"{name}.avi", n=12)
    return arch


def one_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("merstudio: error: ") and "Traceback" not in err, err
    return lines[0]


def test_a_full_disk_stops_the_batch_with_exit_3_and_fails_no_input(archive: Path, tmp_path: Path, capsys,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"

    def full_for_b(path, *args, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        fh = open(path, *args, **kw)  # noqa: SIM115 - the writer closes it
        return _Full(fh) if Path(path).name == "b.partial.csv" else fh

    monkeypatch.setattr(F, "open", full_for_b, raising=False)  # _RowWriter's open()
    code = main(["analyze", str(archive), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    line = one_error(err)
    assert code == 3, err  # was 2, every input from b on marked failed
    assert f"b.partial.csv: cannot write ({NO_SPACE})" in line and "the batch stopped there" in line
    assert "1 input(s) analysed in this run, 2 left for a rerun (none marked failed)" in line
    assert "rows written before" not in line  # not even its header was written: the file is gone
    rows = {Path(r["video"]).name: r["status"] for r in manifest_rows(out)}
    assert rows == {"a.avi": "done"}  # b wrote no row of its own (not even its header), c never started
    assert not (out / "b.partial.csv").exists() and not list(out.glob("*.lock"))

    monkeypatch.undo()  # room again: the rerun analyses the rest, skipping nothing as failed
    code = main(["analyze", str(archive), "-o", str(out), "-q"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "2 to analyse, 1 finished before (skipped), 0 failed before" in captured.out
    assert [r["status"] for r in manifest_rows(out)] == ["done", "done", "done"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="names an fd's file through /proc")
def test_a_lock_that_cannot_be_written_is_exit_3_and_leaves_no_lock(tmp_path: Path, capsys,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    clip = write_clip(tmp_path / "clip.avi", n=12)
    out = tmp_path / "out"
    out.mkdir()
    full_for_locks(monkeypatch)
    code = main(["analyze", str(clip), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    line = one_error(err)
    assert code == 3, err  # was 2 (the input blamed)
    assert f"clip.lock: cannot write ({NO_SPACE})" in line
    assert list(out.iterdir()) == []  # was: a 0-byte clip.lock


def test_the_output_folder_deleted_mid_run_stops_it_at_once(tmp_path: Path, capsys,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    clip = write_clip(tmp_path / "clip.avi", n=40)
    out = tmp_path / "out"
    put = F._RowWriter._put
    puts: list[int] = []

    def put_then_delete(self, text: str) -> None:  # noqa: ANN001
        puts.append(1)
        if len(puts) == 3:  # the header and two flushes of rows written: then the folder goes
            shutil.rmtree(out)
        put(self, text)

    monkeypatch.setattr(F, "FLUSH_SECONDS", 0.0)  # a flush after every row
    monkeypatch.setattr(F._RowWriter, "_put", put_then_delete)
    code = main(["analyze", str(clip), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    line = one_error(err)
    assert code == 3, err  # was 2: "clip.avi: FileNotFoundError: ..." once every frame was analysed
    assert line == f"merstudio: error: output folder {out} vanished while writing clip.partial.csv"
    assert len(puts) == 3  # stopped at the next flush, not at the end of the video
    assert not out.exists()  # was: made again, holding clip.partial.meta.json of 40 frames and no rows


def test_the_output_folder_deleted_between_inputs_stops_the_batch(archive: Path, tmp_path: Path, capsys,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    settle = B._BatchRun.settle

    def settle_then_delete(self, k, outcome):  # noqa: ANN001, ANN202
        settle(self, k, outcome)
        shutil.rmtree(out)  # after the first input's result and manifest row

    monkeypatch.setattr(B._BatchRun, "settle", settle_then_delete)
    code = main(["analyze", str(archive), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    line = one_error(err)
    assert code == 3, err  # was 0: b and c written into a new folder beside a manifest saying a is done
    assert line == f"merstudio: error: output folder {out} vanished while the batch wrote to it"
    assert not out.exists()
