"""The agreement report, from plain events and from a project."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from agreement_data import N_FRAMES, ann_bob_events, frame_rows

from merstudio.agreement import agreement_from_events, agreement_report
from merstudio.agreement.stats import icc, krippendorff_alpha
from merstudio.errors import InputError, OutputError
from merstudio.project import Event


def test_pairwise_counts_boundaries_and_kappas_by_hand() -> None:
    rep = agreement_from_events(ann_bob_events(1), tolerance=2)
    assert rep.coders == ["ann", "bob"] and rep.video_ids == [1]
    p = rep.pairs.iloc[0]
    assert (p.coder_a, p.coder_b, p.videos, p.matched, p.only_a, p.only_b) == ("ann", "bob", 1, 4, 1, 1)
    assert p.f1 == pytest.approx(0.8)
    # d (bob - ann): onset 1, 0, -1, 0; apex 0, 1, 0, -1; offset 1, 0, 0, -1
    assert (p.mean_abs_d_onset, p.mean_abs_d_apex, p.mean_abs_d_offset) == (0.5, 0.5, 0.5)
    assert (p.mean_d_onset, p.mean_d_apex, p.mean_d_offset) == (0.0, 0.0, 0.0)
    assert p.kappa_emotion == pytest.approx(0.5) and p.n_emotion == 4
    ious = [5 / 7, 1.0, 6 / 7, 5 / 6]
    assert p.mean_iou == pytest.approx(np.mean(ious))
    k = rep.kappa.set_index("variable")
    assert k.loc["emotion", "kappa"] == pytest.approx(0.5) and k.loc["emotion", "agreement"] == 0.75
    assert k.loc["AU12", "kappa"] == 1.0 and k.loc["AU04", "kappa"] == 1.0 and k.loc["AU07", "kappa"] == 1.0
    assert k.loc["AU06", "kappa"] == 0.0  # ann 6 once, bob never: p_o = p_e = .75
    assert list(k.index) == ["emotion", "AU04", "AU06", "AU07", "AU12"]
    m = rep.matches
    assert sorted(m["status"].value_counts().items()) == [("matched", 4), ("only_a", 1), ("only_b", 1)]
    only_b = m[m["status"] == "only_b"].iloc[0]
    assert (only_b.onset_b, only_b.offset_b) == (25, 30) and pd.isna(only_b.onset_a)
    assert "ICC skipped" not in " ".join(rep.notes)  # no per-frame table given: none expected, no note (h243)


def test_event_without_au_string_is_missing_not_absent() -> None:
    evs = [Event(1, 10, 12, 14, aus="12", coder="ann"), Event(1, 10, 12, 14, aus="", coder="bob"),
           Event(1, 30, 32, 34, aus="12", coder="ann"), Event(1, 30, 32, 34, aus="4", coder="bob")]
    k = agreement_from_events(evs).kappa.set_index("variable")
    assert k.loc["AU12", "n"] == 1 and k.loc["AU04", "n"] == 1


def test_frame_level_detection_kappa_and_alpha() -> None:
    # 10 frames: ann 0..4, bob 0..3 -> table [[5, 0], [1, 4]]: p_o .9, p_e .5*.6 + .5*.4 = .5, kappa .8
    evs = [Event(1, 0, 2, 4, coder="ann"), Event(1, 0, 2, 3, coder="bob")]
    rep = agreement_from_events(evs, frame_counts={1: 10})
    assert rep.pairs.iloc[0]["kappa_frames"] == pytest.approx(0.8)
    a = rep.alpha.set_index("variable").loc["event frames"]
    assert a["units"] == 10 and a["values"] == 20
    assert a["alpha"] == pytest.approx(krippendorff_alpha([[1] * 5 + [0] * 5, [1] * 4 + [0] * 6]))


def test_three_coders_alpha_and_missing_coder_on_a_video() -> None:
    evs = ann_bob_events(1) + [
        Event(1, 10, 12, 15, emotion="happiness", aus="12", coder="cat"),
        Event(1, 70, 72, 75, emotion="happiness", aus="4", coder="cat"),
        # video 2: only ann and cat; bob is missing there, not "found nothing"
        Event(2, 5, 6, 9, emotion="surprise", coder="ann"), Event(2, 5, 6, 9, emotion="surprise", coder="cat"),
    ]
    rep = agreement_from_events(evs, tolerance=2)
    assert rep.pairs[["coder_a", "coder_b"]].values.tolist() == [["ann", "bob"], ["ann", "cat"], ["bob", "cat"]]
    assert rep.pairs.set_index(["coder_a", "coder_b"]).loc[("ann", "bob"), "videos"] == 1
    assert rep.pairs.set_index(["coder_a", "coder_b"]).loc[("ann", "cat"), "matched"] == 3
    # emotion units, in onset order, coders ann, bob, cat
    expected = [["happiness", "happiness", "happiness"], [None, "happiness", None], ["happiness", "disgust", None],
                ["disgust", "disgust", "happiness"], ["disgust", "disgust", None], ["disgust", None, None],
                ["surprise", None, "surprise"]]
    alpha = rep.alpha.set_index("variable").loc["emotion"]
    assert alpha["alpha"] == pytest.approx(krippendorff_alpha(np.array(expected, dtype=object).T.tolist()))
    assert alpha["units"] == 5 and alpha["coders"] == 3
    # frame level: bob has NaN (missing) for video 2's frames
    ev_frames = rep.alpha.set_index("variable").loc["event frames"]
    assert ev_frames["units"] == 113 + 10  # video 1: frames 0..112, video 2: frames 0..9 (last offsets + 1)


def test_all_coded_counts_a_coder_without_events_as_finding_none() -> None:
    """By default bob, who has no events on video 2, did not code it; with all_coded he looked and found none, so
    ann's three events there are misses (F1 2 * 1 / (4 + 1)) and his frames count as "no event"."""
    evs = [Event(1, 10, 12, 14, coder="ann"), Event(1, 10, 12, 14, coder="bob"),
           Event(2, 10, 12, 14, coder="ann"), Event(2, 40, 42, 44, coder="ann"), Event(2, 70, 72, 74, coder="ann")]
    counts = {1: 100, 2: 100}
    default = agreement_from_events(evs, frame_counts=counts).pairs.iloc[0]
    assert (default.matched, default.only_a, default.f1, default.kappa_frames) == (1, 0, 1.0, 1.0)
    rep = agreement_from_events(evs, frame_counts=counts, all_coded=True)
    p = rep.pairs.iloc[0]
    assert (p.videos, p.matched, p.only_a, p.only_b) == (2, 1, 3, 0)
    assert p.f1 == pytest.approx(0.4)
    frames = rep.alpha.set_index("variable").loc["event frames"]
    assert frames["units"] == 200 and frames["values"] == 400
    assert not any("fewer than two coders" in n for n in rep.notes)
    # a named video with no events at all: every coder agrees there is nothing
    rep = agreement_from_events(evs, frame_counts={**counts, 3: 50}, all_coded=True, video_ids=[1, 2, 3])
    assert rep.pairs.iloc[0].videos == 3


