"""`merstudio evaluate --out X --overwrite` replaces an earlier evaluation as one set (run.json, the fold's CSV,
predictions.csv, metrics.json, confusion.png, summary.md): a write failing part way leaves the earlier
evaluation's files whole, where run.json and the fold CSV of the new one sat beside the old figures (audit a64)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
from support.flow_tables import write_tiny_config

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_failed_overwrite_keeps_the_earlier_evaluation_whole(tmp_path, flow_table, monkeypatch, capsys) -> None:
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    ckpt = tmp_path / "model.pt"
    assert main(["train", "--data", str(table), "--out", str(tmp_path / "run"), "--protocol", "kfold:2",
                 "--final", str(ckpt), "--config", str(write_tiny_config(tmp_path / "cfg.json")), *TINY]) == 0
    df = pd.read_csv(table)
    df["path"] = [str(table.parent / p) for p in df["path"]]
    fewer = tmp_path / "fewer.csv"
    df.iloc[: len(df) // 2].to_csv(fewer, index=False)  # another evaluation: half the samples
    out = tmp_path / "ev"
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(fewer), "--out", str(out), "--device", "cpu",
                 "-q"]) == 0
    before = _files(out)
    assert {"run.json", "predictions.csv", "metrics.json", "summary.md", "confusion.png"} <= set(before)
    capsys.readouterr()

    real, full = os.replace, [False]

    def replace(src, dst, *a, **k):  # the disk is full from the rename of predictions.csv on
        full[0] = full[0] or Path(dst).name == "predictions.csv"
        if full[0]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)
    rc = main(["evaluate", "--checkpoint", str(ckpt), "--data", str(table), "--out", str(out), "--device", "cpu",
               "-q", "--overwrite"])
    monkeypatch.undo()
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 3
    assert "predictions.csv: cannot write (No space left on device)" in err[-1]
    assert "the earlier ones there are kept whole" in err[-1]
    assert _files(out) == before  # run.json and the fold CSV too: still the earlier evaluation's

    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(table), "--out", str(out), "--device", "cpu",
                 "-q", "--overwrite"]) == 0  # with room, the new evaluation replaces them all
    assert len(pd.read_csv(out / "predictions.csv")) == len(df) != len(pd.read_csv(fewer))
