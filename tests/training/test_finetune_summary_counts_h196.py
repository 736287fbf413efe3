"""The run's log line (`_Plan.summary`) counts what it trains on, the locked held-out events it scores and, apart,
the events coded on the held-out video since the lock: it said "22 events" as if the fresh ones were among the
trained or the scored."""

from __future__ import annotations

from pathlib import Path

from merstudio.project import Event, Project
from merstudio.training.finetune import _Plan
from merstudio.training.finetune_split import SPLIT_SETTING, collect_events, group_names, run_split

CLASSES = ["negative", "positive", "surprise", "none"]
TRUTH = [(10, 14, 20, "positive"), (40, 44, 50, "negative"), (70, 73, 77, "surprise"), (100, 104, 110, "negative"),
         (130, 133, 140, "positive")]


def _plan(proj: Project) -> _Plan:
    items, skipped = collect_events(proj, CLASSES)
    names = group_names(proj, "video")
    split = run_split(proj, items, "video", 0.25, min_train=1, names=names)
    return _Plan(items, skipped, split, [], set(), names, names, {}, {}, [], [])


def test_the_summary_counts_trained_held_out_and_fresh_apart(tmp_path: Path):
    proj = Project.create(tmp_path / "p.merproj")
    try:
        for k in range(4):
            clip = tmp_path / f"take{k}.avi"
            clip.write_bytes(f"take {k} ".encode() * 40)  # placeholders: four videos, none read
            v = proj.add_video(clip, 25.0, 200, 64, 48)
            proj.add_events([Event(v.id, a, b, c, emotion=e, coder="ann", status="accepted") for a, b, c, e in TRUTH])
        first = _plan(proj)
        proj.set_setting(SPLIT_SETTING, first.split.record)
        name = f"take{int(next(iter(first.split.groups))) - 1}.avi"
        assert first.summary("video") == ("20 events (negative 8, positive 8, surprise 4): 15 to train on, 5 held-out "
                                          f"events; 0 'none' windows; holding out video {name}")

        held_vid = int(next(iter(first.split.groups)))
        proj.add_events([Event(held_vid, 160, 163, 170, emotion="surprise", coder="ann"),
                         Event(held_vid, 180, 183, 190, emotion="positive", coder="ann")])
        again = _plan(proj)
        assert again.summary("video") == (
            "22 events (negative 8, positive 9, surprise 5): 15 to train on, 5 held-out events (+2 coded since the "
            f"lock, scored apart); 0 'none' windows; holding out video {name}"), again.summary("video")
    finally:
        proj.close()
