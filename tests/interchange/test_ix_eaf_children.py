"""ELAN child tiers of other tools' files: the FACS layout of one time-alignable "Expression" tier with
Symbolic_Association children "AU" and "Emotion" (the emotion from a controlled vocabulary). A child's reference
annotations take their parent annotation's times, so mapped (``--tier AU=alice:aus --tier Emotion=alice:emotion``)
they import like tiers with times of their own; Symbolic_Subdivision parts of one parent are one value joined with
"+"; Time_Subdivision children's unaligned slots are spaced evenly between their aligned neighbours."""

from __future__ import annotations

import csv

from support.elan_files import facs_eaf

from merstudio.cli.main import main
from merstudio.interchange import read_eaf
from merstudio.interchange.eaf import foreign_tiers

MAPPED = {"AU": "alice", "Emotion": "alice"}
ROLES = {"AU": "aus", "Emotion": "emotion"}
# 1000-1400 ms: frames 30..41 at 30 fps; 3000-3300 ms: frames 90..98
EXPECTED = [("alice", 30, 41, "happiness", "6+12"), ("alice", 90, 98, "contempt", "R14")]


def _coding(events):
    return sorted((e.coder, e.onset, e.offset, e.emotion, e.aus) for e in events)


def test_symbolic_association_children_take_their_parents_times(tmp_path):
    """The AU and Emotion children of "Expression", mapped, make one event per expression with its frames, the
    emotion (the CV entry's value where the stored one is empty) and the AUs; the unmapped parent is no skipped
    tier (a note says its times were read)."""
    prev = read_eaf(facs_eaf(tmp_path / "facs.eaf"), fps=30.0, tier_coders=MAPPED, tier_roles=ROLES)
    assert _coding(prev.events) == EXPECTED
    assert prev.ok and not prev.skipped
    assert any("Expression not imported: only the times" in n for n in prev.notes)
    assert any("2 annotation(s) of AU tier(s) AU merged" in n for n in prev.notes)
    # the parent mapped too, as an event tier of another coder: its "ME" annotations keep their own events
    both = read_eaf(facs_eaf(tmp_path / "facs.eaf"), fps=30.0, tier_coders={**MAPPED, "Expression": "bob"},
                    tier_roles={**ROLES, "Expression": "event"})
    assert _coding(both.events) == sorted([*EXPECTED, ("bob", 30, 41, "ME", ""), ("bob", 90, 98, "ME", "")])


def test_a_child_tier_alone_imports_with_its_parents_frames(tmp_path):
    prev = read_eaf(facs_eaf(tmp_path / "facs.eaf"), fps=30.0, tier_coders={"Emotion": "alice"},
                    tier_roles={"Emotion": "emotion"})
    assert _coding(prev.events) == [("alice", 30, 41, "happiness", ""), ("alice", 90, 98, "contempt", "")]
    au = read_eaf(facs_eaf(tmp_path / "facs.eaf"), fps=30.0, tier_coders={"AU": "alice"})  # kind told by values
    assert _coding(au.events) == [("alice", 30, 41, "", "6+12"), ("alice", 90, 98, "", "R14")]


def test_symbolic_subdivision_parts_of_one_parent_join_with_plus(tmp_path):
    """Ordered by PREVIOUS_ANNOTATION (AU6 before AU12, whatever order they are written in)."""
    prev = read_eaf(facs_eaf(tmp_path / "sub.eaf", subdivided=True), fps=30.0, tier_coders=MAPPED,
                    tier_roles=ROLES)
    assert _coding(prev.events) == EXPECTED


def test_cli_convert_maps_child_tiers(tmp_path, capsys):
    src = facs_eaf(tmp_path / "facs.eaf")
    out = tmp_path / "out.csv"
    assert main(["convert", str(src), str(out), "--fps", "30", "--tier", "AU=alice:aus",
                 "--tier", "Emotion=alice:emotion", "--yes"]) == 0, capsys.readouterr().err
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert sorted((r["coder"], int(r["onset"]), int(r["offset"]), r["emotion"], r["aus"]) for r in rows) == EXPECTED


def test_foreign_tiers_reports_children_as_importable(tmp_path):
    info = foreign_tiers(facs_eaf(tmp_path / "facs.eaf"))
    got = {t.tier: (t.count, t.aligned, t.samples, t.times_from, t.guessed_role) for t in info.tiers}
    assert got == {"Expression": (2, 2, ("ME",), "", "event"),
                   "AU": (2, 2, ("AU6+AU12", "R14"), "Expression", "aus"),
                   "Emotion": (2, 2, ("happiness", "contempt"), "Expression", "event")}


def test_time_subdivision_unaligned_slots_are_spaced_evenly(tmp_path):
    """A Time_Subdivision child "Phase" of "Expression" 1000-1600 ms in three parts whose two inner boundaries are
    unaligned: they take 1200 and 1400 ms, as ELAN shows them. A slot with no aligned neighbour on its chain is a
    skipped annotation that says so."""
    src = tmp_path / "phases.eaf"
    src.write_text('''<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="alice" FORMAT="3.0" VERSION="3.0">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1000"/>
        <TIME_SLOT TIME_SLOT_ID="ts2"/>
        <TIME_SLOT TIME_SLOT_ID="ts3"/>
        <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="1600"/>
        <TIME_SLOT TIME_SLOT_ID="ts5" TIME_VALUE="2000"/>
        <TIME_SLOT TIME_SLOT_ID="ts6"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="seg" TIER_ID="Expression">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts4">
            <ANNOTATION_VALUE>ME</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="ts" PARENT_REF="Expression" TIER_ID="Phase">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
            <ANNOTATION_VALUE>6</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3">
            <ANNOTATION_VALUE>6+12</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a4" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">
            <ANNOTATION_VALUE>12</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a5" TIME_SLOT_REF1="ts5" TIME_SLOT_REF2="ts6">
            <ANNOTATION_VALUE>4</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="seg" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Time_Subdivision" LINGUISTIC_TYPE_ID="ts" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
''', encoding="utf-8")
    prev = read_eaf(src, fps=30.0, tier_coders={"Phase": "alice"}, tier_roles={"Phase": "aus"})
    # 1000-1200 ms: frames 30..35; 1200-1400: 36..41; 1400-1600: 42..47
    assert _coding(prev.events) == [("alice", 30, 35, "", "6"), ("alice", 36, 41, "", "6+12"),
                                    ("alice", 42, 47, "", "12")]
    assert any("2 time slot(s) without a time (unaligned) placed evenly" in n for n in prev.notes)
    assert [(s.where, s.reason) for s in prev.skipped if "Phase" in s.where] == [
        ("phases.eaf: tier 'Phase', annotation a5",
         "time slot 'ts6' is unaligned (no TIME_VALUE) and lies between no aligned slots to take a time from")]