def test_faces_never_match_each_other() -> None:
    evs = [Event(1, 10, 12, 14, face_id=0, coder="ann"), Event(1, 10, 12, 14, face_id=1, coder="bob")]
    p = agreement_from_events(evs).pairs.iloc[0]
    assert (p.matched, p.only_a, p.only_b) == (0, 1, 1)


def test_coder_selection_and_errors() -> None:
    evs = ann_bob_events(1) + [Event(1, 10, 12, 15, source="model")]
    assert agreement_from_events(evs).coders == ["ann", "bob", "model"]
    rep = agreement_from_events(evs, coders=["model", "ann"])
    assert rep.coders == ["model", "ann"] and len(rep.pairs) == 1
    with pytest.raises(InputError, match="no events by coder 'zed'.*ann, bob, model"):
        agreement_from_events(evs, coders=["ann", "zed"])
    with pytest.raises(InputError, match="no video has events by two or more coders"):
        agreement_from_events([e for e in evs if e.coder == "ann"])
    with pytest.raises(InputError, match="video 2 has events by fewer than two coders"):
        agreement_from_events(evs + [Event(2, 1, 2, 3, coder="ann")], video_ids=[1, 2])
    with pytest.raises(InputError, match="tolerance"):
        agreement_from_events(evs, tolerance=-1)


