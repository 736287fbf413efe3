"""A fine-tuning run whose hold-out was no estimate (2 samples of one class: UF1/UAR/accuracy 1.000, the re-run of
a61's recipe 3) is marked so in the project's split record and left out of the split note's "best UF1", which said
"best UF1 1.000" of it. holdout_basis, the rule, lives torch-free in training.finetune_split."""

from __future__ import annotations

import subprocess
import sys

from merstudio.training.finetune_split import _spent, run_is_estimate, scored_runs, split_note
from merstudio.training.metrics import compute_metrics

CLASSES3 = ["negative", "positive", "surprise"]


def _tiny_run() -> dict:
    """A run as the project records it: 2 held-out samples, both positive, both predicted positive."""
    uf1 = compute_metrics([1, 1], [1, 1], CLASSES3)["uf1"]
    assert uf1 == 1.0
    return {"n_held_out": 2, "after_uf1": uf1, "estimate": False}


def test_a_run_of_two_held_out_samples_is_no_best_run():
    real = {"n_held_out": 12, "after_uf1": 0.6, "estimate": True}
    record = {"by": "video", "groups": ["6"], "held_events": [1, 2], "runs": [_tiny_run(), real, {"after_uf1": 0.5}]}
    note = split_note(record)  # the last run is the one just done: 2 earlier runs
    assert "already scored 2 earlier fine-tuning runs (best UF1 0.600; 1 run not an estimate, left out of best: " \
           "under 10 held-out samples or 2 classes)" in note
    assert "1.000" not in note
    assert scored_runs(record) == (3, 0.6, 0)


def test_runs_recorded_before_the_mark_are_judged_by_their_sample_count():
    # a61's re-run: the split recorded n_held_out only; 2 samples is no estimate whatever the classes
    old = {"n_held_out": 2, "after_uf1": 1.0}
    assert not run_is_estimate(old)
    assert run_is_estimate({"n_held_out": 12, "after_uf1": 0.6}) and run_is_estimate({"after_uf1": 0.6})
    record = {"by": "video", "groups": ["6"], "held_events": [1, 2], "runs": [old, {"n_held_out": 2}]}
    note = split_note(record)
    assert "already scored 1 earlier fine-tuning run (none an estimate: under 10 held-out samples or 2 classes; no " \
           "best UF1)" in note
    assert "best UF1 1.000" not in note


def test_a_spent_split_keeps_its_runs_marks():
    """A fresh draw of the same events counts the spent split's runs: its best leaves the tiny run out too."""
    first = {"by": "video", "groups": ["6"], "held_events": [1, 2], "seed": 0,
             "runs": [_tiny_run(), {"n_held_out": 12, "after_uf1": 0.7, "estimate": True}]}
    record = {"by": "video", "groups": ["6"], "held_events": [1, 2], "seed": 1, "spent": _spent(first, [], "video"),
              "runs": [{"n_held_out": 12, "after_uf1": 0.4, "estimate": True}]}
    assert scored_runs(record) == (3, 0.7, 2)
    assert "(best UF1 0.700; 1 run not an estimate, left out of best" in split_note(record)


def test_holdout_basis_lives_torch_free_beside_the_split():
    """One home, importable without torch (the checkpoint dialog judges old checkpoints on the GUI thread), and
    still importable from training.finetune."""
    code = ("import sys; from merstudio.training.finetune_split import holdout_basis, HOLDOUT_MIN_SAMPLES; "
            "b = holdout_basis(['positive', 'positive'], ['negative', 'positive', 'surprise']); "
            "print(b['estimate'], HOLDOUT_MIN_SAMPLES, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "10", "False"]
    import merstudio.training.finetune as F
    import merstudio.training.finetune_split as S

    assert F.holdout_basis is S.holdout_basis and F.HOLDOUT_MIN_CLASSES == S.HOLDOUT_MIN_CLASSES == 2
