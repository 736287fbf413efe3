"""An agreement report's six files are one set: a failed --overwrite leaves the earlier report whole (audit a64 R4),
and a FIFO among its names is refused before the report is computed."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from merstudio.cli.main import main

NAMES = ["agreement_alpha.csv", "agreement_icc.csv", "agreement_kappa.csv", "agreement_matches.csv",
         "agreement_notes.txt", "agreement_pairs.csv"]


def _replace_fails_after(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    orig, calls = os.replace, [0]

    def faulty(*a: object, **k: object) -> None:
        calls[0] += 1
        if calls[0] > n:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        orig(*a, **k)

    monkeypatch.setattr(os, "replace", faulty)


def test_a_failed_overwrite_keeps_the_earlier_report_whole(project, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "agr"
    # the earlier report: another tolerance, so its pairs and kappa tables differ from the new run's
    assert main(["agreement", str(project.path), "--tolerance", "0", "--iou", "0.95", "-o", str(out)]) == 0
    assert sorted(os.listdir(out)) == NAMES
    before = {n: (out / n).read_bytes() for n in NAMES}
    capsys.readouterr()
    _replace_fails_after(monkeypatch, 2)  # the third file's rename fails, and every one after it (a full disk)
    assert main(["agreement", str(project.path), "--tolerance", "5", "-o", str(out), "--overwrite"]) == 3
    monkeypatch.undo()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0], err
    assert "earlier ones there are kept whole" in err[0]
    assert {n: (out / n).read_bytes() for n in NAMES} == before
    assert sorted(os.listdir(out)) == NAMES  # no temporary left
    # the same run without the fault does change the tables: the kept set really is the earlier one
    assert main(["agreement", str(project.path), "--tolerance", "5", "-o", str(out), "--overwrite"]) == 0
    assert (out / "agreement_pairs.csv").read_bytes() != before["agreement_pairs.csv"]


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_a_fifo_in_the_report_folder_is_refused_before_the_report(project, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "agr"
    out.mkdir()
    os.mkfifo(out / "agreement_kappa.csv")
    assert main(["agreement", str(project.path), "-o", str(out), "--overwrite"]) == 3
    got = capsys.readouterr()
    assert "Agreement of" not in got.out  # refused before the report, not after it
    assert got.err.strip() == (f"merstudio: error: {out / 'agreement_kappa.csv'}: cannot write (it is a named pipe "
                               "(FIFO); results are written to regular files only)")
    assert os.listdir(out) == ["agreement_kappa.csv"]
    assert (out / "agreement_kappa.csv").is_fifo()
