"""The locked held-out split holds events, not only videos: events coded later on a held-out video joined the
held-out set silently while the note said "These held-out events already scored 2 earlier fine-tuning runs", and a
video added after the lock went into training with no word. Now the locked events stay the scored ones, the later
ones on held-out videos are scored apart (a fresh set), and a line says what was coded since and where it went."""

from __future__ import annotations

from pathlib import Path

from merstudio.project import Event, Project
from merstudio.training.finetune_split import SPLIT_SETTING, collect_events, group_names, run_split

CLASSES = ["negative", "positive", "surprise", "none"]
TRUTH = [(10, 14, 20, "positive"), (40, 44, 50, "negative"), (70, 73, 77, "surprise"), (100, 104, 110, "negative"),
         (130, 133, 140, "positive")]


def _add_take(proj: Project, folder: Path, k: int) -> int:
    clip = folder / f"take{k}.avi"
    clip.write_bytes(f"take {k} ".encode() * 40)  # placeholders of their own content: distinct videos, none read
    v = proj.add_video(clip, 25.0, 200, 64, 48)
    proj.add_events([Event(v.id, a, b, c, emotion=e, coder="ann", status="accepted") for a, b, c, e in TRUTH])
    return v.id


def _split(proj: Project, **kw):
    items, _ = collect_events(proj, CLASSES)
    return items, run_split(proj, items, "video", 0.25, min_train=1, names=group_names(proj, "video"), **kw)


def test_the_locked_split_keeps_its_events_and_says_what_was_coded_since(tmp_path):
    proj = Project.create(tmp_path / "p.merproj")
    try:
        for k in range(4):
            _add_take(proj, tmp_path, k)
        items, first = _split(proj)
        proj.set_setting(SPLIT_SETTING, first.record)
        locked = sorted(items[i].event_id for i in first.held_idx)
        assert first.record["held_events"] == locked and len(locked) == 5 and not first.note
        held_vid = int(next(iter(first.groups)))
        train_vid = next(v.id for v in proj.videos() if v.id != held_vid)
        new_held = proj.add_events([Event(held_vid, 160, 163, 170, emotion="surprise", coder="ann"),
                                    Event(held_vid, 180, 183, 190, emotion="positive", coder="ann")])
        proj.add_events([Event(train_vid, 160, 163, 170, emotion="surprise", coder="ann")])
        gone = locked[0]
        proj.delete_event(gone)
        new_vid = _add_take(proj, tmp_path, 9)

        items, again = _split(proj)
        assert again.groups == first.groups
        # scored on the locked events still there; the two coded since on the held-out video in neither part
        assert sorted(items[i].event_id for i in again.held_idx) == locked[1:]
        assert sorted(items[i].event_id for i in again.fresh_idx) == sorted(e.id for e in new_held)
        train = {items[i].event_id for i in again.train_idx}
        assert not train & {e.id for e in new_held} and {it.event_id for it in items if it.video_id == new_vid} <= train
        name = f"take{held_vid - 1}.avi"
        assert again.note == (
            f"Since the split was locked: 2 events coded on held-out video {name} since then are kept out of training "
            "and scored apart as a fresh set (no earlier run saw them); 1 event coded since on training videos "
            "trains; video take9.avi, added since, trains (5 events; the locked split holds out none of it); 1 of "
            "the 5 locked held-out events is no longer usable (deleted, or the emotion no longer a class): the "
            "figures rest on fewer events than earlier runs'."), again.note
    finally:
        proj.close()


def test_a_record_that_locked_videos_only_holds_their_events_from_now_on(tmp_path):
    proj = Project.create(tmp_path / "p.merproj")
    try:
        for k in range(4):
            _add_take(proj, tmp_path, k)
        items, first = _split(proj)
        old = {k: v for k, v in first.record.items() if k not in ("held_events", "seen_events", "seen_groups")}
        proj.set_setting(SPLIT_SETTING, old)
        items, again = _split(proj)
        # as before: every event of the locked videos is held out; what it cannot know is said plainly (h200: it
        # said nothing, as if nothing had been coded since)
        assert sorted(again.held_idx) == sorted(first.held_idx) and not again.fresh_idx
        assert again.note.startswith("This split was locked before merstudio recorded what the project had at the "
                                     "lock"), again.note
        assert again.record["held_events"] == sorted(items[i].event_id for i in again.held_idx)
    finally:
        proj.close()


def test_a_run_scores_the_locked_samples_and_the_fresh_events_apart(proj, cache, capsys):
    """End to end: an event coded on the held-out video after the first run is not among the second run's scored
    samples (the same as the first run's, its 'none' windows included), nor trained on; it is scored apart."""
    import merstudio.training.finetune as F
    from merstudio.cli.main import main
    from merstudio.model import read_checkpoint_meta

    path, ckpt = proj
    r1 = F.finetune(path, ckpt, epochs=1, cache_dir=cache)
    with Project.open(path) as p:
        vid = r1.holdout["videos"][0]
        # a quiet stretch of the clip (frames 110.. have no expression), where the first run may have put a window
        (late,) = p.add_events([Event(vid, 96, 100, 104, emotion="surprise", aus="1+2", coder="ann")])
        p.save()
    rc = main(["finetune", "--project", str(path), "--checkpoint", str(ckpt), "--epochs", "1", "--cache", str(cache),
               "--no-progress"])
    out = capsys.readouterr().out
    assert rc == 0, out
    ft = read_checkpoint_meta(path.parent / "tiny-ft2.pt")["finetune"]
    assert ft["holdout"]["samples"] == r1.holdout["samples"]  # the same events and 'none' windows
    assert late.id not in ft["events"] and late.id not in ft["holdout"]["events"]
    assert ft["fresh"]["events"] == [late.id] and ft["fresh"]["n"] == 1
    assert "fresh set: 1 event coded on the held-out videos since the split was locked, never trained on nor scored " \
           "by an earlier run: UF1 " in out, out
    note = next(x for x in out.splitlines() if x.startswith("note: Since the split was locked"))
    assert "1 event coded on held-out video clip" in note and "These held-out events already scored 1 earlier " \
        "fine-tuning run" in note, note