def test_report_from_project_statuses_and_model_coder(project) -> None:
    rep = agreement_report(project, tolerance=2)
    assert rep.coders == ["ann", "bob", "model"]
    assert rep.video_ids == [1]
    assert any("video 2" in n for n in rep.notes)  # ann alone there
    m = rep.pairs.set_index(["coder_a", "coder_b"]).loc[("ann", "model")]
    assert (m.matched, m.only_a, m.only_b) == (2, 3, 0)  # the rejected model event is left out
    assert m.kappa_emotion == 1.0  # happiness + disgust, both agreed
    k = rep.kappa.set_index(["coder_a", "coder_b", "variable"])
    assert k.loc[("ann", "model", "emotion"), "agreement"] == 1.0  # "Happiness" == "happiness"
    with_rejected = agreement_report(project, tolerance=2, statuses=("proposal", "accepted", "rejected"))
    assert with_rejected.pairs.set_index(["coder_a", "coder_b"]).loc[("ann", "model"), "only_b"] == 1


def test_project_errors(project) -> None:
    with pytest.raises(InputError, match="b.avi \\(video 2\\) has events by fewer than two coders \\(ann\\)"):
        agreement_report(project, video_ids=[2])
    with pytest.raises(InputError, match="no video 7 in the project"):
        agreement_report(project, video_ids=[7])


def test_project_icc_with_a_second_per_frame_table(project) -> None:
    other = pd.DataFrame(frame_rows(noise=0.3, seed=5))
    rep = agreement_report(project, video_ids=[1], frame_tables={1: {"openface": other}})
    t = rep.icc
    assert t[["source", "video_id", "coder_a", "coder_b"]].drop_duplicates().values.tolist() == [
        ["frames", 1, "analysis", "openface"]]
    assert t["au"].tolist() == ["AU04", "AU12"] and (t["n"] == N_FRAMES).all()
    assert (t["icc2_1"] > 0.8).all() and (t["icc2_1"] < 1.0).all()
    assert not any("ICC skipped" in n for n in rep.notes)
    same = agreement_report(project, video_ids=[1], frame_tables={1: {"copy": pd.DataFrame(frame_rows())}})
    assert np.allclose(same.icc["icc2_1"], 1.0)


def test_project_frames_coder(project) -> None:
    rep = agreement_report(project, video_ids=[1], coders=["ann", "frames"], frames_coder="frames")
    assert rep.coders == ["ann", "frames"]
    p = rep.pairs.iloc[0]
    assert p.matched + p.only_b > 0  # the per-frame presence runs became events
    assert not any("nothing on video" in n for n in rep.notes)
    # video 2 was never analysed: the frames coder has nothing there, and the report says so
    rep = agreement_report(project, frames_coder="frames")
    assert any("'frames' (per-frame AU presence) has nothing on video(s) 2" in n for n in rep.notes), rep.notes


def test_frames_coder_may_not_take_a_coders_name(project) -> None:
    with pytest.raises(InputError, match="'bob' already codes events here"):
        agreement_report(project, video_ids=[1], frames_coder="bob")


def test_write_csv_and_summary(project, tmp_path: Path) -> None:
    rep = agreement_report(project, tolerance=2)
    paths = rep.write_csv(tmp_path / "out")
    assert sorted(p.name for p in paths) == sorted(
        ["agreement_pairs.csv", "agreement_kappa.csv", "agreement_alpha.csv", "agreement_icc.csv",
         "agreement_matches.csv", "agreement_notes.txt"])
    back = pd.read_csv(tmp_path / "out" / "agreement_pairs.csv")
    assert back[["coder_a", "coder_b", "matched"]].values.tolist() == rep.pairs[
        ["coder_a", "coder_b", "matched"]].values.tolist()
    assert not list((tmp_path / "out").glob("*.part"))
    text = rep.summary()
    for needle in ("Event matching", "Cohen's kappa", "Krippendorff's alpha", "ann / bob"):
        assert needle in text


