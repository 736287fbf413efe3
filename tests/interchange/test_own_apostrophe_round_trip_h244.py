"""A coder's own leading apostrophe survives every export (h244). h239/h241 made every reader of our tables take
the spreadsheet-safe guard's apostrophe off where the rest is what the guard guards; but a plain export wrote a
coder's note '3/4 as '3/4, so it came back as 3/4 (convert p.csv p2.csv, then p2.csv p3.csv). Every writer of our
tables now doubles such an apostrophe (plain_cell, the safe writer's escape), and a tab table, which the readers
take by the decimal-comma rule, reads a plain --spreadsheet-safe note '1.5 back as '1.5 (it came back as 1.5). A
cell without a leading apostrophe is written as ever; an XLSX, which stores text as typed, keeps '3/4 too."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from support.cli_run import run
from support.merge_copies import behaviour_coding, coding, copy_of, study

from merstudio.interchange.boris import read_boris
from merstudio.interchange.common import write_dict_table
from merstudio.interchange.events_csv import (
    plain_cell,
    read_events_csv,
    spreadsheet_cell,
    unguarded_cell,
)
from merstudio.project import Project
from merstudio.project.behaviours import Behaviour, BehaviourEvent
from merstudio.project.events import Event
from merstudio.project.export import export_events_xlsx

# a coder's own apostrophe before text the guard guards (a date, a formula, a number with a point: the tab rule's),
# before text it does not, and cells with none
OWN = ("'3/4", "'1.5", "''=x", "'2026-12-07", "'-2+3", "'tis", "'", "''", "3/4", "1.5", "=x", "fine", "")
NOTES = ("'3/4", "'1.5", "''=x", "'tis", "plain")  # one event each, read back by every path below


@pytest.mark.parametrize("reader_rule", [False, True])
def test_every_writer_s_cell_reads_back_exact_by_either_rule(reader_rule: bool) -> None:
    for text in OWN:
        assert unguarded_cell(plain_cell(text), reader_rule) == text, text
        # a safe table read by its reader's rule: the same, or the decimal-comma one (every TSV)
        for writer_rule in {False, reader_rule}:
            assert unguarded_cell(spreadsheet_cell(text, writer_rule), reader_rule) == text, (text, writer_rule)
    assert plain_cell("'3/4") == "''3/4" and plain_cell("'1.5") == "''1.5"
    for text in ("'tis", "3/4", "=x", "1.5", "", 7, None):  # nothing to escape: as given
        assert plain_cell(text) == text


def test_a_table_without_an_own_apostrophe_is_written_as_before(tmp_path: Path) -> None:
    cols = ("emotion", "note", "n")
    rows = [{"emotion": "3/4", "note": "'tis", "n": 1}, {"emotion": "=x", "note": "a, \"b\"\nc", "n": 2.5}]
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, cols, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    out = write_dict_table(tmp_path / "t.csv", cols, rows)
    assert out.read_bytes() == buf.getvalue().encode("utf-8")


def _events_source(tmp_path: Path) -> Path:
    src = tmp_path / "p.csv"
    # the CSV escape: '' before a date is one apostrophe of the coder's
    src.write_text("onset,apex,offset,emotion,coder,note\n"
                   "10,15,20,fear,carol,''3/4\n30,35,40,fear,carol,''1.5\n50,55,60,''3/4,''=x,'''=x\n"
                   "70,75,80,joy,carol,'tis\n90,95,99,joy,carol,plain\n", encoding="utf-8")
    return src


def _texts(events: list[Event]) -> list[tuple[str, str, str]]:
    return sorted((e.emotion, e.coder, e.note.split(" [apex imputed")[0]) for e in events)


WANT = sorted([("fear", "carol", "'3/4"), ("fear", "carol", "'1.5"), ("'3/4", "'=x", "''=x"),
               ("joy", "carol", "'tis"), ("joy", "carol", "plain")])


@pytest.mark.parametrize(("name", "flags"), [
    ("p2.csv", []),  # the repro: plain events CSV, twice
    ("p2.csv", ["--spreadsheet-safe"]),
    ("p2.csv", ["--decimal-comma"]),
    ("p2.tsv", []),  # BORIS tsv, read by the tab (decimal-comma) rule
    ("p2.tsv", ["--spreadsheet-safe"]),  # a note '1.5 came back as 1.5
    ("p2.tsv", ["--decimal-comma"]),
    ("p2.boris.csv", ["--to", "boris-csv"]),
    ("p2.boris.csv", ["--to", "boris-csv", "--spreadsheet-safe"]),
])
def test_a_coder_s_apostrophe_survives_export_and_back(tmp_path: Path, capsys, name: str, flags: list[str]) -> None:
    src = _events_source(tmp_path)
    assert _texts(read_events_csv(src, fps=30).events) == WANT
    mid, back = tmp_path / name, tmp_path / "p3.csv"
    code, _, err = run(capsys, "convert", src, mid, "--fps", "30", *flags)
    assert code == 0, err
    events = read_boris(mid, fps=30).events if "boris" in name or name.endswith(".tsv") \
        else read_events_csv(mid, fps=30).events
    assert _texts(events) == WANT  # was: 3/4 (plain), 1.5 (the safe TSV), '=x for ''=x
    code, _, err = run(capsys, "convert", mid, back, "--fps", "30")
    assert code == 0, err
    assert _texts(read_events_csv(back, fps=30).events) == WANT


def _projects(tmp_path: Path) -> tuple[Path, Path, int]:
    """(A with events and behaviour events whose notes start with the coder's apostrophe, a behaviour named '1-16;
    B: a copy without them, the video's id)."""
    a = study(tmp_path / "A")
    with Project.open(a) as p:
        vid = p.videos()[0].id
        for k, note in enumerate(NOTES):
            p.add_event(Event(vid, 200 + 20 * k, 205 + 20 * k, 210 + 20 * k, coder="carol", emotion="fear",
                              note=note))
        own = p.add_behaviour(Behaviour("'1-16", key="t", kind="point"))
        assert own.id is not None
        for k, note in enumerate(NOTES):
            p.add_behaviour_event(BehaviourEvent(vid, own.id, 70 + k, 70 + k, coder="alice", note=note))
    return a, copy_of(a, tmp_path / "B", events=False, behaviours=False), vid


@pytest.mark.parametrize("flags", [[], ["--spreadsheet-safe"], ["--decimal-comma"]])
def test_a_project_s_events_and_behaviours_import_back_with_the_apostrophe(tmp_path: Path, capsys,
                                                                           flags: list[str]) -> None:
    a, b, _vid = _projects(tmp_path)
    out = tmp_path / "v.csv"
    code, _, err = run(capsys, "convert", "--project", a, "--export", out, "--video", "all", *flags)
    assert code == 0, err
    beside = tmp_path / "v_behaviours.csv"
    for f in (out, beside):
        code, _, err = run(capsys, "convert", "--project", b, "--import", f, "--video", "all", "--yes")
        assert code == 0, err
    with Project.open(b, read_only=True) as p:
        assert sorted(x.name for x in p.behaviours()) == ["'1-16", "gaze away"]  # was: a new behaviour 1-16
    assert coding(b) == coding(a)  # notes '3/4 and '1.5 as carol wrote them (was: 3/4, 1.5)
    assert behaviour_coding(b) == behaviour_coding(a)


def test_the_report_xlsx_keeps_a_coder_s_apostrophe(tmp_path: Path) -> None:
    a, _b, vid = _projects(tmp_path)
    out = tmp_path / "report.xlsx"
    with Project.open(a, read_only=True) as p:
        export_events_xlsx(p, out, vid)
        want = sorted(e.note for e in p.events(vid) if e.coder == "carol")
    # an XLSX stores text as typed (no guard, no escape): '3/4 there is the coder's (it came back as 3/4)
    got = sorted(e.note for e in read_events_csv(out, fps=30, video_name="clip.avi").events if e.coder == "carol")
    assert got == want


@pytest.mark.parametrize("safe", [None, False, True])
def test_the_labelled_set_keeps_a_coder_s_apostrophe(tmp_path: Path, safe: bool | None) -> None:
    from support.cli_run import tiny_video

    from merstudio.datasets import load_samples
    from merstudio.interchange.events_csv import make_spreadsheet_safe
    from merstudio.project.export import export_labelled_set

    clip = tiny_video(tmp_path / "clip.avi", n=60)
    with Project.create(tmp_path / "study.merproj") as p:
        v = p.add_video(clip, 30.0, 60, 64, 48)
        for k, label in enumerate(("'3/4", "'1.5", "'tis")):
            p.add_event(Event(v.id, 5 + 15 * k, 8 + 15 * k, 12 + 15 * k, coder="alice", emotion=label))
        out = export_labelled_set(p, tmp_path / "labels.csv")
    if safe is not None:  # File > Export with Spreadsheet-safe (and Decimal comma) ticked
        make_spreadsheet_safe(out, ",", safe)
    labels = sorted(s.raw_label for s in load_samples("table", out, verbose=False))
    assert labels == ["'1.5", "'3/4", "'tis"]  # was: 1.5 and 3/4, classes of their own


def test_a_table_its_writer_did_not_escape_is_made_safe_as_before(tmp_path: Path) -> None:
    from merstudio.interchange.events_csv import make_spreadsheet_safe

    # a writer that escapes nothing (the agreement report's notes, `merstudio neutral`'s copied text columns): a
    # coder's '3/4 still guarded once, so a spreadsheet shows '3/4; an escaped table's ''3/4 is that same cell
    for written in ("'3/4", "''3/4"):
        path = tmp_path / "t.csv"
        path.write_text(f"coder,note\nalice,{written}\n", encoding="utf-8")
        assert make_spreadsheet_safe(path) == (written == "'3/4")
        assert path.read_text(encoding="utf-8-sig").splitlines()[1] == "alice,''3/4"
