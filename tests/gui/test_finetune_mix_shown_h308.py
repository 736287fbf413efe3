"""h308: the app says what `merstudio finetune --mix` says and records (h298). The fine-tuning dialog's summary
carries the CLI's warning when its Mix with data holds single flow images repeated at each of a T=2 model's steps
(the result's mix_images_repeated; it said nothing), and the checkpoint dialog lists the data sets fine-tuning mixed
in (mixed_training_data, or an older checkpoint's finetune.mix spec) beside the parent's training data (it listed
training_data alone, so the model seemed never to have seen the mixed subjects)."""

from __future__ import annotations

import types

import pytest
from gui_fixtures import shown_finetune_dialog

pytestmark = pytest.mark.gui

CLASSES = ["negative", "positive", "surprise"]


@pytest.fixture
def project(class_project):
    return class_project


def _result(out, repeated: int):
    """A fine-tuning's result as training.finetune returns it: 12 mixed samples, `repeated` as its field."""
    labels = ["negative"] * 4 + ["positive"] * 5 + ["surprise"] * 3
    metrics = {"uf1": 0.5, "uar": 0.5, "accuracy": 0.5,
               "per_class": {c: {"support": labels.count(c), "f1": 0.5} for c in CLASSES}}
    return types.SimpleNamespace(
        checkpoint=out, class_names=CLASSES, before=metrics, after=metrics, train_events=list(range(9)),
        coders=["ann"], split={}, split_saved=True,
        holdout={"by": "video", "groups": ["1"], "video_names": ["smile.mp4"], "n": 12, "n_none": 0},
        holdout_counts={c: labels.count(c) for c in CLASSES}, train_counts={"positive": 5, "negative": 3},
        n_mix=12, n_mix_held_out=0, mix_images_repeated=repeated)


@pytest.mark.parametrize("repeated", [2, 0])
def test_the_summary_warns_of_single_flow_images_mixed_into_a_two_step_model(qtbot, project, tmp_path, repeated):
    from merstudio.gui.checkpoint_dialog import WARN_COLOUR
    from merstudio.gui.look import on_window
    from merstudio.resources import starter_checkpoint

    out = tmp_path / "tuned.pt"
    mix = str(tmp_path / "flow images.csv")
    calls = []

    def fake(project_path, ckpt, output, **kwargs):
        calls.append(kwargs)
        return _result(out, repeated)

    dlg = shown_finetune_dialog(qtbot, project, finetune_fn=fake)
    dlg.mix.setText(mix)
    dlg.start()
    qtbot.waitUntil(lambda: not dlg.is_running() and dlg.result is not None, timeout=10000)
    assert calls[0]["mix_with"] == mix
    text = dlg.summary.text()
    said = (f"⚠ {starter_checkpoint().name} takes 2 time steps over a clip's onset -> apex; Mix with {mix} holds "
            "single flow images, one step each, repeated 2 times: the fine-tuned model learns still images at every "
            "step, no movement unfolding (mix clips instead, or train a one-step model on flow images with "
            "`merstudio train`)")
    if repeated:
        assert said in text, text
        assert on_window(dlg, WARN_COLOUR) in dlg.summary.styleSheet()
    else:  # clips, or a one-step model: nothing to warn of
        assert "single flow images" not in text and "⚠" not in text, text
        assert dlg.summary.styleSheet() == ""


def _finetuned_meta(**extra):
    """A fine-tuned checkpoint's metadata as training.finetune writes it (the parent trained on a table)."""
    return {"class_names": CLASSES, "aus": [1, 2], "parent": "/models/parent.pt",
            "training_data": {"description": "sample table casme.csv", "spec": "table:casme.csv", "n_samples": 200,
                              "n_subjects": 20},
            "finetune": {"project": "/p/p.merproj", "events": [1, 2, 3], "coders": ["ann"], "class_map": None},
            **extra}


def test_the_checkpoint_dialog_lists_the_data_sets_fine_tuning_mixed_in(qtbot):
    from merstudio.gui.checkpoint_dialog import CheckpointDialog, provenance
    from merstudio.model.checkpoint_meta import MIXED_TRAINING_DATA

    mixed = [{"description": "sample table flow.csv", "spec": "table:/data/flow.csv", "n_samples": 12,
              "n_subjects": 3, "subjects": ["s1", "s2", "s3"]},
             {"description": "CASME II", "spec": "casme2:/data/casme2", "n_samples": 1, "subjects": ["sub01"]}]
    dlg = CheckpointDialog("/models/tuned.pt", _finetuned_meta(**{MIXED_TRAINING_DATA: mixed}), use=False)
    qtbot.addWidget(dlg)
    assert dlg.rows["Mixed in by fine-tuning"] == ("sample table flow.csv (table:/data/flow.csv; 12 samples, 3 "
                                                   "subjects)\nCASME II (casme2:/data/casme2; 1 sample, 1 subject)")
    assert dlg.rows["Parent trained on"] == "sample table casme.csv (200 samples, 20 subjects)"  # as before
    assert provenance("/models/tuned.pt", _finetuned_meta(**{MIXED_TRAINING_DATA: mixed})).mixed_in[1].startswith(
        "CASME II")

    # fine-tuned before 2026-12-07: its mix by its spec alone (checkpoint_meta.mixed_training_sets reads it)
    old = CheckpointDialog("/models/old.pt", _finetuned_meta(finetune={
        "project": "/p/p.merproj", "events": [1], "coders": ["ann"], "mix": {"spec": "table:mix.csv", "n": 4}}),
        use=False)
    qtbot.addWidget(old)
    assert old.rows["Mixed in by fine-tuning"] == "table:mix.csv (samples and subjects not recorded)"

    # every mixed sample came from a held-out video: none trained it, said as a count, not as unrecorded
    gone = provenance("/models/t.pt", _finetuned_meta(**{MIXED_TRAINING_DATA: [
        {"description": "sample table flow.csv", "spec": "table:flow.csv", "n_samples": 0, "n_subjects": 0}]}))
    assert gone.mixed_in == ["sample table flow.csv (table:flow.csv; 0 samples, 0 subjects)"]

    # nothing mixed in ([] as a fine-tuning writes it, or no record): no row
    for meta in (_finetuned_meta(**{MIXED_TRAINING_DATA: []}), _finetuned_meta()):
        none = CheckpointDialog("/models/plain.pt", meta, use=False)
        qtbot.addWidget(none)
        assert "Mixed in by fine-tuning" not in none.rows
