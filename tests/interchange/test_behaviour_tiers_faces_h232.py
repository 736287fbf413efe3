"""An ELAN file's behaviour tiers keep the face (h232): they were one per behaviour and coder, so the "gaze away" of
two people in one video landed on one tier and came back on face 0. Now one tier per behaviour, coder and face
(``/face<k>`` as the event tiers name a face k != 0, the face's participant on it), read back on its face; a file
written before (no face in the tier's name) still reads, on face 0."""

from __future__ import annotations

from pathlib import Path

from support.merge_copies import copy_without_behaviours

from merstudio import interchange as ix
from merstudio.interchange.common import Media
from merstudio.interchange.eaf import read_eaf
from merstudio.interchange.eaf_write import write_eaf
from merstudio.project import Project
from merstudio.project.behaviours import BehaviourEvent
from merstudio.project.export import named_behaviour_tiers


def test_two_faces_gaze_away_get_a_tier_each_and_come_back_on_their_faces(tmp_path: Path) -> None:
    a, b = copy_without_behaviours(tmp_path)
    with Project.open(a) as p:
        vid = p.videos()[0].id
        gaze = p.behaviours()[0]  # alice's gaze away at 50-60 on face 0
        p.add_behaviour_event(BehaviourEvent(vid, gaze.id, 55, 70, coder="alice", face_id=1))
        [eaf] = ix.export_project_events(p, vid, tmp_path / "v.eaf")
    text = eaf.read_text(encoding="utf-8")
    assert 'TIER_ID="behaviour: gaze away (alice)"' in text  # face 0: the name it always had
    assert 'TIER_ID="behaviour: gaze away (alice)/face1"' in text  # was: one tier, a second lane " #2"
    with Project.open(b) as p:
        vid = p.videos()[0].id
        prev = ix.preview_import(p, eaf, vid)
        assert not prev.skipped, prev.skipped
        ix.commit_import(p, prev)
        got = sorted((e.face_id, e.onset, e.offset, e.coder) for e in p.behaviour_events(vid))
    assert got == [(0, 50, 60, "alice"), (1, 55, 70, "alice")]  # was: both on face 0


def test_a_named_face_has_its_participant_on_the_behaviour_tier_and_it_reads_back(tmp_path: Path) -> None:
    evs = [("nod", BehaviourEvent(1, 0, 10, 10, coder="bob", face_id=2)),
           ("nod", BehaviourEvent(1, 0, 12, 12, coder="bob", face_id=2)),
           ("nod", BehaviourEvent(1, 0, 30, 30, coder="bob"))]
    tiers = named_behaviour_tiers(evs)
    assert list(tiers) == ["behaviour: nod (bob)", "behaviour: nod (bob)/face2"]
    media = Media(path="clip.mp4", fps=30.0, face_names=((2, "Anna"),))
    out = write_eaf([], tmp_path / "v.eaf", media, extra_tiers=tiers)
    assert 'PARTICIPANT="Anna" TIER_ID="behaviour: nod (bob)/face2"' in out.read_text(encoding="utf-8")
    read = read_eaf(out, fps=30.0)
    assert sorted((e.face_id, e.onset, e.coder) for _n, e in read.behaviours) == [(0, 30, "bob"), (2, 10, "bob"),
                                                                                   (2, 12, "bob")]
    assert read.face_names == {2: "Anna"}


def test_an_old_file_without_a_face_in_the_tier_name_still_reads_on_face_0(tmp_path: Path) -> None:
    media = Media(path="clip.mp4", fps=30.0)
    old = {"behaviour: gaze away (alice)": ("alice", [(1, 3, "gaze away")]),
           "behaviour: gaze away (alice) #2": ("alice", [(2, 4, "looks (left)")])}  # as written before h232
    read = read_eaf(write_eaf([], tmp_path / "old.eaf", media, extra_tiers=old), fps=30.0)
    assert not read.skipped
    assert sorted((n, e.face_id, e.onset, e.offset, e.note) for n, e in read.behaviours) == [
        ("gaze away", 0, 1, 3, ""), ("gaze away", 0, 2, 4, "looks (left)")]
