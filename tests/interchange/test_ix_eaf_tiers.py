"""Other tools' ELAN tiers mapped to coders (``--tier TIER=CODER[:KIND]``): a tier of AU codes fills the AUs, not
the emotion, and a coder's AU and emotion annotations of one coding become one event."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.interchange import read_eaf


def _tiers_eaf(path: Path) -> Path:
    """Alice's AUs and emotions on tiers of their own, as coders lay them out in ELAN (times in ms, 30 fps):
    AU a1 567-667 "12" (inside no emotion), a2 700-2300 "6+12+25" (inside emotion a4 700-2400), a3 1000-1500
    "AU04" (the same span as emotion a5, and inside a4 too), a7 2350-2600 "L14" (overlapping a4's end only)."""
    slots = {"ts1": 567, "ts2": 667, "ts3": 2300, "ts4": 700, "ts5": 2400, "ts7": 1000, "ts8": 1500, "ts9": 2350,
             "ts10": 2600}

    def ann(aid: str, a: str, b: str, value: str) -> str:
        return (f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{aid}" TIME_SLOT_REF1="{a}" TIME_SLOT_REF2="{b}">'
                f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>")

    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="" FORMAT="3.0" VERSION="3.0">'
        '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER>'
        + "".join(f'<TIME_SLOT TIME_SLOT_ID="{k}" TIME_VALUE="{v}"/>' for k, v in slots.items())
        + '</TIME_ORDER><TIER LINGUISTIC_TYPE_REF="lt" ANNOTATOR="Alice" TIER_ID="AU">'
        + ann("a1", "ts1", "ts2", "12") + ann("a2", "ts4", "ts3", "6+12+25") + ann("a3", "ts7", "ts8", "AU04")
        + ann("a7", "ts9", "ts10", "L14")
        + '</TIER><TIER LINGUISTIC_TYPE_REF="lt" ANNOTATOR="Alice" TIER_ID="Emotion">'
        + ann("a4", "ts4", "ts5", "happiness") + ann("a5", "ts7", "ts8", "surprise")
        + '</TIER><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>')
    return path


def _coding(prev):
    return sorted((e.coder, e.onset, e.offset, e.emotion, e.aus) for e in prev.events)


def test_a_tier_of_au_codes_fills_the_aus(tmp_path):
    """Mapped to two coders (no merging across coders), an AU tier's values are AUs, not emotions, whether its
    kind is given or told by its values (a note says so)."""
    src = _tiers_eaf(tmp_path / "t.eaf")
    prev = read_eaf(src, fps=30.0, tier_coders={"AU": "alice", "Emotion": "alice_emo"})
    au = [e for e in prev.events if e.coder == "alice"]
    assert sorted(e.aus for e in au) == ["12", "4", "6+12+25", "L14"] and all(e.emotion == "" for e in au)
    assert any("tier 'AU' read as AUs" in n for n in prev.notes)
    declared = read_eaf(src, fps=30.0, tier_coders={"AU": "alice", "Emotion": "alice_emo"},
                        tier_roles={"AU": "aus", "Emotion": "emotion"})
    assert _coding(declared) == _coding(prev) and not any("read as AUs" in n for n in declared.notes)
    as_emotions = read_eaf(src, fps=30.0, tier_coders={"AU": "alice"}, tier_roles={"AU": "emotion"})
    assert sorted(e.emotion for e in as_emotions.events if e.coder == "alice") == ["12", "6+12+25", "AU04", "L14"]


def test_one_coders_au_and_emotion_tiers_merge_into_one_event_each(tmp_path):
    """Same span, or the AU annotation inside the emotion one: one event with the emotion annotation's frames,
    emotion and every AU that joined it (a3 joins a5, its exact match, not the longer a4). An AU annotation inside
    no emotion annotation, or overlapping one only in part, stays an event of its own."""
    prev = read_eaf(_tiers_eaf(tmp_path / "t.eaf"), fps=30.0, tier_coders={"AU": "alice", "Emotion": "alice"},
                    tier_roles={"AU": "aus", "Emotion": "emotion"})
    assert _coding(prev) == [
        ("alice", 17, 19, "", "12"),  # a1: inside no emotion annotation
        ("alice", 21, 71, "happiness", "6+12+25"),  # a4 + a2 (700-2400 ms)
        ("alice", 30, 44, "surprise", "4"),  # a5 + a3, the same span
        ("alice", 70, 77, "", "L14"),  # a7: overlaps a4's end only
    ]
    assert any("2 annotation(s) of AU tier(s) AU merged into the 2 emotion annotation(s)" in n for n in prev.notes)
    assert any("1 AU annotation(s) overlap an emotion annotation" in n for n in prev.notes)
    assert prev.ok


def test_cli_tier_kinds(tmp_path, capsys):
    src = _tiers_eaf(tmp_path / "t.eaf")
    out = tmp_path / "out.csv"
    assert main(["convert", str(src), str(out), "--fps", "30", "--tier", "AU=alice:aus",
                 "--tier", "Emotion=alice:emotion"]) == 0
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert sorted((r["onset"], r["emotion"], r["aus"]) for r in rows) == [
        ("17", "", "12"), ("21", "happiness", "6+12+25"), ("30", "surprise", "4"), ("70", "", "L14")]
    assert "merged" in capsys.readouterr().err
    assert main(["convert", str(src), str(tmp_path / "x.csv"), "--fps", "30", "--tier", "AU=alice:bogus"]) != 0
    assert "--tier AU=alice:bogus: unknown kind" in capsys.readouterr().err
    with pytest.raises(InputError, match="unknown kind 'bogus'"):
        read_eaf(src, fps=30.0, tier_coders={"AU": "alice"}, tier_roles={"AU": "bogus"})
    from merstudio.interchange.eaf import split_tier_target

    assert split_tier_target("lab:alice:event") == ("lab:alice", "event")
    assert split_tier_target("alice") == ("alice", None) and split_tier_target("alice:AU") == ("alice", "aus")
