"""A run folder's results (predictions.csv, metrics.json, confusion.png, summary.md) are one set: a summarise that
fails part way (a full disk at the third rename) leaves the earlier run's four files whole, where it left two new
beside two old (audit a64, as `agreement -o`)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
import pytest

import merstudio.training.run as run_mod
from merstudio.errors import OutputError

RESULTS = ("predictions.csv", "metrics.json", "confusion.png", "summary.md")


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    from merstudio.model.config import ModelConfig
    from merstudio.training.bench import synthetic_flow_set
    from merstudio.training.trainer import TrainSettings

    data, classes = synthetic_flow_set(n_samples=18, n_subjects=3, seed=5)
    out = tmp_path_factory.mktemp("setrun") / "run"
    cfg = ModelConfig(width=4, mswm_width=8, local_dim=4, lstm_hidden=8, dropout=0.0, use_au=False)
    settings = TrainSettings(epochs=1, batch_size=8, lr=3e-3, warmup_epochs=0, device="cpu")
    run_mod.run_protocol(data, classes, cfg, settings, out, protocol="loso")
    return out, list(classes)


def test_a_failed_summarise_keeps_the_earlier_results_whole(finished_run, monkeypatch: pytest.MonkeyPatch) -> None:
    out, classes = finished_run
    for n in RESULTS:  # an earlier run's results, told apart from any this run writes
        (out / n).write_bytes(f"earlier {n}\n".encode())
    real, calls = os.replace, [0]

    def replace(*a: object, **k: object) -> None:
        calls[0] += 1
        if calls[0] > 2:  # the third rename and every one after it: a disk that stays full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(*a, **k)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError, match=r"No space left on device\); this run's files were not written; the "
                                          r"earlier ones there are kept whole"):
        run_mod.summarise(out, None, classes)
    monkeypatch.undo()
    assert {n: (out / n).read_bytes() for n in RESULTS} == {n: f"earlier {n}\n".encode() for n in RESULTS}
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temporary, no kept copy

    run_mod.summarise(out, None, classes)  # the same call on a disk with room writes all four
    folds = pd.concat([pd.read_csv(p) for p in sorted((out / "folds").glob("*.csv"))])
    assert len(pd.read_csv(out / "predictions.csv")) == len(folds) == 18
    assert (out / "confusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert '"uf1"' in (out / "metrics.json").read_text() and (out / "summary.md").read_text().startswith("#")
