"""A fine-tuned checkpoint in the checkpoint dialog: its hold-out's figures come with what they rest on (2 samples
of one class: no estimate, said before the figures, never headlined as UF1 1.000), and the parent's own
evaluation, which the fine-tuning replaced in `metrics`, is shown beside them, named: kept in the checkpoint
(`parent_metrics`), or for one fine-tuned before that was kept, read from the parent file while it is the same."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

CLASSES = ["negative", "positive", "surprise"]
PARENT = {"protocol": "lodo", "uf1": 0.768, "uar": 0.778, "accuracy": 0.773, "n": 309}
PARENT_LINE = "lodo, UF1 0.768, UAR 0.778, ACCURACY 0.773 (n = 309)"


def _finetuned_meta(parent: Path, sha: str) -> dict:
    """The metadata a61's dev-ft1.pt had: 2 held-out samples, both positive, every figure 1.000."""
    return {"class_names": CLASSES, "parent": str(parent), "parent_sha256": sha,
            "training_data": {"description": "megc2019 dev", "n_samples": 309, "n_subjects": 40},
            "metrics": {"protocol": "fine-tuning hold-out by video (2 samples)", "uf1": 1.0, "uar": 1.0,
                        "accuracy": 1.0, "n": 2, "before_uf1": 1.0, "before_uar": 1.0},
            "finetune": {"project": "/x/ft.merproj", "events": list(range(9)), "coders": ["auditor"],
                         "holdout_counts": {"positive": 2}}}


def _recorded(meta: dict) -> dict:
    """The same checkpoint as fine-tuning writes it now: the basis and the parent's figures recorded."""
    from merstudio.training.finetune_split import holdout_basis

    b = holdout_basis(["positive", "positive"], CLASSES)
    return {**meta, "parent_metrics": {"checkpoint": "dev.pt", "sha256": meta["parent_sha256"], **PARENT},
            "metrics": {**meta["metrics"], "per_class_n": b["per_class"], "classes_present": 1, "n_classes": 3,
                        "estimate": False, "basis": b["text"]}}


def test_a_tiny_hold_out_is_no_estimate_and_the_parents_figures_stand_beside_it(qtbot, tmp_path):
    from merstudio.gui.checkpoint_dialog import CheckpointDialog, provenance

    meta = _recorded(_finetuned_meta(tmp_path / "gone" / "dev.pt", "0" * 64))
    prov = provenance(tmp_path / "dev-ft1.pt", meta)
    verdict = ("fine-tuning hold-out by video (2 samples): not an estimate: 2 samples, 1 of 3 classes (UAR/UF1 over "
               "the classes present only); too few to compare models.")
    assert prov.evaluation.startswith(verdict)
    assert "1.000" not in prov.evaluation[:len(verdict)]  # the figures come after the verdict, not as a headline
    assert prov.evaluation.endswith("Its figures: UF1 1.000, UAR 1.000, ACCURACY 1.000 (n = 2)")
    assert prov.parent_evaluation == f"dev.pt: {PARENT_LINE}"
    dlg = CheckpointDialog(str(tmp_path / "dev-ft1.pt"), meta, use=False)
    qtbot.addWidget(dlg)
    assert dlg.rows["Evaluation"] == prov.evaluation
    assert dlg.rows["Parent's evaluation"] == f"dev.pt: {PARENT_LINE}"
    labels = list(dlg.rows)
    assert labels.index("Parent's evaluation") == labels.index("Evaluation") + 1  # beside it


def test_a_model_trained_from_scratch_has_no_parents_row(qtbot, tmp_path):
    from merstudio.gui.checkpoint_dialog import CheckpointDialog

    dlg = CheckpointDialog(str(tmp_path / "dev.pt"), {"class_names": CLASSES, "metrics": dict(PARENT)}, use=False)
    qtbot.addWidget(dlg)
    assert dlg.rows["Evaluation"] == PARENT_LINE and "Parent's evaluation" not in dlg.rows


def test_an_older_fine_tuning_shows_its_counts_and_reads_the_parents_figures(qtbot, tmp_path):
    """Fine-tuned before the basis and the parent's figures were kept (a61's dev-ft1.pt): the per-class counts it
    records, and the parent file's own figures while it is the file it was fine-tuned from."""
    from support.finetune_project import tiny_checkpoint

    from merstudio.gui.checkpoint_dialog import provenance
    from merstudio.model import load_checkpoint, save_checkpoint

    model, pmeta = load_checkpoint(tiny_checkpoint(tmp_path / "tiny.pt", classes=tuple(CLASSES)))
    parent = save_checkpoint(tmp_path / "dev.pt", model, {"input": pmeta["input"], "metrics": dict(PARENT)})
    sha = hashlib.sha256(parent.read_bytes()).hexdigest()
    meta = _finetuned_meta(parent, sha)
    prov = provenance(tmp_path / "dev-ft1.pt", meta)
    # the verdict a checkpoint fine-tuned now records (the first test's), drawn from the counts it does record
    assert prov.evaluation == (
        "fine-tuning hold-out by video (2 samples): not an estimate: 2 samples, 1 of 3 classes (UAR/UF1 over the "
        "classes present only); too few to compare models (held out positive 2: the counts it records, judged as a "
        "fine-tuning is now). Its figures: UF1 1.000, UAR 1.000, ACCURACY 1.000 (n = 2)")
    assert prov.parent_evaluation == f"dev.pt: {PARENT_LINE} (read from the parent file)"
    # another file at the parent's path: its figures are not the parent's
    save_checkpoint(parent, model, {"input": pmeta["input"], "metrics": {**PARENT, "uf1": 0.5}})
    assert hashlib.sha256(parent.read_bytes()).hexdigest() != sha
    prov = provenance(tmp_path / "dev-ft1.pt", meta)
    assert prov.parent_evaluation == ("not recorded (fine-tuned before 2026-12-07, and the parent file is gone or "
                                      "has changed)")


def test_an_older_fine_tuning_of_every_class_is_judged_an_estimate(tmp_path):
    """Old counts of 12 held-out samples of every class: the same verdict a new one records, said after its figures."""
    from merstudio.gui.checkpoint_dialog import provenance

    meta = _finetuned_meta(tmp_path / "gone.pt", "0" * 64)
    meta["metrics"] = {**meta["metrics"], "protocol": "fine-tuning hold-out by video (12 samples)", "n": 12,
                       "uf1": 0.5, "uar": 0.5, "accuracy": 0.5}
    meta["finetune"] = {**meta["finetune"], "holdout_counts": {"negative": 4, "positive": 5, "surprise": 3}}
    prov = provenance(tmp_path / "dev-ft1.pt", meta)
    assert prov.evaluation == ("fine-tuning hold-out by video (12 samples), UF1 0.500, UAR 0.500, ACCURACY 0.500 "
                               "(n = 12); 12 samples, 3 of 3 classes (held out negative 4, positive 5, surprise 3: "
                               "the counts it records, judged as a fine-tuning is now)")
