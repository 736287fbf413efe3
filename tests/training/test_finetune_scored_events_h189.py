"""Fine-tuning lists each held-out event's class before and after and says what its figures measure (a93 finding
3): "F1 surprise 0.000 -> 0.667" was read as "the proposals will now say surprise", but the two events scored right
were stretches the app never asks the model about. The report (CLI, result) and the checkpoint now name every
held-out event with its video, frames, coded class and the class read before and after, and say that the figures
score the coded onset -> apex input, not the app's gated per-frame proposals."""

from __future__ import annotations

import numpy as np
from support.finetune_project import project_fixtures

import merstudio.training.finetune as F

built, cache, proj = project_fixtures("ftscored")


def _accuracy(scored, when):
    return float(np.mean([s[when] == s["label"] for s in scored]))


def test_each_held_out_sample_is_listed_with_its_class_before_and_after(proj, cache):
    from merstudio.model import read_checkpoint_meta

    path, ckpt = proj
    res = F.finetune(path, ckpt, epochs=1, cache_dir=cache)
    scored = res.scored
    # one per held-out sample, in the figures' order: its events, then its 'none' windows
    assert len(scored) == res.holdout["n"]
    assert [s["label"] for s in scored] == res.holdout["labels"]
    assert sorted(s["event"] for s in scored if s["event"] is not None) == res.holdout_events
    assert sum(s["event"] is None for s in scored) == res.holdout["n_none"] > 0
    assert {s["video"] for s in scored} == set(res.holdout["video_names"])
    # the figures are made of these reads
    assert _accuracy(scored, "before") == res.before["accuracy"]
    assert _accuracy(scored, "after") == res.after["accuracy"]
    for s in scored:
        assert 0 < s["before_p"] <= 1 and 0 < s["after_p"] <= 1
        assert s["before"] in res.class_names and s["after"] in res.class_names
    # the checkpoint keeps them (it kept the confusion matrices only) and what they were scored on
    ft = read_checkpoint_meta(res.checkpoint)["finetune"]
    assert ft["held_out_scored"] == scored
    assert "coded onset -> apex frames" in ft["scored_on"] and "not the app's proposals" in ft["scored_on"]
    # the text: a row per held-out event, with its video, frames, coded class and both reads
    table = res.events_table().splitlines()
    assert table[0].split() == ["video", "frames", "coded", "before", "after"]
    events = [s for s in scored if s["event"] is not None]
    assert len(table) == 1 + len(events) + 1  # the header, the events, the 'none' windows' line
    for s in events:
        frames = f"{s['onset']}-{s['apex']}-{s['offset']}"
        row = next(r for r in table if r.startswith(s["video"]) and f" {frames} " in r)
        assert row.split()[2] == s["label"]
        assert s["before"] in row and s["after"] in row
    n_none = res.holdout["n_none"]
    assert table[-1].startswith(f"{n_none} 'none' windows (frames away from every event): read as none ")


def test_the_rows_mark_the_coded_class_and_sort_by_video_and_frames():
    scored = [
        {"event": 7, "video": "smile_flip.mp4", "onset": 40, "apex": 45, "offset": 60, "label": "surprise",
         "before": "none", "before_p": 0.55, "after": "surprise", "after_p": 0.71},
        {"event": 6, "video": "smile_flip.mp4", "onset": 17, "apex": 20, "offset": 40, "label": "surprise",
         "before": "positive", "before_p": 0.9, "after": "positive", "after_p": 0.62},
        {"event": None, "video": "smile_flip.mp4", "onset": 90, "apex": 93, "offset": 96, "label": "none",
         "before": "none", "before_p": 0.5, "after": "positive", "after_p": 0.4},
    ]
    assert F.events_rows(scored) == [
        ("smile_flip.mp4", "17-20-40", "surprise", "positive .90", "positive .62"),
        ("smile_flip.mp4", "40-45-60", "surprise", "none .55", "surprise .71 ✓"),
    ]
    assert F.none_windows_text(scored) == "1 'none' window (frames away from every event): read as none 1 before, 0 after"


def test_the_cli_lists_the_events_and_says_what_the_figures_measure(proj, cache, capsys):
    from merstudio.cli.main import main

    path, ckpt = proj
    rc = main(["finetune", "--project", str(path), "--checkpoint", str(ckpt), "--epochs", "1", "--cache",
               str(cache), "--no-progress"])
    out = capsys.readouterr().out
    assert rc == 0
    lines = out.splitlines()
    at = lines.index("each held-out event as read before and after (✓ the coded class):")
    assert lines[at + 1].split() == ["video", "frames", "coded", "before", "after"]
    from merstudio.model import read_checkpoint_meta

    scored = read_checkpoint_meta(path.parent / "tiny-ft1.pt")["finetune"]["held_out_scored"]
    rows = F.events_rows(scored)
    assert rows and all(any(r[0] in line and f" {r[1]} " in line for line in lines[at + 2:]) for r in rows)
    scope = next(line for line in lines if line.startswith("what the figures measure: "))
    assert "each held-out event's coded onset -> apex frames" in scope and "not the app's proposals" in scope
    assert "motion gate" in scope and "0.2 s" in scope
