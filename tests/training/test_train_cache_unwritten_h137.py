"""`merstudio train` on a disk that takes no cache: the run goes on (the inputs are in memory) and says once, in one
line naming the cache folder and why, that nothing was kept (it said it once per sample: 24 lines here)."""

from __future__ import annotations

import errno
import os

import numpy as np
from support.flow_tables import write_table, write_tiny_config

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]


def _no_room(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_train_says_once_that_the_cache_took_nothing(tmp_path, monkeypatch, capsys):
    table = write_table(tmp_path / "data", n=24, n_subjects=4)
    cache = tmp_path / "cache"
    monkeypatch.setattr(np, "savez_compressed", _no_room)
    code = main(["train", "--data", f"table:{table}", "--out", str(tmp_path / "run"), "--protocol", "kfold:2",
                 "--config", str(write_tiny_config(tmp_path / "cfg.json")), "--cache", str(cache), *TINY])
    err = capsys.readouterr().err
    assert code == 0, err
    said = [line for line in err.splitlines() if "cannot write the preprocessing cache" in line]
    assert len(said) == 1, said
    assert str(cache) in said[0] and os.strerror(errno.ENOSPC) in said[0] and "24 of 24" in said[0]
    assert said[0].startswith("merstudio: warning: ")
