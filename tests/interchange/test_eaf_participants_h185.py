"""ELAN tiers of two participants (Emotion_Mother, AU_Infant; one coder) were merged into one event on face 0 (audit
a90 finding 3): each participant's tiers now go to a face of their own (PARTICIPANT numbered in tier order), a
mapped tier's face can be given (tier_faces= / --tier TIER=CODER:KIND:faceK), the preview says who went where, and
an ELAN export writes the participant back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from support.participant_eaf import MAPPED, ROLES, participant_eaf

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.interchange import (
    commit_import,
    known_face_names,
    preview_import,
    read_eaf,
    remember_elan_media,
)
from merstudio.interchange.eaf import foreign_tiers


def _coding(events):
    return sorted((e.face_id, e.onset, e.apex, e.offset, e.emotion, e.aus) for e in events)


def test_each_participant_is_a_face_of_their_own(tmp_path):
    src = participant_eaf(tmp_path / "dyad.eaf")
    prev = read_eaf(src, fps=30.0, tier_coders=MAPPED, tier_roles=ROLES)
    # the Infant's AUs no longer join the Mother's emotion
    assert _coding(prev.events) == [(0, 30, 37, 44, "happiness", ""), (1, 33, 37, 41, "", "4+15")]
    assert prev.face_names == {0: "Mother", 1: "Infant"}
    said = [n for n in prev.notes if "participants' faces" in n]
    assert said == ["dyad.eaf: participants' faces (one person's AUs join only that person's emotions): 'Mother' "
                    "face 0 (Emotion_Mother); 'Infant' face 1 (AU_Infant) (another face: tier_faces= / --tier "
                    "TIER=CODER:KIND:faceK)"]
    assert not any("merged into" in n for n in prev.notes)
    # the dialog's rows start from the same faces
    assert [(t.tier, t.participant, t.face) for t in foreign_tiers(src).tiers] == [
        ("Emotion_Mother", "Mother", 0), ("AU_Infant", "Infant", 1)]


def test_a_participants_apex_tier_sets_only_that_participants_apexes(tmp_path):
    src = participant_eaf(tmp_path / "dyad.eaf", apex_tier=True)
    prev = read_eaf(src, fps=30.0, tier_coders={**MAPPED, "Apex_Mother": "zoe"},
                    tier_roles={**ROLES, "Apex_Mother": "apex"})
    assert _coding(prev.events) == [(0, 30, 36, 44, "happiness", ""), (1, 33, 37, 41, "", "4+15")]


def test_a_tiers_face_can_be_given(tmp_path):
    src = participant_eaf(tmp_path / "dyad.eaf")
    prev = read_eaf(src, fps=30.0, tier_coders=MAPPED, tier_roles=ROLES, tier_faces={"AU_Infant": 0})
    assert _coding(prev.events) == [(0, 30, 37, 44, "happiness", "4+15")]  # the user's say: one person
    with pytest.raises(InputError, match="tier 'Emotion_Mother' has a face \\(2\\) but no coder"):
        read_eaf(src, fps=30.0, tier_coders={"AU_Infant": "zoe"}, tier_faces={"Emotion_Mother": 2})


def test_cli_tier_face_and_the_participant_written_back(tmp_path, capsys):
    src = participant_eaf(tmp_path / "dyad.eaf")
    out = tmp_path / "out.csv"
    assert main(["convert", str(src), str(out), "--fps", "30", "--tier", "Emotion_Mother=zoe:emotion",
                 "--tier", "AU_Infant=zoe:aus:face2"]) == 0
    rows = out.read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[1] for r in rows[1:]] == ["0", "2"]
    back = tmp_path / "back.eaf"
    assert main(["convert", str(src), str(back), "--fps", "30", "--tier", "Emotion_Mother=zoe:emotion",
                 "--tier", "AU_Infant=zoe:aus"]) == 0
    tiers = {t.get("TIER_ID"): t.get("PARTICIPANT") for t in ET.parse(back).getroot().iter("TIER")}
    assert tiers == {"zoe/event": "Mother", "zoe/apex": "Mother", "zoe/meta": "Mother",
                     "zoe/event/face1": "Infant", "zoe/apex/face1": "Infant", "zoe/meta/face1": "Infant"}
    again = read_eaf(back, fps=30.0)  # merstudio's own tiers: the faces by name, the participants kept
    assert again.face_names == {0: "Mother", 1: "Infant"}
    assert _coding(again.events) == [(0, 30, 37, 44, "happiness", ""), (1, 33, 37, 41, "", "4+15")]


def test_a_participant_keeps_the_face_earlier_imports_into_the_video_gave(tmp_path, project):
    """The project's memory of who each face is (h184's, for BORIS subjects): bob's file names only the Infant (its
    first participant) yet its tiers go to face 1, as in alice's file, not face 0 by its own order."""
    vid = project.videos()[0].id
    alice = participant_eaf(tmp_path / "alice.eaf")
    prev = preview_import(project, alice, vid, tier_coders={"Emotion_Mother": "alice", "AU_Infant": "alice"},
                          tier_roles=ROLES)
    commit_import(project, prev)
    remember_elan_media(project, vid, prev)  # what the CLI and the app call after every import
    assert known_face_names(project, vid) == {0: "Mother", 1: "Infant"}
    bob = tmp_path / "bob.eaf"
    bob.write_text(alice.read_text(encoding="utf-8").replace('PARTICIPANT="Mother"', 'PARTICIPANT="Infant"', 1)
                   .replace('ANNOTATOR="zoe"', 'ANNOTATOR="bob"'), encoding="utf-8")
    prev = preview_import(project, bob, vid, tier_coders={"Emotion_Mother": "bob"},
                          tier_roles={"Emotion_Mother": "emotion"})
    assert [e.face_id for e in prev.events] == [1]
    assert any("'Infant' face 1 (Emotion_Mother); 'Infant' as earlier imports into this video named them" in n
               for n in prev.notes)
