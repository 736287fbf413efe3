"""A held-out split locked before the record kept what the project had at the lock (`seen_events`/`seen_groups`,
2026-12-07) gave no line about the events and videos added since: they trained unnamed, as if nothing had changed.
The note now says, once, that the lock predates that record and how to get a lock that tells them apart."""

from __future__ import annotations

from pathlib import Path

from support.finetune_project import CLASSES, PLACEHOLDER_EVENTS, locked_project

from merstudio.project import Event
from merstudio.training.finetune_split import SPLIT_SETTING, collect_events, group_names, run_split

OLD = ("This split was locked before merstudio recorded what the project had at the lock (seen_events, since "
       "2026-12-07), so events coded since on its training videos and videos added since cannot be told from the "
       "earlier ones (they train){held}; hold out afresh (fresh_split=True / --fresh-split, or 'Fresh split' in the "
       "dialog) for a lock that tells them apart.")


def _note_after_changes(tmp_path: Path, drop: tuple[str, ...]) -> tuple[str, str]:
    locked = locked_project(tmp_path)
    proj = locked.project
    try:
        record = {k: v for k, v in proj.get_setting(SPLIT_SETTING).items() if k not in drop}
        proj.set_setting(SPLIT_SETTING, record)
        # since the lock: a video and an event on a training video
        clip = tmp_path / "take9.avi"
        clip.write_bytes(b"take 9 " * 40)
        v = proj.add_video(clip, 25.0, 200, 64, 48)
        proj.add_events([Event(v.id, a, b, c, emotion=e, coder="ann") for a, b, c, e in PLACEHOLDER_EVENTS])
        train_vid = next(x.id for x in proj.videos() if x.id != locked.held_video)
        proj.add_events([Event(train_vid, 160, 163, 170, emotion="surprise", coder="ann")])
        items, _ = collect_events(proj, CLASSES)
        names = group_names(proj, "video")
        return run_split(proj, items, "video", 0.25, min_train=1, names=names).note, locked.held_name
    finally:
        proj.close()


def test_a_lock_without_seen_events_says_it_cannot_tell_what_was_added(tmp_path):
    note, _ = _note_after_changes(tmp_path, ("seen_events", "seen_groups"))
    assert note == OLD.format(held=""), note
    assert note.count("locked before") == 1


def test_a_lock_of_groups_only_says_so_for_its_held_out_videos_too(tmp_path):
    note, name = _note_after_changes(tmp_path, ("seen_events", "seen_groups", "held_events"))
    assert note == OLD.format(held=", and those coded since on its held-out video "
                              f"{name} are held out with the ones it locked"), note


def test_a_lock_with_seen_events_names_what_was_added(tmp_path):
    note, _ = _note_after_changes(tmp_path, ())
    assert "locked before" not in note
    assert "1 event coded since on training videos trains" in note and "take9.avi, added since, trains" in note
