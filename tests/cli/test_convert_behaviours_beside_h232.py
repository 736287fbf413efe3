"""The behaviour events in what `merstudio convert` writes (h232): converting merstudio's own ELAN file to another
format noted its behaviour tiers and wrote them nowhere (now ``<stem>_behaviours.csv`` beside the output, an .eaf
keeps them as tiers, and the last line says so); --spreadsheet-safe and --decimal-comma left the ``_behaviours.csv``
written beside an export as it was (no byte-order mark, no date guard, "," where the events file has ";"), and
that file imports back as the events file does."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import pytest
from support.cli_run import run
from support.merge_copies import behaviour_coding, copy_without_behaviours

from merstudio import interchange as ix
from merstudio.project import Project
from merstudio.project.behaviours import BehaviourEvent


def _study(tmp_path: Path, note: str = "") -> tuple[Path, Path, Path]:
    """(A, B without behaviours, A's video exported to v.eaf): alice's gaze away at 50-60, and bob's at 70-80 on
    face 1 with ``note``."""
    a, b = copy_without_behaviours(tmp_path)
    with Project.open(a) as p:
        vid = p.videos()[0].id
        p.add_behaviour_event(BehaviourEvent(vid, p.behaviours()[0].id, 70, 80, coder="bob", note=note, face_id=1))
        [eaf] = ix.export_project_events(p, vid, tmp_path / "v.eaf")
    return a, b, eaf


def test_converting_an_elan_file_writes_its_behaviour_events_beside_the_output(tmp_path: Path, capsys) -> None:
    _a, b, eaf = _study(tmp_path, note="looks at the door")
    out = tmp_path / "out.csv"
    code, said, err = run(capsys, "convert", eaf, out, "--fps", "30")
    assert code == 0, err
    beside = tmp_path / "out_behaviours.csv"
    assert beside.is_file()  # was: none, the behaviour events only noted as left out
    assert "and 2 behaviour event(s) to out_behaviours.csv beside it" in said
    assert "left out" not in err
    with Project.open(b) as p:  # the file imports back: the behaviour, coders, faces and notes
        prev = ix.preview_import(p, beside, p.videos()[0].id)
        assert not prev.skipped, prev.skipped
        ix.commit_import(p, prev)
        assert [(x.name, x.kind) for x in p.behaviours()] == [("gaze away", "state")]
        assert sorted(e.face_id for e in p.behaviour_events()) == [0, 1]
    assert behaviour_coding(b) == [("alice", 50, 60, ""), ("bob", 70, 80, "looks at the door")]


def test_converting_an_elan_file_to_elan_keeps_its_behaviour_tiers(tmp_path: Path, capsys) -> None:
    _a, _b, eaf = _study(tmp_path)
    out = tmp_path / "again.eaf"
    code, said, err = run(capsys, "convert", eaf, out, "--fps", "30")
    assert code == 0, err
    assert "and 2 behaviour event(s) as its 'behaviour: <name> (<coder>)' tiers" in said
    read = ix.read_events(out, fps=30.0)
    assert isinstance(read, ix.EafPreview)
    assert sorted((e.coder, e.face_id, e.onset, e.offset) for _n, e in read.behaviours) == [
        ("alice", 0, 50, 60), ("bob", 1, 70, 80)]


def _rows(path: Path, delimiter: str) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


@pytest.mark.parametrize("flag", ["--spreadsheet-safe", "--decimal-comma"])
@pytest.mark.parametrize("all_videos", [False, True])
def test_a_spreadsheet_safe_export_makes_the_behaviours_csv_beside_it_safe_too(tmp_path: Path, capsys, flag: str,
                                                                              all_videos: bool) -> None:
    a, b, _eaf = _study(tmp_path, note="1-16")
    out = tmp_path / "v.csv"
    code, _, err = run(capsys, "convert", "--project", a, "--export", out, flag,
                       *(["--video", "all"] if all_videos else []))
    assert code == 0, err
    beside = tmp_path / "v_behaviours.csv"
    raw, events = beside.read_bytes(), out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and events.startswith(codecs.BOM_UTF8)  # was: the events file's alone
    delimiter = ";" if flag == "--decimal-comma" else ","
    head = raw.decode("utf-8-sig").splitlines()[0]
    assert head.count(delimiter) > 10 and head.split(delimiter)[:2] == ["behaviour_event_id", "video"]
    rows = _rows(beside, delimiter)
    assert [r["note"] for r in rows] == ["", "'1-16"]  # a date to a spreadsheet: guarded as the events file's
    if flag == "--decimal-comma":
        assert rows[0]["onset_time"] == "1,6666666666666667"  # frame 50 at 30 fps
    with Project.open(b) as p:  # merstudio reads it back: the mark, ";" and decimal commas
        prev = ix.preview_import(p, beside, p.videos()[0].id)
        assert not prev.skipped, prev.skipped
        ix.commit_import(p, prev)
    assert behaviour_coding(b) == [("alice", 50, 60, ""), ("bob", 70, 80, "1-16")]  # the guard's apostrophe off
