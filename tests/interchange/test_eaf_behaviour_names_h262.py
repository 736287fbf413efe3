"""Behaviour and coder names in ELAN behaviour tiers (h262): the tier ``behaviour: smile (Anna (RA))`` was split at
its last " (" (behaviour "smile (Anna", a made-up note "smile", a new behaviour on re-import), and a behaviour named
with "/" whose every event has a note came back with "-" ("head/turn" as a new "head-turn"). The coder is the tier's
ANNOTATOR, cut from the end of its id; the exact name of a behaviour the id loses is kept in the HEADER."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.merge_copies import copy_without_behaviours

from merstudio import interchange as ix
from merstudio.cli.main import main
from merstudio.interchange.common import Media
from merstudio.interchange.eaf import read_eaf
from merstudio.interchange.eaf_write import write_eaf
from merstudio.project import Project
from merstudio.project.behaviours import Behaviour, BehaviourEvent

# (behaviour, coder, onset, offset, note): " (" in coders' and behaviours' names, "/" with a note on every event
CODED = [("smile", "Anna (RA)", 5, 20, ""), ("gaze (away)", "bob (2)", 30, 40, "left"),
         ("head/turn", "bob", 45, 50, "to the left"), ("head/turn", "bob", 60, 70, "back")]


def _exported(tmp_path: Path) -> tuple[Path, Path]:
    """(the ELAN export of a project holding CODED, a copy of that project without behaviours)."""
    a, b = copy_without_behaviours(tmp_path)
    with Project.open(a) as p:
        vid = p.videos()[0].id
        for x in list(p.behaviour_events()):
            p.delete_behaviour_event(x.id)
        ids = {}
        for name, coder, onset, offset, note in CODED:
            if name not in ids:
                ids[name] = p.add_behaviour(Behaviour(name)).id
            p.add_behaviour_event(BehaviourEvent(vid, ids[name], onset, offset, coder=coder, note=note))
        [eaf, *_] = ix.export_project_events(p, vid, tmp_path / "v.eaf")
    return eaf, b


def test_names_with_brackets_and_a_slash_come_back_from_a_conversion(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    eaf, _b = _exported(tmp_path)
    assert main(["convert", str(eaf), str(tmp_path / "conv.csv")]) == 0
    capsys.readouterr()
    with open(tmp_path / "conv_behaviours.csv", encoding="utf-8", newline="") as f:
        got = sorted((r["behaviour"], r["coder"], r["note"]) for r in csv.DictReader(f))
    # was: ("smile (Anna", "Anna (RA)", "smile"), ("gaze (away) (bob", ...), ("head-turn", ...)
    assert got == sorted((n, c, note) for n, c, _a, _b, note in CODED)


def test_names_with_brackets_and_a_slash_import_once_into_a_project(tmp_path: Path) -> None:
    eaf, b = _exported(tmp_path)
    with Project.open(b) as p:
        vid = p.videos()[0].id
        prev = ix.preview_import(p, eaf, vid)
        assert not prev.skipped, prev.skipped
        ix.commit_import(p, prev)
        names = {x.id: x.name for x in p.behaviours()}
        assert sorted(names.values()) == ["gaze (away)", "head/turn", "smile"]
        got = sorted((names[e.behaviour_id], e.coder, e.onset, e.offset, e.note) for e in p.behaviour_events(vid))
        assert got == sorted(CODED)
        again = ix.preview_import(p, eaf, vid)  # the same file again: nothing new, no new behaviour
        assert (again.behaviour_rows, again.behaviour_duplicates) == ([], len(CODED))


def test_an_old_file_reads_the_coder_from_the_annotator_and_keeps_todays_slash_recovery(tmp_path: Path) -> None:
    old = {"behaviour: smile (Anna (RA))": ("Anna (RA)", [(1, 3, "smile")]),  # as h232 wrote them
           "behaviour: nod (unnamed)/face1 #2": ("", [(2, 4, "slow")]),
           "behaviour: head-turn (bob)": ("bob", [(5, 6, "head/turn"), (8, 9, "left")])}
    read = read_eaf(write_eaf([], tmp_path / "old.eaf", Media(path="clip.mp4", fps=30.0), extra_tiers=old),
                    fps=30.0)
    assert not read.skipped
    assert sorted((n, e.coder, e.face_id, e.note) for n, e in read.behaviours) == [
        ("head/turn", "bob", 0, ""), ("head/turn", "bob", 0, "left"), ("nod", "", 1, "slow"),
        ("smile", "Anna (RA)", 0, "")]
