"""A fine-tuned checkpoint says what it was made from (class map, seed, each trained and held-out event by its
video's name and content, frames, mapped label and coder), and the runs scored on the same held-out events are
counted over every split of the project: a fresh split that can only draw the same events again says so and
keeps counting the runs of the spent split."""

from __future__ import annotations

import hashlib
from pathlib import Path

from support.finetune_project import project_fixtures

import merstudio.training.finetune as F
from merstudio.model import read_checkpoint_meta
from merstudio.project import Project
from merstudio.training.finetune_split import _spent, scored_runs, split_note

MIB = 1 << 20


built, cache, proj = project_fixtures("ftprov")


def _file_identity(path: Path) -> tuple[str, int]:
    """sha256 over the size, the first MiB and the last MiB (the project's content hash, computed here from the
    file's bytes), and the size."""
    data = path.read_bytes()
    h = hashlib.sha256(str(len(data)).encode())
    h.update(data[:MIB])
    if len(data) > MIB:
        h.update(data[max(MIB, len(data) - MIB):][:MIB])
    return h.hexdigest(), len(data)


def _coded(path: Path) -> dict[int, dict]:
    """The project's accepted events of a class under MEGC2019 (happiness -> positive), as the coder left them."""
    megc = {"happiness": "positive", "positive": "positive", "negative": "negative", "surprise": "surprise"}
    out = {}
    with Project.open(path, read_only=True) as p:
        for v in p.videos():
            for e in p.events(v.id, status="accepted"):
                if e.emotion in megc:
                    out[e.id] = {"event": e.id, "video": Path(v.path).name, "file": Path(v.path),
                                 "onset": e.onset, "apex": e.apex, "offset": e.offset, "label": megc[e.emotion],
                                 "coder": e.coder}
    return out


def test_the_checkpoint_records_its_class_map_seed_and_events(proj, cache):
    path, ckpt = proj
    coded = _coded(path)
    assert len(coded) == 21  # 3 videos x 6 class events + 3 accepted 'happiness' ones
    res = F.finetune(path, ckpt, epochs=1, cache_dir=cache, seed=5, class_map="megc2019")
    ft = read_checkpoint_meta(res.checkpoint)["finetune"]
    assert ft["seed"] == 5 and isinstance(ft["split_seed"], int)
    assert ft["class_map"]["name"] == "megc2019" and ft["class_map"]["spec"] == "megc2019"
    trained, held = ft["trained_on"], ft["held_out"]
    assert {r["event"] for r in trained} | {r["event"] for r in held} == set(coded)
    assert not {r["event"] for r in trained} & {r["event"] for r in held}
    assert {r["video"] for r in held} == set(res.holdout["video_names"])
    for r in [*trained, *held]:
        want = coded[r["event"]]
        digest, size = _file_identity(want["file"])
        assert (r["video"], r["video_hash"], r["video_size"]) == (want["video"], digest, size)
        assert {k: r[k] for k in ("onset", "apex", "offset", "label", "coder")} == \
            {k: want[k] for k in ("onset", "apex", "offset", "label", "coder")}
    assert any(r["label"] == "positive" and r["coder"] != "model" and coded[r["event"]]["label"] == "positive"
               for r in trained)


def test_a_fresh_split_that_draws_the_same_events_counts_the_spent_runs(proj, cache):
    """Holding out by subject (alice: two videos, bob: one): only holding out bob leaves every class 3 training
    events, so a fresh split draws bob's events again. Its runs are counted with the spent split's."""
    path, ckpt = proj
    with Project.open(path, read_only=True) as p:
        bob = next(v.id for v in p.videos() if p.get_setting(f"subject:{v.id}") == "bob")
        bob_events = sorted(e.id for e in p.events(bob, status="accepted")
                            if e.emotion in ("negative", "positive", "surprise"))
    r1 = F.finetune(path, ckpt, epochs=1, cache_dir=cache, holdout="subject")
    r2 = F.finetune(path, ckpt, epochs=2, lr=5e-4, cache_dir=cache, holdout="subject")
    said: list[str] = []
    r3 = F.finetune(path, ckpt, epochs=1, cache_dir=cache, holdout="subject", fresh_split=True, log=said.append)
    assert r1.holdout_events == r2.holdout_events == r3.holdout_events == bob_events
    # bob's 6 events and 2 'none' windows: under 10 held-out samples, no run is an estimate, so none is the best
    assert r1.holdout["n"] == len(bob_events) + r1.holdout["n_none"] < 10
    none = "(none an estimate: under 10 held-out samples or 2 classes; no best UF1)"
    assert f"already scored 2 earlier fine-tuning runs {none}, 2 of them on an earlier split of the same events" \
        in r3.split_note
    assert "or on a fresh split" not in r3.split_note  # a fresh split gives the same events
    assert any("holds out the same events as an earlier split again" in s for s in said)
    r4 = F.finetune(path, ckpt, epochs=1, cache_dir=cache, holdout="subject")
    assert f"already scored 3 earlier fine-tuning runs {none}" in r4.split_note
    with Project.open(path, read_only=True) as p:
        record = p.get_setting(F.SPLIT_SETTING)
    assert scored_runs(record) == (4, None, 2)


def test_the_note_counts_runs_of_spent_splits_of_the_same_events():
    """The audit's project: 9 runs on a split (best UF1 0.818), then a fresh split of the same 11 events and a
    run on it; the next run's note counts 9 + 1 earlier runs, best 0.818."""
    held = [1, 2, 3, 5, 6, 13, 14, 15, 16, 17, 18]
    runs = [{"after_uf1": 0.5 + 0.04 * k} for k in range(8)] + [{"after_uf1": 0.818}]
    first = {"by": "video", "groups": ["1"], "held_events": held, "runs": runs, "seed": 0}
    spent = _spent(first, [], "video")  # as a fresh draw keeps it
    record = {"by": "video", "groups": ["1"], "held_events": held, "seed": 1, "spent": spent,
              "runs": [{"after_uf1": 0.667}, {"after_uf1": 0.6}]}
    note = split_note(record)
    assert "already scored 10 earlier fine-tuning runs (best UF1 0.818), 9 of them" in note
    assert scored_runs(record) == (11, 0.818, 9)
    # a spent split of other events counts none of its runs (its overlap is said in events)
    other = {**record, "held_events": [30, 31, 1], "groups": ["2"]}
    assert scored_runs(other) == (2, 0.667, 0)
    assert split_note(other).startswith("1 of these held-out events were held out by an earlier split")
