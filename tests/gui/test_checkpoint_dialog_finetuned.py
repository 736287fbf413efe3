"""A fine-tuned checkpoint in the checkpoint dialog: what it was fine-tuned on (the parent, the coded events and
videos, its own class map) and its parent's training data as the parent's; the fine-tuning dialog's split row
counts the runs of every split that held out the same events."""

from __future__ import annotations

from pathlib import Path

from support.finetune_project import project_fixtures

built, cache, proj = project_fixtures("ftckdlg")


def test_the_dialog_says_what_the_model_was_fine_tuned_on(qtbot, proj, cache):
    import merstudio.training.finetune as F
    from merstudio.gui.checkpoint_dialog import CheckpointDialog, provenance
    from merstudio.model import read_checkpoint_meta
    from merstudio.project import Project

    path, ckpt = proj
    res = F.finetune(path, ckpt, epochs=1, cache_dir=cache, class_map="megc2019")
    # the events that trained it, counted from the project: accepted, of a class under MEGC2019 (happiness is
    # positive there), on the videos not held out
    with Project.open(path, read_only=True) as p:
        train_videos = [v for v in p.videos() if Path(v.path).name not in res.holdout["video_names"]]
        n = sum(1 for v in train_videos for e in p.events(v.id, status="accepted")
                if e.emotion in ("happiness", "positive", "negative", "surprise"))
    assert len(train_videos) == 2 and n == 14
    meta = read_checkpoint_meta(res.checkpoint)
    dlg = CheckpointDialog(str(res.checkpoint), meta, use=False)
    qtbot.addWidget(dlg)
    assert dlg.rows["Trained on"] == f"fine-tuned from {ckpt.name} on {n} coded events of 2 videos (class map megc2019)"
    assert dlg.rows["Class map"] == "class map megc2019"
    assert dlg.rows["Parent trained on"] == "none"  # the tiny parent's own training_data description
    assert "parent trained on none" in provenance(res.checkpoint, meta).lane_note()


def test_the_split_row_counts_the_runs_of_a_spent_split_of_the_same_events(qtbot, proj, cache):
    """By subject only bob can be held out (alice's two videos hold too many events), so a fresh split draws bob's
    events again: the row counts the two runs of the spent split with the one since."""
    import merstudio.training.finetune as F
    from merstudio.gui.finetune_dialog import FinetuneDialog
    from merstudio.project import Project

    path, ckpt = proj
    runs = [F.finetune(path, ckpt, epochs=1, cache_dir=cache, holdout="subject", fresh_split=k == 2)
            for k in range(3)]
    assert runs[0].holdout_events == runs[2].holdout_events
    assert all(r.holdout["n"] < 10 for r in runs)  # bob's 6 events and 2 'none' windows: no estimate, no best
    project = Project.open(path, read_only=True)
    try:
        dlg = FinetuneDialog(path, ckpt, project=project)
        qtbot.addWidget(dlg)
        dlg.holdout.setCurrentText("subject")
        assert dlg.split_label.text() == ("locked: subject bob (3 earlier runs scored on it, none an estimate: under "
                                          "10 held-out samples or 2 classes; no best UF1): 6 held-out events")
    finally:
        project.close()
