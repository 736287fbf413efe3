"""Fine-tuning from a project's corrections: the held-out videos are never trained on, the new checkpoint records
its parent, events, coders and metrics, refusals name the class, cancel writes nothing, the CLI works."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

import merstudio.training.finetune as F
from merstudio.errors import InputError
from merstudio.model import load_checkpoint, read_checkpoint_meta
from merstudio.project import Project
from merstudio.training.metrics import compute_metrics
from merstudio.training.trainer import TrainingCancelled, predict


def _spy(monkeypatch):
    """Record what the training loop receives and what the before/after predictions are made on."""
    seen: dict = {"fit": [], "predict": []}
    real_fit, real_predict = F.fit_model, F.predict

    def fit(model, train, *a, **k):
        seen["fit"].append(train)
        return real_fit(model, train, *a, **k)

    def pred(model, X, **k):
        seen["predict"].append(np.array(X))
        return real_predict(model, X, **k)

    monkeypatch.setattr(F, "fit_model", fit)
    monkeypatch.setattr(F, "predict", pred)
    return seen


def test_held_out_videos_are_never_trained_on_and_meta_records_lineage(built, proj, cache, monkeypatch):
    path, ckpt = proj
    seen = _spy(monkeypatch)
    res = F.finetune(path, ckpt, epochs=2, cache_dir=cache)

    assert res.checkpoint == path.parent / "tiny-ft1.pt" and res.checkpoint.is_file()
    held_video = res.holdout["videos"]
    assert len(held_video) == 1 and res.holdout["by"] == "video"
    vid = held_video[0]
    # the held-out events are exactly the held-out video's class events; the rest are the training events
    assert res.holdout_events == sorted(built.events[vid])
    assert res.train_events == sorted(e for v, ids in built.events.items() if v != vid for e in ids)
    assert not set(res.train_events) & set(built.other_events)  # proposals, rejected, unknown emotions

    # structural: the training loop got only training rows, none of them from the held-out video
    (train,) = seen["fit"]
    held_X = seen["predict"][0]
    assert len(held_X) == res.holdout["n"] == 6 + res.holdout["n_none"]
    assert not {f"event:{e}" for e in res.holdout_events} & set(train.samples.tolist())
    assert all(not s.startswith(f"none:{vid}:") for s in train.samples)
    dist = np.abs(train.X[:, None] - held_X[None]).reshape(len(train.X), len(held_X), -1).max(-1)
    assert dist.min() > 1e-3  # no held-out input appears among the training inputs
    assert {"none"} <= set(np.asarray(res.class_names)[train.y])

    meta = read_checkpoint_meta(res.checkpoint)
    ft = meta["finetune"]
    assert meta["parent"] == str(ckpt.resolve())
    assert meta["parent_sha256"] == F.file_sha256(ckpt)
    assert ft["events"] == res.train_events and ft["holdout"]["events"] == res.holdout_events
    coders = {"ann", "ben", "cat", "model"} - {["ann", "ben", "cat"][built.videos.index(vid)]}
    assert set(ft["coders"]) == coders
    assert ft["project"] == str(path.resolve())

    # before = the parent, after = the new model, both on the held-out inputs
    assert ft["holdout"]["samples"][:6] == [f"event:{e}" for e in res.holdout_events]
    y = np.array([res.class_names.index(c) for c in ft["holdout"]["labels"]], dtype=np.int64)
    parent, _ = load_checkpoint(ckpt)
    new, _ = load_checkpoint(res.checkpoint)
    for model, reported in ((parent, ft["before"]), (new, ft["after"])):
        m = compute_metrics(y, predict(model, held_X)[0].argmax(1), res.class_names)
        assert m["uf1"] == pytest.approx(reported["uf1"]) and m["uar"] == pytest.approx(reported["uar"])
        assert m["confusion"] == reported["confusion"]
    assert meta["metrics"]["uf1"] == pytest.approx(ft["after"]["uf1"])
    changed = [k for k, v in new.state_dict().items() if v.is_floating_point()
               and not np.allclose(v.numpy(), parent.state_dict()[k].numpy())]
    assert changed

    # fine-tuning the fine-tuned model gives the next version, and the lineage grows
    res2 = F.finetune(path, res.checkpoint, epochs=1, cache_dir=cache)
    assert res2.checkpoint == path.parent / "tiny-ft2.pt"
    meta2 = read_checkpoint_meta(res2.checkpoint)
    assert [p["sha256"] for p in meta2["lineage"]] == [F.file_sha256(ckpt), F.file_sha256(res.checkpoint)]
    assert res2.holdout["videos"] == held_video  # same split: same events, same seed


def test_split_is_by_whole_video_or_subject(built):
    with Project.open(built.path) as p:
        items, skipped = F.collect_events(p, ["negative", "positive", "surprise", "none"], by="subject")
    assert skipped == {"happiness": 3, "(no emotion)": 3}
    assert len(items) == 18 and {it.group for it in items} == {"alice", "bob"}
    held, tr, ho = F.split_holdout(items, 0.25, min_train=3, by="subject")
    # holding out alice would leave bob's 2 events per class: the split holds out bob
    assert held == {"bob"}
    assert {items[i].group for i in ho} == {"bob"} and "bob" not in {items[i].group for i in tr}

    rng = np.random.default_rng(1)
    split = 0
    for _ in range(30):  # any project: no video ever on both sides
        n_videos = int(rng.integers(2, 9))
        fake = [F.Item(f"event:{k}", k, int(v), str(v), str(rng.choice(["a", "b"])), 0, 1, 2, None)
                for k, v in enumerate(rng.integers(0, n_videos, 60))]
        try:
            held, tr, ho = F.split_holdout(fake, float(rng.uniform(0.1, 0.6)), min_train=1)
        except InputError:
            continue
        split += 1
        assert held and {fake[i].group for i in tr}.isdisjoint({fake[i].group for i in ho})
        assert sorted(tr + ho) == list(range(len(fake)))
    # 60 events of 2 random classes over 2-8 videos: in these draws all videos but two hold both classes, so a
    # split leaving one event of each to train on (min_train=1) always exists and no try may be refused (a
    # refused try checks nothing)
    assert split == 30


def test_refuses_too_few_events_naming_the_class(built, proj, cache):
    path, ckpt = proj
    # one surprise event per video: 3 in all, but holding out any video leaves 2 to train on
    with Project.open(path) as p:
        surprise = [e for e in p.events(status="accepted") if e.emotion == "surprise"]
        kept = {}
        for e in surprise:
            if e.video_id in kept:
                p.delete_event(e.id)
            else:
                kept[e.video_id] = e
    with pytest.raises(InputError, match=r"class 'surprise' has 2 accepted events outside the held-out videos"):
        F.finetune(path, ckpt, epochs=1, cache_dir=cache)
    with Project.open(path) as p:
        p.delete_event(kept[built.videos[0]].id)
    with pytest.raises(InputError, match=r"class 'surprise' has 2 accepted events \(need at least 3\)"):
        F.finetune(path, ckpt, epochs=1, cache_dir=cache)
    assert not list(path.parent.glob("*-ft*.pt"))


def test_refuses_with_one_class_or_one_video(built, proj, cache):
    path, ckpt = proj
    with Project.open(path) as p:
        for e in p.events():
            if e.video_id != built.videos[0]:
                p.delete_event(e.id)
    with pytest.raises(InputError, match=r"at least 2 videos, found 1"):
        F.finetune(path, ckpt, cache_dir=cache, min_per_class=2)
    with pytest.raises(InputError, match=r"class 'negative' has 2 accepted events \(need at least 3\)"):
        F.finetune(path, ckpt, cache_dir=cache)
    with Project.open(path) as p:
        for e in p.events():
            if e.emotion != "positive":
                p.delete_event(e.id)
    with pytest.raises(InputError, match=r"at least 2 classes are needed, the project has only 'positive'"):
        F.finetune(path, ckpt, cache_dir=cache, min_per_class=1)


def test_cancel_during_training_writes_nothing(proj, cache):
    path, ckpt = proj
    stop = threading.Event()
    epochs_seen = []

    def on_loss(epoch, epochs, loss):
        epochs_seen.append(epoch)
        stop.set()

    out = path.parent / "cancelled.pt"
    with pytest.raises(TrainingCancelled):
        F.finetune(path, ckpt, out, epochs=20, cancel=stop, loss_callback=on_loss, cache_dir=cache)
    assert epochs_seen == [1]
    assert not out.exists() and not list(path.parent.glob("*-ft*.pt"))


def test_none_windows_keep_away_from_events():
    busy = [(10, 18), (40, 50), (90, 95)]
    ons = F.none_windows(busy, frame_count=150, length=4, n=5, margin=15)
    assert ons
    for on in ons:
        for a, b in busy:
            assert on + 4 < a - 15 or on > b + 15
    assert all(b - a > 4 for a, b in zip(ons, ons[1:], strict=False))
    assert F.none_windows([(0, 149)], frame_count=150, length=4, n=5, margin=15) == []


def test_versions_and_holdout_parsing(tmp_path):
    (tmp_path / "starter-ft1.pt").write_bytes(b"x")
    (tmp_path / "starter-ft3.pt").write_bytes(b"x")
    (tmp_path / "starterx-ft9.pt").write_bytes(b"x")
    assert F.next_version_path(Path("/models/starter.pt"), tmp_path).name == "starter-ft4.pt"
    assert F.next_version_path(Path("/models/other-ft2.pt"), tmp_path).name == "other-ft3.pt"
    assert F.parse_holdout("video") == ("video", 0.25)
    assert F.parse_holdout("subject:0.5") == ("subject", 0.5)
    assert F.parse_holdout(0.4) == ("video", 0.4)
    for bad in ("frame", "video:2", "subject:x"):
        with pytest.raises(InputError, match="--holdout"):
            F.parse_holdout(bad)


def test_class_map_maps_coders_emotions():
    resolve = F.label_resolver(["negative", "positive", "surprise"], "megc2019")
    assert resolve("Happiness") == "positive" and resolve("disgust") == "negative"
    assert resolve("surprise") == "surprise" and resolve("others") is None and resolve("") is None
    plain = F.label_resolver(["negative", "positive", "surprise"])
    assert plain(" Positive ") == "positive" and plain("happiness") is None


def test_the_preset_that_would_use_the_events_left_out_is_suggested():
    classes = ["negative", "positive", "surprise"]
    name, n = F.suggest_class_map(classes, {"happiness": 4, "disgust": 2, "(no emotion)": 3, "others": 1})
    assert n == 6 and F.label_resolver(classes, name)("happiness") == "positive"
    assert F.suggest_class_map(classes, {"(no emotion)": 3}) is None
    assert F.suggest_class_map(["calm", "excited"], {"happiness": 4}) is None  # no preset has these classes


def test_mix_with_a_dataset(proj, cache, flow_table, tmp_path):
    path, ckpt = proj
    table = flow_table(tmp_path / "mix", n=12, n_subjects=3)
    res = F.finetune(path, ckpt, path.parent / "mixed.pt", epochs=1, mix_with=str(table), cache_dir=cache,
                     log=lambda *a, **k: None)
    assert res.n_mix == 12
    meta = read_checkpoint_meta(res.checkpoint)
    assert meta["finetune"]["mix"] == {"spec": str(table), "n": 12, "left_out_held_out": 0}
    assert meta["finetune"]["holdout"]["n"] == res.holdout["n"]  # the mix never enters the held-out set


def test_mix_reads_its_dataset_with_the_loader_options(proj, cache, tmp_path, capsys):
    """--mix-modality VIS: the mixed SMIC clips are the VIS camera's, as `merstudio train --modality VIS` reads them;
    an option the --mix dataset's kind does not read is refused in one line before any work, named as given."""
    import cv2

    from merstudio.cli.main import main
    from merstudio.datasets import LoadOptions

    path, ckpt = proj
    root = tmp_path / "SMIC"
    rng = np.random.default_rng(1)
    for camera, subjects in (("HS", (1, 2)), ("VIS", (1,))):  # VIS holds fewer clips, as in the real SMIC
        for subj in subjects:
            for label, short in (("negative", "ne"), ("positive", "po"), ("surprise", "sur")):
                folder = root / "SMIC_all_raw" / camera / f"s{subj}" / "micro" / label / f"s{subj}_{short}_01"
                folder.mkdir(parents=True)
                for k in range(1, 6):
                    cv2.imwrite(str(folder / f"image{100 * subj + k:06d}.bmp"),
                                rng.integers(0, 255, (32, 32, 3), dtype=np.uint8))
    res = F.finetune(path, ckpt, path.parent / "vis.pt", epochs=1, mix_with=f"smic:{root}", cache_dir=cache,
                     mix_options=LoadOptions(modality="VIS"), log=lambda *a, **k: None)
    assert res.n_mix == 3  # not the 6 HS clips
    mix = read_checkpoint_meta(res.checkpoint)["finetune"]["mix"]
    assert mix == {"spec": f"smic:{root}", "n": 3, "left_out_held_out": 0, "loader_options": {"modality": "VIS"}}

    capsys.readouterr()
    base = ["finetune", "--project", str(path), "--checkpoint", str(ckpt), "--epochs", "1", "--cache", str(cache),
            "--no-progress", "-o", str(path.parent / "never.pt")]
    for extra, message in (
            (["--mix", f"casme2:{root}", "--mix-modality", "VIS"], "--mix-modality VIS: applies to smic only, not to "
                                                                   "casme2"),
            (["--mix-variant", "cropped"], "--mix-variant cropped: loader options of the mixed dataset "
                                          "(mix_options= / --mix-OPTION): give the dataset too "
                                          "(mix_with= / --mix DATA)")):
        assert main([*base, *extra]) == 2
        assert capsys.readouterr().err.strip() == f"merstudio: error: {message}"
    assert not (path.parent / "never.pt").exists()


