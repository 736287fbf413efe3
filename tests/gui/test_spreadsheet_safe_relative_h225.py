"""Spreadsheet-safe CSV (h225): the relative per-frame export's neutral_frames ("1-16") is guarded from Excel's date
conversion, and a table made safe starts with a UTF-8 byte-order mark; other per-frame tables (numbers only,
maybe millions of cells) are still left as written; File > Export > Decimal comma writes ";" and 0,5 for a German
or French Excel."""

from __future__ import annotations

import codecs
import csv

import pytest

from merstudio.gui.exports import make_tables_safe, safe_note


def test_the_relative_table_is_made_safe_and_a_plain_per_frame_table_is_not(tmp_path):
    rel = tmp_path / "clip_relative.csv"
    rel.write_text("frame,face_id,timestamp,AU12_r,neutral_frames\n0,0,0.0,0.5,1-16\n1,1,0.0,0.7,\n")
    plain = tmp_path / "clip.csv"
    plain.write_text("frame,face_id,timestamp,AU12_r\n0,0,0.0,0.5\n")
    before = plain.read_bytes()
    assert make_tables_safe([rel, plain]) == 1
    assert rel.read_bytes() == codecs.BOM_UTF8 + b"frame,face_id,timestamp,AU12_r,neutral_frames\n" \
        b"0,0,0.0,0.5,'1-16\n1,1,0.0,0.7,\n"
    assert plain.read_bytes() == before
    assert safe_note(1) == "; 1 cell(s) read as a formula or a date given an apostrophe (spreadsheet-safe)"


@pytest.mark.gui
def test_decimal_comma_choice_implies_spreadsheet_safe_and_writes_semicolons(qtbot, window, tmp_path, qsettings):
    from gui_fixtures import two_video_project

    from merstudio.gui import commands as C
    from merstudio.project import Event

    win = window
    two_video_project(win, tmp_path)
    win.project.add_event(Event(win.video.id, 3, 5, 9, emotion="happiness", coder="Zoë Müller", note="1-16",
                                confidence=0.25))
    assert not win.decimal_comma_action.isChecked() and not win.spreadsheet_safe_action.isChecked()
    win.decimal_comma_action.trigger()  # File > Export > Decimal comma: spreadsheet-safe too, both remembered
    assert win.spreadsheet_safe_action.isChecked() and win.spreadsheet_safe and win.decimal_comma
    assert str(qsettings.value("export/decimal_comma")) == "true"
    assert str(qsettings.value("export/spreadsheet_safe")) == "true"
    out = tmp_path / "events.csv"
    assert win.ctx.execute(C.Export, kind="events_csv", path=str(out)), win.errors
    qtbot.waitUntil(lambda: win.exports.worker is None, timeout=20000)
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    with out.open(newline="", encoding="utf-8-sig") as fh:
        row = next(csv.DictReader(fh, delimiter=";"))
    assert (row["coder"], row["note"], row["confidence"]) == ("Zoë Müller", "'1-16", "0,25")
    win.spreadsheet_safe_action.trigger()  # off: the decimal comma goes with it
    assert not win.decimal_comma_action.isChecked() and str(qsettings.value("export/decimal_comma")) == "false"
