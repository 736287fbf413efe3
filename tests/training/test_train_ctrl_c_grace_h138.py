"""`merstudio train -j 2` and a real Ctrl-C (SIGINT to the whole process group, as a terminal sends it): a fold that
finishes in the grace period the execution layer gives running tasks is stored, as the interrupted run says
("finished and kept ... the same command again resumes with the others"). Since merstudio.atomic refuses every
rename after a Ctrl-C under the command's watch, that fold's files were refused and it was lost (0 of 2 kept).

Which fold finishes when is pinned in the workers (a sitecustomize on PYTHONPATH, imported by every process the
command starts): fold 0 trains to the end, then returns only once the run is being stopped (the grace period);
fold 1 waits for the stop, then meets it in its trainer (TrainingCancelled). The grace itself is lengthened so that
a loaded machine cannot turn fold 0's return into a kill; nothing is timed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from support.flow_tables import write_tiny_config
from support.procs import kill_and_reap

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress"]

_HOOKS = '''
import os, time
from pathlib import Path

_marks = Path(os.environ["H138_MARKS"])

def _until_stopped():
    from merstudio.execution import cancelled
    deadline = time.monotonic() + 300
    while not cancelled():
        if time.monotonic() > deadline:
            raise RuntimeError("the run was never stopped")
        time.sleep(0.01)

import merstudio.execution.local as _local
import merstudio.training.run as _run

_local.GRACE_SECONDS = 120.0
_one_fold = _run._run_one_fold

def _pinned(fold, *args, **kw):
    if fold.index == 0:
        result = _one_fold(fold, *args, **kw)  # trained and predicted before the Ctrl-C
        (_marks / "fold0-finished").touch()
        _until_stopped()
        return result  # finished in the grace period
    (_marks / "fold1-started").touch()
    _until_stopped()
    return _one_fold(fold, *args, **kw)  # its trainer sees the stop: TrainingCancelled

_run._run_one_fold = _pinned
'''


def test_a_fold_finished_in_the_grace_period_is_kept(tmp_path: Path, flow_table):
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    cfg = write_tiny_config(tmp_path / "cfg.json")
    run = tmp_path / "run"
    hooks, marks = tmp_path / "hooks", tmp_path / "marks"
    hooks.mkdir()
    marks.mkdir()
    (hooks / "sitecustomize.py").write_text(_HOOKS)
    env = {**os.environ, "MERSTUDIO_CACHE": str(tmp_path / "cache"), "H138_MARKS": str(marks),
           "PYTHONPATH": os.pathsep.join([str(hooks), *filter(None, [os.environ.get("PYTHONPATH")])])}
    argv = [sys.executable, "-m", "merstudio", "train", "--data", str(table), "--out", str(run), "--protocol",
            "kfold:2", "--config", str(cfg), "--jobs", "2", *TINY]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while not ((marks / "fold0-finished").exists() and (marks / "fold1-started").exists()):
            if proc.poll() is not None:
                out, err = proc.communicate()
                raise AssertionError(f"ended (exit {proc.returncode}) before both folds ran: {out}{err}")
            assert time.monotonic() < deadline, "the folds never ran"
            time.sleep(0.02)
        assert not (run / "folds").exists() or not list((run / "folds").glob("*.csv"))  # nothing stored yet
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal: the command and its workers (which ignore it)
        out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        kill_and_reap(proc)
    assert proc.returncode == 130, (out, err)
    kept = sorted((run / "folds").glob("*.csv"))
    assert len(kept) == 1, (kept, err)
    assert f"merstudio: interrupted: 1 of 2 fold(s) finished and kept in {run / 'folds'}" in err, err
    assert kept[0].with_suffix(".json").is_file()
    assert len(pd.read_csv(kept[0])) > 0  # the fold's test predictions
    assert not (run / "summary.md").exists() and not (run / "metrics.json").exists()  # no result of the whole run
    assert [p.name for p in (run / "folds").iterdir() if p.name.startswith(".")] == []