def test_cli(proj, cache, capsys):
    from merstudio.cli.main import main

    path, ckpt = proj
    with pytest.raises(SystemExit) as e:
        main(["finetune", "--help"])
    assert e.value.code == 0
    assert "--holdout" in capsys.readouterr().out
    rc = main(["finetune", "--project", str(path), "--checkpoint", str(ckpt), "--epochs", "1", "--cache",
               str(cache), "--no-progress", "--holdout", "subject"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "held out subject bob" in out and "UF1" in out and "before" in out
    assert "\ntrained on " in out and " events by " in out  # the dialog's wording (finetune_split.trained_text)
    # the project's happiness events (no class "happiness" in the model): named, and the map that would use them
    assert "happiness 3" in out and "(--classes megc2019 would use 3 of them)" in out
    assert f"saved {path.parent / 'tiny-ft1.pt'}" in out
    rc = main(["finetune", "--project", str(path), "--checkpoint", str(path.parent / "missing.pt")])
    err = capsys.readouterr().err
    assert rc != 0 and len(err.strip().splitlines()) == 1 and "missing.pt" in err


def test_held_out_split_is_locked_per_project_and_reuse_is_flagged(proj, cache):
    path, ckpt = proj
    res1 = F.finetune(path, ckpt, epochs=1, cache_dir=cache, seed=0)
    assert res1.split_saved and res1.split_note == ""
    with Project.open(path) as p:
        record = p.get_setting(F.SPLIT_SETTING)
        items, _ = F.collect_events(p, res1.class_names)
    assert record["groups"] == res1.holdout["groups"] and len(record["runs"]) == 1
    assert record["runs"][0]["checkpoint"] == str(res1.checkpoint)

    # a seed that, without the lock, would hold out another video
    other_seed = next(s for s in range(1, 50)
                      if F.split_holdout(items, 0.25, min_train=3, seed=s)[0] != set(res1.holdout["groups"]))
    res2 = F.finetune(path, ckpt, epochs=2, lr=5e-4, cache_dir=cache, seed=other_seed)
    assert res2.holdout["groups"] == res1.holdout["groups"]  # same held-out events: comparable scores
    assert res2.holdout_events == res1.holdout_events
    assert "1 earlier fine-tuning run" in res2.split_note and "optimistic" in res2.split_note
    with Project.open(path) as p:
        assert len(p.get_setting(F.SPLIT_SETTING)["runs"]) == 2

    # a fresh split is another draw, holds out other videos than the spent split where it can, starts a new
    # record of runs and keeps the spent split in it, and says so
    said: list[str] = []
    res3 = F.finetune(path, ckpt, epochs=1, cache_dir=cache, fresh_split=True, log=said.append)
    assert res3.split_note == "" and res3.split["seed"] == record["seed"] + 1
    assert not set(res3.holdout["groups"]) & set(res1.holdout["groups"])
    assert any(s.startswith("drew a new hold-out by video") and "stays recorded as spent" in s for s in said)
    with Project.open(path) as p:
        rec3 = p.get_setting(F.SPLIT_SETTING)
    assert len(rec3["runs"]) == 1 and rec3["held_events"] == res3.holdout_events
    (spent,) = rec3["spent"]
    assert spent["groups"] == res1.holdout["groups"] and spent["runs"] == 2
    assert spent["held_events"] == res1.holdout_events


def test_scores_on_events_the_parent_trained_on_are_called_so(proj, cache):
    """A fine-tuned parent that trained on the events now held out (its split spent, a new one drawn elsewhere)
    has no held-out 'before' score on them: the note says how many, and the lineage of trained events grows."""
    path, ckpt = proj
    res1 = F.finetune(path, ckpt, epochs=1, cache_dir=cache, seed=0)
    with Project.open(path) as p:
        items, _ = F.collect_events(p, res1.class_names)
        record = p.get_setting(F.SPLIT_SETTING)
        trained_group = next(g for g in sorted({it.group for it in items}) if g not in res1.holdout["groups"])
        # a record of that group's videos only (held_events None: every event of its groups, as before 2026-12-05)
        p.set_setting(F.SPLIT_SETTING, {**record, "groups": [trained_group], "held_events": None, "runs": []})
    res2 = F.finetune(path, res1.checkpoint, epochs=1, cache_dir=cache)
    overlap = len(set(res2.holdout_events) & set(res1.train_events))
    assert overlap > 0 and res2.holdout["groups"] == [trained_group]
    assert res2.split_note.startswith(f"{overlap} of these held-out events trained the parent checkpoint")
    from merstudio.model.checkpoint import load_checkpoint

    _, meta = load_checkpoint(res2.checkpoint)
    assert set(meta["finetune"]["trained_events"]) == set(res1.train_events) | set(res2.train_events)


def test_split_record_not_saved_while_the_project_is_held(proj, cache):
    path, ckpt = proj
    holder = Project.open(path)  # as the app holds it
    try:
        res = F.finetune(path, ckpt, epochs=1, cache_dir=cache)
        assert not res.split_saved and res.split["groups"] == res.holdout["groups"]
        holder.set_setting(F.SPLIT_SETTING, res.split)  # what the app's dialog does with it
    finally:
        holder.close()
    res2 = F.finetune(path, ckpt, epochs=1, cache_dir=cache, seed=7)
    assert res2.holdout["groups"] == res.holdout["groups"] and res2.split_note


def test_locked_split_refuses_when_its_groups_have_no_events():
    items = [F.Item(f"event:{k}", k, v, str(v), lab, 0, 1, 2, None)
             for k, (v, lab) in enumerate([(1, "a"), (1, "b"), (2, "a"), (2, "b")] * 3)]
    with pytest.raises(InputError, match="none of the locked held-out videos"):
        F.locked_split({"by": "video", "groups": ["9"]}, items, "video", min_train=1)
    assert F.locked_split({"by": "subject", "groups": ["1"]}, items, "video") is None  # other unit: no lock
    held, tr, ho = F.locked_split({"by": "video", "groups": ["2", "9"]}, items, "video", min_train=1)
    assert held == {"2"} and {items[i].group for i in ho} == {"2"} and sorted(tr + ho) == list(range(12))


@pytest.mark.parametrize("parent_flips", [False, True])
def test_a_fine_tuned_model_predicts_as_its_parent_does(proj, cache, parent_flips):
    """Flip-averaged or not, as the parent: before/after scores compare like with like, and a parent saved before
    flip averaging became the default does not change how it predicts by being fine-tuned."""
    from merstudio.model.checkpoint import load_checkpoint, save_checkpoint

    path, ckpt = proj
    parent, meta = load_checkpoint(ckpt)
    parent.tta_flip = ((0,), "zero") if parent_flips else None
    save_checkpoint(ckpt, parent, {k: v for k, v in meta.items() if k != "tta_flip"})
    res = F.finetune(path, ckpt, epochs=1, cache_dir=cache)
    child, child_meta = load_checkpoint(res.checkpoint)
    assert (child.tta_flip is not None) == parent_flips
    assert (child_meta["tta_flip"] is not None) == parent_flips


def test_an_event_carries_its_faces_box_from_the_stored_landmarks(tmp_path):
    """Two people in a video: an event on face 1 is built from face 1's box on its onset frame (the stored
    landmarks), a `none` window from the face seen most; a run that stored no landmarks leaves it to the detector."""
    from merstudio.project import Event, Project

    video = tmp_path / "v.avi"
    video.write_bytes(b"not decoded here")
    with Project.create(tmp_path / "p.merproj") as p:
        v = p.add_video(video, fps=30.0, frame_count=50, width=640, height=360)
        aid = p.begin_analysis(v.id, {}, device="cpu")
        rows = []
        for i in range(50):
            rows.append({"frame": i, "face_id": 0, "success": 1, "x_0": 10.0, "y_0": 20.0, "x_1": 110.0,
                         "y_1": 140.0, "x_2": 60.0, "y_2": 80.0})
            if i >= 10:
                rows.append({"frame": i, "face_id": 1, "success": 1, "x_0": 400.0, "y_0": 50.0, "x_1": 450.0,
                             "y_1": 110.0, "x_2": 420.0, "y_2": 70.0})
        p.append_frames(aid, rows)
        p.finish_analysis(aid)
        p.add_event(Event(v.id, 20, 22, 25, face_id=1, emotion="positive", coder="ann", status="accepted"))
        p.add_event(Event(v.id, 5, 6, 8, face_id=1, emotion="positive", coder="ann", status="accepted"))
        items, _ = F.collect_events(p, ["negative", "positive"])
        assert [(it.onset, it.face_box) for it in items] == [(5, None), (20, (400.0, 50.0, 450.0, 110.0))]
        assert p.face_box(v.id, 30, 0) == (10.0, 20.0, 110.0, 140.0)


def test_inputs_are_rebuilt_with_the_parents_step_spacing():
    from merstudio.model.config import ModelConfig

    cfg = ModelConfig(T=2)
    late = {"modality": "flow", "size": 28, "T": 2, "spacing": "late"}
    assert F.preprocess_settings({"input": late}, cfg, "m.pt").spacing == "late"
    prep = {"modality": "flow", "size": 28, "T": 2, "flow": "dis", "spacing": "late"}
    assert F.preprocess_settings({"input": {**late, "preprocess": prep}}, cfg, "m.pt").spacing == "late"
    # saved before the spacing was recorded: its steps were evenly spaced
    old = {"modality": "flow", "size": 28, "T": 2, "preprocess": {"modality": "flow", "size": 28, "T": 2}}
    assert F.preprocess_settings({"input": old}, cfg, "m.pt").spacing == "even"
    assert F.preprocess_settings({}, cfg, "m.pt").spacing == "even"


def test_inputs_are_rebuilt_with_the_parents_framing():
    """A model trained on the composite's flow images (framed as megc2019) is fine-tuned on video faces cropped to
    that framing, from its recorded preprocessing or from its input settings alone."""
    from merstudio.model.config import ModelConfig

    cfg = ModelConfig()
    box = (0.143, 0.201, 0.857, 0.916)
    inp = {"modality": "flow", "size": 28, "T": 1, "framing": list(box)}
    assert F.preprocess_settings({"input": inp}, cfg, "m.pt").framing == box
    prep = {"modality": "flow", "size": 28, "T": 1, "flow": "dis", "framing": list(box)}  # as JSON gives it back
    assert F.preprocess_settings({"input": {**inp, "preprocess": prep}}, cfg, "m.pt").framing == box
    assert F.preprocess_settings({"input": {"modality": "flow", "size": 28, "T": 1}}, cfg, "m.pt").framing is None


def test_a_new_grouping_that_holds_out_spent_events_says_so_in_the_note(proj, cache):
    """Holding out by subject after two runs by video draws a new split; where no subject split avoids the spent
    video's events, the result's note (which the app shows; the log line only the command line prints) says how
    many of its held-out events earlier runs were already scored on."""
    path, ckpt = proj
    first = F.finetune(path, ckpt, epochs=1, cache_dir=cache, holdout="video:0.25")
    F.finetune(path, ckpt, epochs=1, cache_dir=cache, holdout="video:0.25", seed=3)
    res = F.finetune(path, ckpt, epochs=1, cache_dir=cache, holdout="subject:0.25")
    again = len(set(res.holdout_events) & set(first.holdout_events))
    assert again > 0  # two subjects (alice: two videos, bob: one): no valid subject split avoids the spent video
    assert f"{again} of these held-out events were held out by an earlier split" in res.split_note
    with Project.open(path) as p:
        (spent,) = p.get_setting(F.SPLIT_SETTING)["spent"]
    assert spent["by"] == "video" and spent["runs"] == 2


def _own_clips_table(path: Path, folder: Path) -> tuple[Path, dict[str, int]]:
    """A sample table of the project's own clips and accepted class events (as a labelled-set export would list
    them), written in `folder`, naming each clip another way: a copy (the project folder's, relative to the
    table), the file the project reads through `..`, and that file through a symlink. Returns it and {clip file
    name: rows}."""
    folder.mkdir(parents=True, exist_ok=True)
    rows, per_clip = ["subject,sample,label,path,onset,apex,offset"], {}
    with Project.open(path, read_only=True) as p:
        for k, v in enumerate(p.videos()):
            clip = (path.parent / v.name).resolve()
            used = p.locate_video(v.id)  # the fixture's original: the copy has its content
            assert used is not None
            if k == 0:
                ref = str(Path("..") / path.parent.name / v.name)  # the copy, relative to the table
            elif k == 1:
                ref = f"{used.parent}/../{used.parent.name}/{used.name}"  # absolute: the loader keeps the `..`
            else:
                link = folder / f"link_{v.name}"
                link.symlink_to(used)
                ref = str(link)  # absolute, through a link
            for e in p.events(v.id, status="accepted"):
                if e.emotion in ("negative", "positive", "surprise"):
                    rows.append(f"s{v.id},{clip.stem}_{e.id},{e.emotion},{ref},{e.onset},{e.apex},{e.offset}")
                    per_clip[v.name] = per_clip.get(v.name, 0) + 1
    table = folder / "own.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return table, per_clip


def test_mixed_samples_from_held_out_videos_are_left_out(proj, cache, monkeypatch, capsys):
    """--mix with a dataset that holds the project's own clips (a labelled-set export, say): the mixed samples
    taken from a held-out video never reach the training loop, and the run says how many were left out."""
    from merstudio.cli.main import main

    path, ckpt = proj
    table, per_clip = _own_clips_table(path, path.parent.parent / "mixdata")
    seen = _spy(monkeypatch)
    res = F.finetune(path, ckpt, path.parent / "mixed.pt", epochs=1, mix_with=str(table), cache_dir=cache,
                     log=lambda *a, **k: None)
    (held_name,) = res.holdout["video_names"]
    held_stem = Path(held_name).stem
    (train,) = seen["fit"]
    mixed = [s for s in train.samples.tolist() if s.startswith("mix:")]
    assert mixed and not [s for s in mixed if s.startswith(f"mix:{held_stem}_")]
    assert res.n_mix == len(mixed) == sum(per_clip.values()) - per_clip[held_name]
    assert res.n_mix_held_out == per_clip[held_name] > 0
    meta = read_checkpoint_meta(res.checkpoint)
    assert meta["finetune"]["mix"]["n"] == res.n_mix
    assert meta["finetune"]["mix"]["left_out_held_out"] == per_clip[held_name]

    rc = main(["finetune", "--project", str(path), "--checkpoint", str(ckpt), "--epochs", "1", "--cache",
               str(cache), "--no-progress", "--mix", str(table), "-o", str(path.parent / "mixed2.pt")])
    out = capsys.readouterr().out
    assert rc == 0
    assert f"+ {res.n_mix} mixed samples" in out
    assert (f"left out {per_clip[held_name]} mixed samples taken from the held-out video(s)" in out), out


def test_a_mixed_sample_matches_a_held_out_video_by_path_content_or_clip_folder(tmp_path):
    from merstudio.datasets.sample import Sample
    from merstudio.project import Video, content_hash

    video = tmp_path / "v" / "clip1.avi"
    video.parent.mkdir()
    video.write_bytes(b"x")
    (tmp_path / "v" / "link.avi").symlink_to(video)
    clip = tmp_path / "study" / "EP02_01f"  # a dataset clip folder added to the project
    clip.mkdir(parents=True)
    other = tmp_path / "CASME2" / "sub01" / "EP02_01f"  # the same clip in the dataset (another copy)
    other.mkdir(parents=True)
    unrelated = tmp_path / "CASME2" / "sub01" / "EP03_02"
    unrelated.mkdir()

    def s(p: Path, name: str = "x") -> Sample:
        return Sample(dataset="d", subject="s", sample=name, label="a", raw_label="a", path=p)

    held = [video, clip]
    assert F.held_out_match(s(tmp_path / "v" / "link.avi"), held) == "path"
    assert F.held_out_match(s(tmp_path / "v" / ".." / "v" / "clip1.avi"), held) == "path"
    assert F.held_out_match(s(other, "EP02_01f"), held) == "clip"
    assert F.held_out_match(s(tmp_path / "flows" / "sub01_EP02_01f.png", "EP02_01f"), held) == "clip"
    assert F.held_out_match(s(unrelated, "EP03_02"), held) is None
    assert F.held_out_match(s(tmp_path / "v" / "clip2.avi", "clip1"), held) is None  # a video file: by path only
    # a copy of a held-out video (its content: what the project recognises a moved video by)
    copy = tmp_path / "elsewhere.avi"
    copy.write_bytes(b"x")
    (tmp_path / "other.avi").write_bytes(b"y")
    digest, size = content_hash(video)
    record = Video(1, str(video), digest, size, 30.0, 10, 64, 48)
    assert F.held_out_match(s(copy), held, [record]) == "copy"
    assert F.held_out_match(s(tmp_path / "other.avi"), held, [record]) is None


def test_holding_out_by_subject_without_any_subject_set_refuses(built, proj):
    """No video has a subject: every video would be its own subject (holding out by video under another name):
    refused in one line that says how to set them."""
    from merstudio.project.subjects import set_video_subject

    path, ckpt = proj
    with Project.open(path) as p:
        for v in p.videos():
            set_video_subject(p, v.id, None)
    with pytest.raises(InputError) as exc:
        F.finetune(path, ckpt, epochs=1, holdout="subject")
    text = str(exc.value)
    assert "\n" not in text and "no video" in text and "merstudio project subject" in text
    with Project.open(path) as p:
        items, _ = F.collect_events(p, ["negative", "positive", "surprise", "none"], by="video")
        assert {it.group for it in items} == {str(v) for v in built.videos}
        set_video_subject(p, built.videos[0], "carol")  # one set: the others group by file name
        items, _ = F.collect_events(p, ["negative", "positive", "surprise", "none"], by="subject")
        assert {it.group for it in items} == {"carol", "clip2", "clip3"}


def _dropout_checkpoint(path: Path) -> Path:
    """tiny_checkpoint with dropout: training draws from torch's global RNG."""
    import torch

    from merstudio.datasets.preprocess import PreprocessSettings
    from merstudio.model import InputSettings, MENet, ModelConfig, save_checkpoint

    torch.manual_seed(0)
    classes = ["negative", "positive", "surprise", "none"]
    cfg = ModelConfig(width=4, mswm_width=8, local_dim=4, lstm_hidden=8, dropout=0.5, n_classes=len(classes),
                      class_names=classes)
    inp = InputSettings(modality="flow", size=28, T=1).to_dict()
    inp["preprocess"] = PreprocessSettings(modality="flow", size=28, T=1, flow="dis").to_dict()
    return save_checkpoint(path, MENet(cfg).eval(), {"input": inp, "training_data": {"description": "none"}})


def test_the_same_seed_gives_the_same_weights(proj, cache):
    """Two fine-tunings with the same seed and data give identical weights, whatever torch's global RNG held
    before (dropout draws from it); another seed gives other weights."""
    import torch

    path, _ = proj
    ckpt = _dropout_checkpoint(path.parent / "drop.pt")
    states = []
    for k, (glob, seed) in enumerate(((1, 5), (2, 5), (1, 6))):
        torch.manual_seed(glob)
        res = F.finetune(path, ckpt, path.parent / f"s{k}.pt", epochs=2, seed=seed, cache_dir=cache,
                         device="cpu", log=lambda *a, **k: None)
        states.append(load_checkpoint(res.checkpoint)[0].state_dict())
    a, b, c = states
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a), [k for k in a if not torch.equal(a[k], b[k])][:5]
    assert not all(torch.equal(a[k], c[k]) for k in a)
