"""The checkpoint dialog names, in a row under Evaluation, the classes a fine-tuning's hold-out could not measure, as the
fine-tuning's report does ("others: not measured (no held-out samples)"): "3 of 5 classes" alone left the reader to
guess which two (h288, h279). Also for a checkpoint fine-tuned before the basis was recorded (its hold-out counts),
and for a configuration whose search looked at subjects of these names with other inputs."""

from __future__ import annotations

from merstudio.gui.checkpoint_dialog import CheckpointDialog, provenance

CLASSES = ["disgust", "happiness", "others", "repression", "surprise"]
# a105's ft5.pt as `merstudio finetune` wrote it (2026-12-07)
METRICS = {"protocol": "fine-tuning hold-out by video (6 samples)", "uf1": 1.0, "uar": 1.0, "accuracy": 1.0, "n": 6,
           "per_class_n": {"disgust": 2, "happiness": 2, "others": 0, "repression": 0, "surprise": 2},
           "classes_present": 3, "n_classes": 5, "estimate": False,
           "basis": "not an estimate: 6 samples, 3 of 5 classes (UAR/UF1 over the classes present only); too few to "
                    "compare models"}
TUNED = {"project": "/lab/labmap.merproj", "events": [1, 2, 3], "coders": ["ann"],
         "holdout_counts": {"happiness": 2, "disgust": 2, "surprise": 2}}


def test_the_evaluation_row_names_the_classes_not_measured(qtbot, tmp_path):
    path = tmp_path / "ft5.pt"
    path.write_bytes(b"not read: the dialog is given the metadata")
    meta = {"class_names": CLASSES, "metrics": METRICS, "finetune": TUNED, "parent": "five25.pt"}
    dlg = CheckpointDialog(str(path), meta, use=False)
    qtbot.addWidget(dlg)
    assert "3 of 5 classes" in dlg.rows["Evaluation"]
    assert dlg.rows["Not measured"] == ("others, repression: no held-out samples, so the Evaluation's figures leave "
                                        "them out")
    rows = list(dlg.rows)  # under the Evaluation row and the parent's beside it
    assert rows.index("Not measured") == rows.index("Parent's evaluation") + 1 == rows.index("Evaluation") + 2


def test_an_older_record_names_them_from_its_hold_out_counts(tmp_path):
    old = {k: v for k, v in METRICS.items() if k not in ("basis", "per_class_n", "estimate")}
    meta = {"class_names": CLASSES, "metrics": old, "finetune": TUNED}
    prov = provenance(tmp_path / "old.pt", meta)
    assert "3 of 5 classes" in prov.evaluation
    assert prov.not_measured.startswith("others, repression: no held-out samples")


def test_a_searched_name_with_other_inputs_is_said(tmp_path):
    m = {"protocol": "loso", "uf1": 0.5, "n": 40, "config_origin": {"seen_subjects": 0, "n_subjects": 4,
                                                                     "named_like_search": 3}}
    text = provenance(tmp_path / "m.pt", {"class_names": CLASSES, "metrics": m}).evaluation
    assert "; 3 of these subjects share a name with subjects the search that chose its settings " \
           "looked at (with other inputs): if the same people, not a nested estimate" in text
