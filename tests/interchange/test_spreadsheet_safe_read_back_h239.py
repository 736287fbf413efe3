"""A spreadsheet-safe export read back by merstudio (h239): the apostrophe the export puts before a cell a
spreadsheet would take for a formula or a date ('3/4, '=x) stayed on import, so a behaviour named 3/4 came back as
a new behaviour '3/4 and an event's note "3/4" as "'3/4". Every reader of our tables takes it off again (events
CSV, its _behaviours.csv, the all-videos files), only where the guard put it: a note "'tis" is the coder's."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run
from support.merge_copies import behaviour_coding, coding, copy_of, study

from merstudio.project import Project
from merstudio.project.behaviours import Behaviour, BehaviourEvent
from merstudio.project.events import Event

# each as a coder typed it: guarded (a date, a formula), an apostrophe of the coder's own (before text the guard
# guards, before text it does not), and plain text
TEXTS = ("3/4", "2026-12-07", "-2+3", "=x", "@bob", "'tis", "'3/4", "''=x", "'", "1.16", "'1.16", "-0.5", "7", "",
         "6+12", "fine")


@pytest.mark.parametrize("decimal_comma", [False, True])
def test_unguarded_cell_is_the_exact_inverse_of_the_guard(decimal_comma: bool) -> None:
    from merstudio.interchange.events_csv import spreadsheet_cell, unguarded_cell

    for text in TEXTS:
        assert unguarded_cell(spreadsheet_cell(text, decimal_comma), decimal_comma) == text, text
    assert spreadsheet_cell("'3/4") == "''3/4"  # the coder's apostrophe before a date: kept on the way back
    assert unguarded_cell("'tis") == "'tis" and unguarded_cell("'fine") == "'fine"  # nothing the guard writes
    assert unguarded_cell("'1.16") == "'1.16" and unguarded_cell("'1.16", True) == "1.16"  # decimal comma's alone


def _projects(tmp_path: Path) -> tuple[Path, Path, int]:
    """(A with a behaviour named 3/4 and events whose cells a spreadsheet guards, B: a copy without its events and
    behaviours, the video's id)."""
    a = study(tmp_path / "A")
    with Project.open(a) as p:
        vid = p.videos()[0].id
        p.add_event(Event(vid, 200, 205, 210, coder="@bob", emotion="3/4", note="3/4"))
        p.add_event(Event(vid, 400, 405, 410, coder="carol", emotion="happiness", note="'tis"))
        p.add_event(Event(vid, 450, 455, 460, coder="carol", emotion="fear", note="'2026-12-07"))
        b34 = p.add_behaviour(Behaviour("3/4", key="t", kind="point"))
        assert b34.id is not None
        p.add_behaviour_event(BehaviourEvent(vid, b34.id, 70, 70, coder="alice", note="1-16"))
        p.add_behaviour_event(BehaviourEvent(vid, b34.id, 90, 90, coder="@bob", note="'tis"))
    return a, copy_of(a, tmp_path / "B", events=False, behaviours=False), vid


@pytest.mark.parametrize("flag", ["--spreadsheet-safe", "--decimal-comma"])
@pytest.mark.parametrize("all_videos", [False, True])
def test_a_spreadsheet_safe_export_imports_back_as_it_was(tmp_path: Path, capsys, flag: str,
                                                          all_videos: bool) -> None:
    a, b, vid = _projects(tmp_path)
    out = tmp_path / "v.csv"
    which = ["--video", "all"] if all_videos else ["--video", str(vid)]
    code, _, err = run(capsys, "convert", "--project", a, "--export", out, flag, *which)
    assert code == 0, err
    beside = tmp_path / "v_behaviours.csv"
    for f in (out, beside):
        code, _, err = run(capsys, "convert", "--project", b, "--import", f, *which, "--yes")
        assert code == 0, err
    with Project.open(b, read_only=True) as p:
        assert sorted(x.name for x in p.behaviours()) == ["3/4", "gaze away"]  # was: a new behaviour '3/4
        assert {e.coder for e in p.events()} == {"alice", "@bob", "carol"}
        assert sorted(e.emotion for e in p.events() if e.coder != "alice") == ["3/4", "fear", "happiness"]
    assert coding(b) == coding(a)  # notes "3/4", "'tis", "'2026-12-07" as the coders wrote them
    assert behaviour_coding(b) == behaviour_coding(a)
    text = out.read_text(encoding="utf-8-sig") + beside.read_text(encoding="utf-8-sig")
    # the export was safe: a date guarded, and a coder's apostrophe before one guarded again (kept on the way back)
    assert "'3/4" in text and "'1-16" in text and "''2026-12-07" in text


def test_an_events_csv_made_safe_converts_back_exact(tmp_path: Path, capsys) -> None:
    src = tmp_path / "in.csv"
    src.write_text("onset,apex,offset,emotion,coder,note\n10,15,20,3/4,@bob,3/4\n30,35,40,fear,carol,'tis\n",
                   encoding="utf-8")
    safe, back = tmp_path / "safe.csv", tmp_path / "back.csv"
    code, _, err = run(capsys, "convert", src, safe, "--fps", "30", "--spreadsheet-safe")
    assert code == 0, err
    code, _, err = run(capsys, "convert", safe, back, "--fps", "30")
    assert code == 0, err
    lines = back.read_text(encoding="utf-8").splitlines()
    assert lines[1].split(",")[8:11] == ["3/4", "", "@bob"] and lines[1].endswith(",3/4")
    assert lines[2].endswith(",'tis")
