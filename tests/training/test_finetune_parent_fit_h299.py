"""h299 (a112 findings 2, 3): held-out samples the parent checkpoint trained on make the held-out figures no
estimate, 'before' and 'after' alike (the new model starts from the parent's weights), in the note, the basis line
and the checkpoint's record; and the parent's events are found by video content and frames, so a copied or moved
project (Save As) avoids and names them as the original does."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

from support.finetune_project import project_fixtures

import merstudio.training.finetune as F
from merstudio.model import read_checkpoint_meta
from merstudio.project import Project
from merstudio.training.finetune_split import Item

built, cache, proj = project_fixtures("fth299")


def _copy(path):
    """The project saved under another name beside it (Save As; its videos found as before)."""
    dst = path.parent / "copy.merproj"
    shutil.copy(path, dst)
    return dst


def test_copied_project_names_the_parents_events_and_the_figures_are_no_estimate(proj, cache):
    path, ckpt = proj
    res1 = F.finetune(path, ckpt, epochs=1, cache_dir=cache, seed=0)
    copy = _copy(path)
    with Project.open(copy) as p:
        items, _ = F.collect_events(p, res1.class_names)
        record = p.get_setting(F.SPLIT_SETTING)
        trained_group = next(g for g in sorted({it.group for it in items}) if g not in res1.holdout["groups"])
        # the copy's split holds out a video the parent trained on (as a fresh split that cannot avoid it would),
        # its 'none' windows drawn anew (held_none: the spent video's)
        record = {k: v for k, v in record.items() if k != "held_none"}
        p.set_setting(F.SPLIT_SETTING, {**record, "groups": [trained_group], "held_events": None, "runs": []})
    res2 = F.finetune(copy, res1.checkpoint, epochs=1, cache_dir=cache)
    overlap = len(set(res2.holdout_events) & set(res1.train_events))
    n_none = res2.holdout["n_none"]
    assert overlap == 6 and n_none > 0 and res2.holdout["groups"] == [trained_group]
    # the parent's 'none' windows of that video are on the same frames: fit too
    assert res2.split_note.startswith(f"{overlap} of these held-out events (and {n_none} 'none' window")
    assert "both the 'before' and the 'after' score on them are fit" in res2.split_note
    assert "not an estimate" in res2.split_note
    assert res2.basis["estimate"] is False and res2.basis["parent_fit"] == overlap + n_none
    assert res2.basis["text"].startswith("not an estimate: ")
    assert f"{overlap + n_none} of them trained the parent checkpoint" in res2.basis["text"]
    meta = read_checkpoint_meta(res2.checkpoint)
    assert meta["metrics"]["estimate"] is False and meta["metrics"]["parent_fit"] == overlap + n_none
    assert meta["metrics"]["basis"] == res2.basis["text"]
    assert res2.split["runs"][-1]["estimate"] is False  # no best run on the split
    # the lineage by content: the parent's samples, then this run's, 'none' windows labelled so
    samples = meta["finetune"]["trained_samples"]
    events = [s["event"] for s in samples if s["event"] is not None]
    assert sorted(events) == sorted(set(res1.train_events) | set(res2.train_events))  # each once
    assert any(s["event"] is None and s["label"] == "none" for s in samples)


def test_a_fresh_split_in_a_copy_avoids_the_parents_events(proj, cache):
    from merstudio.training.finetune_split import trained_events

    path, ckpt = proj
    copy = _copy(path)  # before the parent's run: the copy has no split of its own
    res1 = F.finetune(path, ckpt, epochs=1, cache_dir=cache, seed=0)
    meta = read_checkpoint_meta(res1.checkpoint)
    with Project.open(copy) as p:
        items, _ = F.collect_events(p, res1.class_names)
        videos = {v.id: v for v in p.videos()}
    assert trained_events(meta, copy, items, videos) == set(res1.train_events)
    said: list[str] = []
    res2 = F.finetune(copy, res1.checkpoint, epochs=1, cache_dir=cache, seed=1, log=said.append)
    assert res2.holdout["groups"] == res1.holdout["groups"]  # the one video the parent did not train on
    assert f"the parent checkpoint trained on {len(res1.train_events)} of the project's usable events: the new " \
           "split holds out none of them" in said
    assert res2.basis["parent_fit"] == 0 and "trained the parent" not in res2.split_note


def test_basis_of_samples_the_parent_trained_on():
    classes = ["negative", "positive", "surprise", "none"]
    labels = [c for c in classes for _ in range(5)]
    assert F.holdout_basis(labels, classes)["estimate"] is True
    b = F.holdout_basis(labels, classes, parent_fit=10)
    assert b["estimate"] is False and b["parent_fit"] == 10
    assert b["text"] == ("not an estimate: 20 samples, 4 of 4 classes; 10 of them trained the parent checkpoint (or "
                         "a fine-tuning it descends from), so the 'before' and the 'after' score on them are fit, "
                         "not held out")
    few = F.holdout_basis(["positive", "positive"], classes, parent_fit=1)["text"]
    assert few.startswith("not an estimate: 2 samples, 1 of 4 classes (UAR/UF1 over the classes present only); "
                          "too few to compare models; 1 of them trained the parent")


def _window(vid, onset):
    return Item(f"none:{vid}:{onset}", None, vid, str(vid), "none", onset, onset + 4, onset + 4, None)


def test_none_windows_matched_by_content_and_for_an_older_parent_by_video():
    from merstudio.training.finetune_split import trained_windows

    videos = {1: SimpleNamespace(hash="aa"), 2: SimpleNamespace(hash="bb"), 3: SimpleNamespace(hash=None)}
    none = [_window(1, 100), _window(1, 140), _window(2, 100), _window(3, 100)]
    new = {"finetune": {"trained_samples": [
        {"video_hash": "aa", "onset": 102, "offset": 106, "label": "none", "event": None},
        {"video_hash": "bb", "onset": 5, "offset": 13, "label": "positive", "event": 7}]}}
    assert trained_windows(new, none, videos) == {"none:1:100"}
    # before trained_samples: which windows is unknown; every window of a video whose events it trained on counts
    old = {"finetune": {"n_none_train": 4, "trained_on": [
        {"event": 7, "video_hash": "bb", "onset": 5, "apex": 9, "offset": 13, "label": "positive"}]}}
    assert trained_windows(old, none, videos) == {"none:2:100"}
    assert trained_windows({"finetune": {**old["finetune"], "n_none_train": 0}}, none, videos) == set()


def test_a_new_split_avoids_the_parents_events_before_those_of_spent_splits():
    """Scores on the parent's events are fit (no estimate); on a spent split's, only optimistic: a112's fresh split
    held out two videos the parent trained on where one would do, the two kinds weighed alike."""
    items = [Item(f"event:{g * 10 + k}", g * 10 + k, g, f"g{g}", ("negative", "positive")[k % 2], 5, 9, 13, None)
             for g in (1, 2, 3) for k in range(4)]
    parent = {e.event_id for e in items if e.group in ("g1", "g2")}
    spent = {e.event_id for e in items if e.group == "g3"}
    for seed in range(8):
        held, _train, _held = F.split_holdout(items, 0.34, min_train=1, seed=seed, avoid=spent, parent=parent)
        assert held == {"g3"}
