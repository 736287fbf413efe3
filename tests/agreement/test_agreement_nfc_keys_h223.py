"""h223: one name in Unicode NFC and NFD (a Mac's decomposed form) is one coder and one emotion label in the report,
in a project stored before events were normalised too; the CSVs join: AUs named AU01 in every table, the video's
name beside video_id, the stored analysis's per-frame table not called "model" (the proposals' coder)."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import pandas as pd
from agreement_data import frame_rows

from merstudio.agreement import agreement_from_events, agreement_report
from merstudio.agreement.report import ICC_TABLE_COLUMNS, MATCH_COLUMNS, MODEL_CODER
from merstudio.project import Event, Project

ZOE, ZOE_MAC = (unicodedata.normalize(f, "Zoë") for f in ("NFC", "NFD"))
UE, UE_MAC = (unicodedata.normalize(f, "Überraschung") for f in ("NFC", "NFD"))


def test_one_coder_in_both_forms_is_one_coder() -> None:
    # Events built as a project stored them before Event.validated normalised (never validated here)
    evs = [Event(1, 10, 12, 15, coder=ZOE), Event(1, 40, 42, 45, coder=ZOE_MAC),
           Event(1, 10, 12, 15, coder="ann"), Event(1, 40, 42, 45, coder="ann")]
    rep = agreement_from_events(evs, frame_counts={1: 60})
    assert rep.coders == ["ann", ZOE]  # as people read them (h303: names.name_sort_key)
    pair = rep.pairs.iloc[0]
    assert (pair["matched"], pair["only_a"], pair["only_b"]) == (2, 0, 0)
    # named either way, recorded either way: the one coder
    assert agreement_from_events(evs, coders=[ZOE_MAC, "ann"], frame_counts={1: 60}).coders == [ZOE, "ann"]
    rec = agreement_from_events(evs[2:], coded={1: [ZOE_MAC]}, frame_counts={1: 60})
    assert rec.coders == ["ann", ZOE] and rec.pairs.iloc[0]["only_a"] == 2  # she found nothing


def test_one_emotion_label_in_both_forms_agrees() -> None:
    evs = [Event(1, 17, 40, 71, emotion=UE, aus="12", coder="ann"),
           Event(1, 17, 40, 71, emotion=UE_MAC, aus="12", coder="bob")]
    rep = agreement_from_events(evs, frame_counts={1: 80})
    assert rep.pairs.iloc[0]["agreement_emotion"] == 1.0
    assert set(rep.matches[["emotion_a", "emotion_b"]].iloc[0]) == {UE}


def test_a_stored_decomposed_coder_is_one_coder_in_the_project_report(tmp_path: Path) -> None:
    """A project an earlier merstudio stored with Zoë typed and Zoë imported from a Mac's file."""
    path = tmp_path / "p.merproj"
    video = tmp_path / "v.avi"
    video.write_bytes(b"\0" * 4096)
    with Project.create(path) as p:
        v = p.add_video(video, fps=30.0, frame_count=60, width=64, height=48)
        p.add_events([Event(v.id, 10, 12, 15, coder=ZOE), Event(v.id, 40, 42, 45, coder="bob"),
                      Event(v.id, 10, 12, 15, coder="bob")])
        stored = max(e.id for e in p.events())
    con = sqlite3.connect(path)  # as it was stored before: the name as the Mac's file spelled it
    with con:
        con.execute("UPDATE events SET coder = ? WHERE id = ?", (ZOE_MAC, stored - 1))
    con.close()
    with Project.open(path) as p:
        assert ZOE_MAC in {e.coder for e in p.events()}
        rep = agreement_report(p)
    assert rep.coders == ["bob", ZOE]
    assert rep.header(cli=True).startswith(f"Agreement of bob, {ZOE} ")


def test_the_tables_join_on_au_and_video(project: Project) -> None:
    other = pd.DataFrame(frame_rows(noise=0.3, seed=5))
    rep = agreement_report(project, video_ids=[1], frame_tables={1: {"openface": other}})
    assert MATCH_COLUMNS[:2] == ICC_TABLE_COLUMNS[1:3] == ("video_id", "video")
    assert set(rep.matches["video"]) == {"a.avi"}
    frames = rep.icc[rep.icc["source"] == "frames"]
    assert frames["au"].tolist() == ["AU04", "AU12"] and set(frames["video"]) == {"a.avi"}
    # every AU key is spelled as the kappa and alpha tables spell it
    assert set(frames["au"]) <= set(rep.kappa["variable"])
    # the stored analysis is a rater of its own name, and a note says which is which
    raters = set(frames["coder_a"]) | set(frames["coder_b"])
    assert MODEL_CODER not in raters and raters == {"analysis", "openface"}
    assert MODEL_CODER in rep.coders  # the proposals' coder, in the event tables
    assert any("'analysis'" in n and "stored analysis" in n for n in rep.notes)


def test_the_pooled_events_icc_names_its_au(tmp_path: Path) -> None:
    ann = ["12A", "12C", "12E", "12B"]
    bob = ["12B", "12C", "12D", "12B"]
    evs = [Event(1, 10 * i, 10 * i + 1, 10 * i + 3, aus=a, coder="ann") for i, a in enumerate(ann)]
    evs += [Event(1, 10 * i, 10 * i + 1, 10 * i + 3, aus=b, coder="bob") for i, b in enumerate(bob)]
    rep = agreement_from_events(evs, frame_counts={1: 50}, video_names={1: "x.mp4"})
    assert rep.icc["au"].tolist() == ["AU12"] and rep.icc["video"].tolist() == [""]
    assert set(rep.matches["video"]) == {"x.mp4"}
    out = rep.write_csv(tmp_path / "out")
    icc = pd.read_csv(next(p for p in out if p.name == "agreement_icc.csv"))
    kappa = pd.read_csv(next(p for p in out if p.name == "agreement_kappa.csv"))
    assert set(icc["au"]) & set(kappa["variable"]) == {"AU12"}  # one key: the CSVs merge on it
