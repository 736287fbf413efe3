"""An ELAN tier with no PARTICIPANT in a file whose other tiers name one (speach's test2.eaf: 'Person1 (Utterance)'
of P001 and 'marker' of nobody) went to face 0 beside the first participant, so an ELAN export wrote P001 on the
marker's events (h193): it now goes to the first face no participant is on, which an export writes with no
PARTICIPANT."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from support.participant_eaf import with_marker_tier

from merstudio.cli.main import main
from merstudio.interchange import read_eaf
from merstudio.interchange.eaf import foreign_tiers, unnamed_face


def test_a_tier_naming_no_participant_is_on_a_face_nobody_is_on(tmp_path):
    src = with_marker_tier(tmp_path)
    prev = read_eaf(src, fps=30.0, tier_coders={"Emotion_Mother": "zoe", "AU_Infant": "zoe", "marker": "zoe"},
                    tier_roles={"Emotion_Mother": "emotion", "AU_Infant": "aus", "marker": "emotion"})
    faces = sorted((e.face_id, e.emotion) for e in prev.events)
    assert faces == [(0, "happiness"), (1, ""), (2, "surprise")]  # not face 0, the Mother's
    assert prev.face_names == {0: "Mother", 1: "Infant"}
    assert any("tier(s) marker name no participant: face 2" in n for n in prev.notes)
    # the Map ELAN tiers dialog's rows start from the same face
    assert {t.tier: t.face for t in foreign_tiers(src).tiers} == {"Emotion_Mother": 0, "AU_Infant": 1, "marker": 2}


def test_unnamed_face():
    assert unnamed_face({}) == 0  # a file that names nobody: face 0, as before
    assert unnamed_face({"P001": 0}) == 1
    assert unnamed_face({"Mother": 1}, known={0: "Infant"}) == 2  # a name earlier imports gave is somebody's too


def test_the_export_writes_no_participant_on_the_nameless_tiers_events(tmp_path):
    src = with_marker_tier(tmp_path)
    out = tmp_path / "out.eaf"
    assert main(["convert", str(src), str(out), "--fps", "30", "--yes", "--tier", "Emotion_Mother=zoe:emotion",
                 "--tier", "marker=zoe:emotion"]) == 0
    tiers = {t.get("TIER_ID"): t.get("PARTICIPANT") for t in ET.parse(out).getroot().iter("TIER")
             if t.find("ANNOTATION") is not None and "/event" in (t.get("TIER_ID") or "")}
    assert tiers == {"zoe/event": "Mother", "zoe/event/face2": None}
    back = read_eaf(out, fps=30.0)
    assert sorted((e.face_id, e.emotion) for e in back.events) == [(0, "happiness"), (2, "surprise")]


def test_only_a_nameless_tier_mapped_is_said_where_it_went(tmp_path):
    """Its events on face 2 with no word why (no participant's tier mapped: the note of faces was left out)."""
    src = with_marker_tier(tmp_path)
    prev = read_eaf(src, fps=30.0, tier_coders={"marker": "zoe"}, tier_roles={"marker": "emotion"})
    assert [e.face_id for e in prev.events] == [2]
    assert any("tier(s) marker name no participant: face 2, the first face none of the file's participants "
               "('Mother', 'Infant') is on" in n for n in prev.notes), prev.notes
