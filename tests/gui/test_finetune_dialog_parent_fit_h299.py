"""h299: the fine-tuning dialog says, above its figures and in orange, that held-out samples the parent checkpoint
trained on make them no estimate, 'before' and 'after' alike (a112: 10 of 18 held-out events had trained the parent,
and the figures read as an estimate), and its summary carries the run's note counting them."""

from __future__ import annotations

import types

import pytest
from gui_fixtures import shown_finetune_dialog

pytestmark = pytest.mark.gui

CLASSES = ["negative", "positive", "surprise"]


@pytest.fixture
def project(class_project):
    return class_project


def test_held_out_samples_the_parent_trained_on_are_said_to_be_no_estimate(qtbot, project):
    from merstudio.gui.checkpoint_dialog import WARN_COLOUR
    from merstudio.gui.look import on_window
    from merstudio.training.finetune import holdout_basis, split_note

    labels = ["negative"] * 4 + ["positive"] * 5 + ["surprise"] * 3
    per_class = {c: {"support": labels.count(c), "f1": 1.0} for c in CLASSES}
    metrics = {"uf1": 1.0, "uar": 1.0, "accuracy": 1.0, "per_class": per_class}
    res = types.SimpleNamespace(
        checkpoint=project.path.parent / "dev-ft2.pt", class_names=CLASSES, before=metrics, after=metrics,
        train_events=list(range(9)), coders=["auditor"], split={}, split_saved=True,
        holdout={"by": "video", "groups": ["6"], "video_names": ["smile_reenc.mp4"], "n": 12, "n_none": 0},
        holdout_counts={c: labels.count(c) for c in CLASSES}, train_counts={"positive": 5, "negative": 3},
        n_mix=0, basis=holdout_basis(labels, CLASSES, parent_fit=7),
        split_note=split_note({"runs": []}, parent_overlap=7))
    dlg = shown_finetune_dialog(qtbot, project)
    dlg._on_done(res)
    assert dlg.basis_label.text() == (
        "Held-out figures: not an estimate: 12 samples, 3 of 3 classes; 7 of them trained the parent checkpoint (or "
        "a fine-tuning it descends from), so the 'before' and the 'after' score on them are fit, not held out")
    assert on_window(dlg, WARN_COLOUR) in dlg.basis_label.styleSheet()
    assert "⚠ 7 of these held-out events trained the parent checkpoint" in dlg.summary.text()
    assert "both the 'before' and the 'after' score on them are fit" in dlg.summary.text()
