"""A fold that finishes after a Ctrl-C (yielded in the execution layer's grace period) is stored: `merstudio train`
says "finished folds are kept, rerun to resume", and the rerun trains only the others. Since merstudio.atomic refuses
every rename after a Ctrl-C under a watch, store_fold was refused too and such a fold was lost. Other writes stay
refused: `keeping()` lets through only what is written inside it."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.interrupt import swallowed_ctrl_c

from merstudio import interrupts
from merstudio.atomic import write_text_atomic
from merstudio.training.protocols import Fold
from merstudio.training.run import store_fold

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="a watch is installed in the main thread only (signals go there)")


def _fold() -> tuple[Fold, pd.DataFrame, dict]:
    fold = Fold(1, "fold1", ("s2",), np.arange(4), np.arange(4, 6))
    df = pd.DataFrame({"sample": ["c004", "c005"], "y_true": [0, 1], "y_pred": [0, 0]})
    return fold, df, {"fold": "fold1", "epochs": 1}


def test_a_fold_finished_after_a_ctrl_c_is_stored_and_other_outputs_are_not(tmp_path: Path):
    fold, df, info = _fold()
    summary = tmp_path / "summary.md"
    summary.write_text("an earlier run's summary\n")
    with interrupts.watched() as watch:
        swallowed_ctrl_c()
        assert watch.received
        try:
            store_fold(tmp_path, fold, df, info)
        except KeyboardInterrupt:  # as a failure, not as pytest's own Ctrl-C (which ends the session)
            pytest.fail("store_fold refused the finished fold after the Ctrl-C")
        with pytest.raises(KeyboardInterrupt):
            write_text_atomic(summary, "a summary of the interrupted run\n")  # outside keeping(): refused
    stored = sorted((tmp_path / "folds").iterdir())
    assert [p.suffix for p in stored] == [".csv", ".json"], stored  # no temporary left either
    assert all(p.stem.endswith("fold1") for p in stored), stored
    assert pd.read_csv(stored[0]).equals(df)
    assert summary.read_text() == "an earlier run's summary\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_keeping_ends_with_its_block(tmp_path: Path):
    out = tmp_path / "kept.txt"
    with interrupts.watched():
        swallowed_ctrl_c()
        with interrupts.keeping(), interrupts.keeping():
            write_text_atomic(out, "kept\n")
        with pytest.raises(KeyboardInterrupt):
            write_text_atomic(out, "replaced after the Ctrl-C\n")
    assert out.read_text() == "kept\n"


def test_keeping_is_the_writing_threads_only(tmp_path: Path):
    """Another thread's write during a keeping block is refused all the same."""
    out = tmp_path / "other.txt"
    out.write_text("old\n")
    raised: list[type] = []

    def other() -> None:
        try:
            write_text_atomic(out, "new\n")
        except BaseException as exc:  # noqa: BLE001 - the refusal this test looks for
            raised.append(type(exc))

    with interrupts.watched():
        swallowed_ctrl_c()
        with interrupts.keeping():
            t = threading.Thread(target=other)
            t.start()
            t.join()
    assert raised == [interrupts.Interrupted]
    assert out.read_text() == "old\n"
