"""reencode's output given as a symbolic link, or as a FIFO: the rename of the finished copy over the link turned it
into a plain file (the file it pointed to kept the old video), and a FIFO was replaced by a file after the whole
encode (its reader waits forever). Now the link's file gets the copy and the link stays; a FIFO is refused before
anything is encoded."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from io_helpers import frames_in
from support.clips import write_clip

import merstudio.io.reencode as R
from merstudio.errors import OutputError


def test_a_symlink_output_keeps_the_link_and_its_file_gets_the_copy(tmp_path: Path) -> None:
    src = write_clip(tmp_path / "src.avi", n=12)
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "copy.avi"
    target.write_bytes(b"the old copy")
    link = tmp_path / "copy.avi"
    link.symlink_to(target)
    R.reencode(src, link, overwrite=True)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert frames_in(target) == 12


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_output_is_refused_before_encoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_clip(tmp_path / "src.avi", n=12)
    fifo = tmp_path / "copy.avi"
    os.mkfifo(fifo)
    encoded: list[int] = []
    monkeypatch.setattr(R, "_write", lambda *a, **k: encoded.append(1))
    with pytest.raises(OutputError, match="named pipe"):
        R.reencode(src, fifo, overwrite=True)
    assert not encoded and fifo.exists() and not fifo.is_file()


@pytest.mark.skipif(not hasattr(os, "mkfifo") or sys.platform == "win32", reason="no FIFOs on this system")
def test_convert_to_a_fifo_is_refused_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from merstudio.cli.main import main

    events = tmp_path / "ev.csv"
    events.write_text("onset,apex,offset,emotion\n3,5,8,happiness\n", encoding="utf-8")
    fifo = tmp_path / "out.eaf"
    os.mkfifo(fifo)
    assert main(["convert", str(events), str(fifo), "--overwrite", "--fps", "30"]) == 3
    said = capsys.readouterr()
    assert "named pipe" in said.err
    assert "to import" not in said.out + said.err  # refused before the import summary, not after it