def test_facs_intensity_letters_give_icc_and_ordinal_alpha() -> None:
    # matched pairs, AU12 intensities ann (1, 3, 5, 0, NaN), bob (2, 3, 4, 0, 2): the letter-less "12" is dropped
    ann = ["12A", "12C", "12E+4", "4A", "12"]
    bob = ["12B", "12C", "L12D+R12B+4", "4B", "12B"]
    evs = [Event(1, 10 * i, 10 * i + 1, 10 * i + 3, aus=a, coder="ann") for i, a in enumerate(ann)]
    evs += [Event(1, 10 * i, 10 * i + 1, 10 * i + 3, aus=b, coder="bob") for i, b in enumerate(bob)]
    rep = agreement_from_events(evs)
    rows = rep.icc[rep.icc["source"] == "events"].set_index("au")
    # only pairs where either coder scored the AU: the (0, 0) pair says nothing about intensity
    assert rows.index.tolist() == ["AU12"]
    assert rows.loc["AU12", "n"] == 3
    assert rows.loc["AU12", "icc2_1"] == pytest.approx(icc([[1, 2], [3, 3], [5, 4]]).icc2_1)
    # AU4 pairs (0, 0), (0, 0), (NaN, NaN), (1, 2), (0, 0): one scored pair, too few for an ICC
    assert 4 not in rows.index
    # a pair of coders without any letter for an AU gets no row
    plain = agreement_from_events([Event(1, 0, 1, 3, aus="4", coder="a"), Event(1, 0, 1, 3, aus="4", coder="b"),
                                   Event(1, 9, 9, 9, aus="4", coder="a"), Event(1, 9, 9, 9, aus="1", coder="b")])
    assert plain.icc.empty
    a = rep.alpha.set_index("variable").loc["AU12 intensity"]
    assert a["level"] == "ordinal"
    assert a["alpha"] == pytest.approx(krippendorff_alpha([[1, 3, 5, np.nan, np.nan], [2, 3, 4, np.nan, 2]],
                                                          "ordinal"))


def test_write_csv_to_an_impossible_folder(tmp_path: Path) -> None:
    rep = agreement_from_events(ann_bob_events(1))
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="file.txt"):
        rep.write_csv(blocker / "out")


def test_csv_keeps_large_frame_numbers_and_full_precision(tmp_path: Path) -> None:
    """Unmatched events leave empty cells, which made the frame columns float; with %.6g frame 1234567 was written
    "1.23457e+06". Frames stay integers and statistics keep every digit."""
    big = 1_234_567
    evs = [Event(1, big, big + 3, big + 9, emotion="happiness", aus="12", coder="ann"),
           Event(1, big + 1, big + 3, big + 10, emotion="happiness", aus="12", coder="bob"),
           Event(1, 10**7, 10**7 + 1, 10**7 + 2, emotion="surprise", coder="bob")]
    rep = agreement_from_events(evs, tolerance=2)
    rep.write_csv(tmp_path)
    text = (tmp_path / "agreement_matches.csv").read_text()
    assert "e+" not in text and f",{big}," in text and ",10000000," in text and f"{big}.0" not in text
    back = pd.read_csv(tmp_path / "agreement_matches.csv")
    matched = back[back["status"] == "matched"].iloc[0]
    assert (matched.onset_a, matched.onset_b, matched.offset_b) == (big, big + 1, big + 10)
    assert matched.iou == rep.matches[rep.matches["status"] == "matched"].iloc[0].iou  # every digit


def test_events_read_by_the_caller_give_the_same_report(project) -> None:
    """The app reads the project's events once per change and hands them over (agreement_report's ``events``): the
    report is the one read from the project, the statuses and videos chosen the same way."""
    every = list(reversed(project.events()))  # any order: taken video by video
    for kw in ({}, {"video_ids": [1]}, {"statuses": ("proposal", "accepted", "rejected")}):
        read, given = agreement_report(project, tolerance=2, **kw), agreement_report(project, tolerance=2,
                                                                                      events=every, **kw)
        pd.testing.assert_frame_equal(read.pairs, given.pairs)
        pd.testing.assert_frame_equal(read.kappa, given.kappa)
        assert read.notes == given.notes and read.video_ids == given.video_ids
