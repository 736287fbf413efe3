"""One expression coded twice (two coders of an agreement study, or a coded event and an accepted model proposal
over the same frames) was two training samples, or two held-out ones, and when the codings disagreed the same frames
trained as both classes: 8 distinct held-out samples were scored as 13, an estimate where there was none."""

from __future__ import annotations

from pathlib import Path

from merstudio.project import Event, Project
from merstudio.training.finetune_split import collect_events, collect_samples, holdout_basis, split_holdout

CLASSES = ["negative", "positive", "surprise", "none"]
TRUTH = [(10, 14, 20, "positive"), (40, 44, 50, "negative"), (70, 73, 77, "surprise"), (100, 104, 110, "negative"),
         (130, 133, 140, "positive")]


def _project(tmp_path: Path) -> tuple[Path, list[int]]:
    proj = Project.create(tmp_path / "p.merproj")
    vids = []
    for k in range(3):
        clip = tmp_path / f"take{k}.avi"
        clip.write_bytes(f"take {k} ".encode() * 40)  # placeholders of their own content: three videos, none read
        v = proj.add_video(clip, 25.0, 200, 64, 48)
        vids.append(v.id)
        for coder in ("ann", "ben"):
            # ben's boundaries are a frame or two off; on take1 he calls the second event positive
            shift = 1 if coder == "ben" else 0
            proj.add_events([Event(v.id, a + shift, b + shift, c + 2 * shift, coder=coder, source="manual",
                                   status="accepted",
                                   emotion="positive" if (coder, k, a) == ("ben", 1, 40) else e)
                             for a, b, c, e in TRUTH])
        # an accepted proposal over ann's 'surprise' (same class: merged) ...
        proj.add_events([Event(v.id, 71, 73, 76, emotion="surprise", coder="model", source="model",
                               status="accepted")])
    # ... and on take2 a coder's 'others' (no class) under an accepted 'negative' proposal: no 'negative' sample
    proj.add_events([Event(vids[2], 160, 163, 170, emotion="others", coder="ann", status="accepted"),
                     Event(vids[2], 161, 163, 168, emotion="negative", coder="model", source="model",
                           status="accepted")])
    # another face of the same frames is another expression
    proj.add_events([Event(vids[0], 10, 14, 20, face_id=1, emotion="negative", coder="ann", status="accepted")])
    proj.close()
    return tmp_path / "p.merproj", vids


def test_an_expression_coded_twice_is_one_sample_and_a_disagreement_none(tmp_path):
    path, vids = _project(tmp_path)
    proj = Project.open(path)
    try:
        got = collect_samples(proj, CLASSES)
        items, skipped = collect_events(proj, CLASSES)
    finally:
        proj.close()
    assert [it.sample for it in items] == [it.sample for it in got.items]
    # 5 expressions a take, less take1's disputed one, plus face 1's event on take0
    per_video = {v: sum(1 for it in items if it.video_id == v) for v in vids}
    assert per_video == {vids[0]: 6, vids[1]: 4, vids[2]: 5}
    assert skipped == {"others": 1}
    # each merged sample stands for all its events (the split and the records count them as one), the earliest kept
    surprise = [it for it in items if it.label == "surprise"]
    assert len(surprise) == 3 and all(len(it.event_ids()) == 3 for it in surprise)
    assert all(it.event_id == min(it.event_ids()) and it.coder == "ann" for it in surprise)
    assert len(got.merged) == 3 * 5 - 1  # every expression of both coders, less the disputed one
    assert len(got.conflicts) == 2 and len(got.conflict_events) == 3
    note = got.note()
    assert note.startswith("14 expressions coded more than once"), note
    assert "take1.avi frames 40-52: negative (ann), positive (ben)" in note, note
    assert "take2.avi frames 160-170: others (ann), negative (model)" in note, note
    # the held-out figures count expressions: one take held out is 5 samples (under the floor), not 11
    _, _, held = split_holdout(items, 0.34, min_train=1, seed=0)
    labels = [items[i].label for i in held]
    assert len(labels) == 5 and not holdout_basis(labels, CLASSES)["estimate"]


def test_a_run_trains_an_expression_coded_twice_once_and_says_so(proj, cache, capsys):
    """End to end: a second coder (ben) codes every class event of the first video again, a frame later, and calls
    one of them otherwise; the run counts the rest once, leaves the disputed one out and says both in a line."""
    from merstudio.cli.main import main
    from merstudio.model import read_checkpoint_meta

    path, ckpt = proj
    with Project.open(path) as p:
        v = p.videos()[0]
        firsts = [e for e in p.events(v.id, status="accepted") if e.emotion in CLASSES]
        other = {"positive": "negative", "negative": "positive", "surprise": "positive"}
        made = p.add_events([Event(v.id, e.onset + 1, e.apex + 1, e.offset + 1, coder="ben", status="accepted",
                                   emotion=other[e.emotion] if k == 0 else e.emotion, aus=e.aus)
                             for k, e in enumerate(firsts)])
        p.save()
    ben = [e.id for e in made]
    rc = main(["finetune", "--project", str(path), "--checkpoint", str(ckpt), "--epochs", "1", "--cache", str(cache),
               "--no-progress", "--holdout", "subject"])
    out = capsys.readouterr().out
    assert rc == 0, out
    line = next(x for x in out.splitlines() if x.startswith("note: ") and "coded more than once" in x)
    assert line.startswith(f"note: {len(firsts) - 1} expressions coded more than once"), line
    e0 = firsts[0]
    assert f"1 expression left out, its codings disagree (clip1.avi frames {e0.onset}-{e0.offset + 1}: " \
           f"{e0.emotion} ({e0.coder}), {other[e0.emotion]} (ben))" in line, line
    meta = read_checkpoint_meta(path.parent / "tiny-ft1.pt")["finetune"]
    used = [r["event"] for r in meta["trained_on"] + meta["held_out"]]
    assert not set(ben) & set(used) and e0.id not in used  # ben's once, as the first coder's events; the dispute never
    assert len(used) == len(set(used)) == 18 - 1  # 3 videos x 6 class events, less the disputed one
    assert set(ben[1:]) <= {e for r in meta["trained_on"] + meta["held_out"] for e in [r["event"], *r.get("merged", [])]}
    assert len(meta["coded_twice"]["merged"]) == len(firsts) - 1 and len(meta["coded_twice"]["conflicts"]) == 1


def test_a_long_dense_coding_merges_only_what_matches(tmp_path):
    """Events 10 frames apart all the way through a video (one chain of near neighbours): each pair coded by two
    coders merges, no neighbour does (each event is matched against those starting before it ends, not all)."""
    proj = Project.create(tmp_path / "p.merproj")
    try:
        clip = tmp_path / "long.avi"
        clip.write_bytes(b"long " * 80)
        v = proj.add_video(clip, 25.0, 20000, 64, 48)
        proj.add_events([Event(v.id, 10 * k + s, 10 * k + 3 + s, 10 * k + 6 + s, coder=c, status="accepted",
                               emotion="positive" if k % 2 else "negative")
                         for k in range(1500) for c, s in (("ann", 0), ("ben", 1))])
        got = collect_samples(proj, CLASSES)
    finally:
        proj.close()
    assert len(got.items) == 1500 and len(got.merged) == 1500 and not got.conflicts
    assert all(len(it.event_ids()) == 2 for it in got.items)
