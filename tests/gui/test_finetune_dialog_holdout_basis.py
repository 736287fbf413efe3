"""The fine-tuning dialog says what its before/after figures rest on, above them, in the CLI's words: a hold-out of
2 samples of one class (UF1/UAR/accuracy 1.000 before and after, a61) is no estimate, said in orange; a larger one
of every class is said plainly. The slot is driven with a result as the worker hands it over."""

from __future__ import annotations

import types

import pytest
from gui_fixtures import shown_finetune_dialog

pytestmark = pytest.mark.gui

CLASSES = ["negative", "positive", "surprise"]


@pytest.fixture
def project(class_project):
    return class_project


def _result(project, labels):
    from merstudio.training.finetune import holdout_basis

    per_class = {c: {"support": labels.count(c), "f1": 1.0} for c in CLASSES}
    metrics = {"uf1": 1.0, "uar": 1.0, "accuracy": 1.0, "per_class": per_class}
    return types.SimpleNamespace(
        checkpoint=project.path.parent / "dev-ft1.pt", class_names=CLASSES, before=metrics, after=metrics,
        train_events=list(range(9)), coders=["auditor"], split={}, split_saved=True,
        holdout={"by": "video", "groups": ["6"], "video_names": ["smile_reenc.mp4"], "n": len(labels), "n_none": 0},
        holdout_counts={c: labels.count(c) for c in CLASSES if labels.count(c)},
        train_counts={"positive": 5, "negative": 3, "surprise": 1}, n_mix=0,
        basis=holdout_basis(labels, CLASSES))


def test_two_held_out_samples_of_one_class_are_said_to_be_no_estimate(qtbot, project):
    from merstudio.gui.checkpoint_dialog import WARN_COLOUR
    from merstudio.gui.look import on_window

    dlg = shown_finetune_dialog(qtbot, project)
    assert not dlg.basis_label.isVisible()  # before a run: nothing to judge
    dlg._on_done(_result(project, ["positive", "positive"]))
    assert dlg.basis_label.isVisible()
    assert dlg.basis_label.text() == ("Held-out figures: not an estimate: 2 samples, 1 of 3 classes (UAR/UF1 over "
                                      "the classes present only); too few to compare models")
    assert on_window(dlg, WARN_COLOUR) in dlg.basis_label.styleSheet()
    # above the before/after figures it qualifies
    assert dlg.basis_label.geometry().bottom() <= dlg.table.geometry().top()


def test_a_hold_out_of_every_class_is_said_plainly(qtbot, project):
    dlg = shown_finetune_dialog(qtbot, project)
    dlg._on_done(_result(project, ["negative"] * 4 + ["positive"] * 5 + ["surprise"] * 3))
    assert dlg.basis_label.text() == "Held-out figures: 12 samples, 3 of 3 classes"
    assert dlg.basis_label.styleSheet() == ""
