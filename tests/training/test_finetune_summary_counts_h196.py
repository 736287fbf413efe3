"""The run's log line (`_Plan.summary`) counts what it trains on, the locked held-out events it scores and, apart,
the events coded on the held-out video since the lock: it said "22 events" as if the fresh ones were among the
trained or the scored."""

from __future__ import annotations

from pathlib import Path

from support.finetune_project import CLASSES, locked_project

from merstudio.project import Event, Project
from merstudio.training.finetune import _Plan
from merstudio.training.finetune_split import collect_events, group_names, run_split


def _plan(proj: Project) -> _Plan:
    items, skipped = collect_events(proj, CLASSES)
    names = group_names(proj, "video")
    split = run_split(proj, items, "video", 0.25, min_train=1, names=names)
    return _Plan(items, skipped, split, [], set(), names, names, {}, {}, [], [])


def test_the_summary_counts_trained_held_out_and_fresh_apart(tmp_path: Path):
    locked = locked_project(tmp_path)
    proj, name = locked.project, locked.held_name
    try:
        assert _plan(proj).summary("video") == ("20 events (negative 8, positive 8, surprise 4): 15 to train on, 5 "
                                                f"held-out events; 0 'none' windows; holding out video {name}")

        proj.add_events([Event(locked.held_video, 160, 163, 170, emotion="surprise", coder="ann"),
                         Event(locked.held_video, 180, 183, 190, emotion="positive", coder="ann")])
        again = _plan(proj)
        assert again.summary("video") == (
            "22 events (negative 8, positive 9, surprise 5): 15 to train on, 5 held-out events (+2 coded since the "
            f"lock, scored apart); 0 'none' windows; holding out video {name}"), again.summary("video")
    finally:
        proj.close()
