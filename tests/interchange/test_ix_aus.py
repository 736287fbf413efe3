"""AU text as coders and other tools write it, read one way in every format (merstudio.facs.read_aus): events
CSV, ELAN and BORIS tables keep an event whose AU cell they cannot read in full, with the AUs they could read and
the cell as coded in its note (as the dataset sheets do), and say so in the preview."""

from __future__ import annotations

import pytest
from support.elan_files import timed_eaf

from merstudio.interchange import read_boris, read_eaf, read_events_csv
from merstudio.project.apex import APEX_IMPUTED

CASES = [  # (as written, our AU string, unreadable tokens)
    ("AU6+AU12", "6+12", ()), ("AU6 + AU12", "6+12", ()), ("6, 12", "6+12", ()), ("6 12", "6+12", ()),
    ("AU04, AU07", "4+7", ()), ("4|7", "4+7", ()), ("12L", "L12", ()), ("L12 R6", "L12+R6", ()),
    ("l 12", "L12", ()), ("au12c", "12C", ()), ("0", "", ()), ("AU0", "", ()), ("none", "", ()), ("", "", ()),
    ("12+12", "12", ()), ("AD19", "", ("AD19",)), ("T14", "", ("T14",)), ("12?", "", ("12?",)),
    ("6+AD19+12", "6+12", ("AD19",)), ("12B+12C", "12B", ("12C",)), ("100", "", ("100",)), ("0+12", "12", ("0",)),
]


@pytest.mark.parametrize("text, aus, bad", CASES)
def test_read_aus(text, aus, bad):
    from merstudio.facs import normalize_aus, read_aus

    got = read_aus(text)
    assert (got.aus, got.unreadable) == (aus, bad)
    assert normalize_aus(got.aus) == got.aus  # always our canonical string


def _csv(tmp_path, cells):
    p = tmp_path / "aus.csv"
    p.write_text("video,face_id,onset,apex,offset,emotion,aus,coder\n"
                 + "".join(f'clip.mp4,0,{3 * i},{3 * i + 1},{3 * i + 2},happiness,"{c}",ann\n'
                           for i, c in enumerate(cells)), encoding="utf-8")
    return p


def test_events_csv_reads_every_spelling_and_keeps_unreadable_cells(tmp_path):
    cells = [c[0] for c in CASES]
    prev = read_events_csv(_csv(tmp_path, cells), fps=30.0)
    assert prev.ok and len(prev.events) == len(cells), prev.summary()
    for (text, aus, bad), e in zip(CASES, prev.events, strict=True):
        assert (e.aus, e.emotion, e.onset) == (aus, "happiness", e.apex - 1)
        assert e.note == (f"AUs as coded: {text}" if bad else "")
    note = next(n for n in prev.notes if "AU text merstudio cannot read" in n)
    assert note.startswith("7 event(s)") and "AD19" in note and "T14" in note


def test_eaf_reads_every_spelling_and_keeps_unreadable_values(tmp_path):
    timed_eaf(tmp_path / "a.eaf", [(1000 * i, 1000 * i + 300, f"happiness | {v}")
                                    for i, v in enumerate(["AU6+AU12", "12L", "T14+6"])])
    prev = read_eaf(tmp_path / "a.eaf", fps=30.0)
    assert prev.ok, prev.summary()
    # (no apex in the file: the middle frame, tagged so that the agreement leaves it out)
    assert [(e.aus, e.note.replace(APEX_IMPUTED, "").strip(" /")) for e in prev.events] == [
        ("6+12", ""), ("L12", ""), ("6", "AUs as coded: T14+6")]
    assert all(APEX_IMPUTED in e.note for e in prev.events)  # in the file itself, not only in a project import
    assert any("1 event(s) with AU text merstudio cannot read (T14)" in n for n in prev.notes)


def test_our_boris_table_keeps_an_event_with_unreadable_aus(tmp_path):
    p = tmp_path / "b.tsv"
    head = ["Observation id", "FPS", "Subject", "Behavior", "Modifiers", "Behavior type", "Start (s)", "Stop (s)",
            "Start frame", "Apex frame", "Stop frame", "Coder", "Comment start"]
    rows = [["o", "30", "face 0", "happiness", "AU6|AU12", "STATE", "0.1", "0.2", "3", "4", "5", "ann", "x"],
            ["o", "30", "face 0", "happiness", "AD19|L12", "STATE", "0.3", "0.4", "9", "10", "11", "ann", ""]]
    p.write_text("\n".join("\t".join(r) for r in [head, *rows]) + "\n", encoding="utf-8")
    prev = read_boris(p, fps=30.0)
    assert prev.ok, prev.summary()
    assert [(e.aus, e.note) for e in prev.events] == [("6+12", "x"), ("L12", "AUs as coded: AD19|L12")]
