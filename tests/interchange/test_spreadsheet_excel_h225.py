"""Tables for a spreadsheet (h225, a98 finding 6): Excel reads a CSV opened by a double-click in the system's code
page unless it starts with a UTF-8 byte-order mark ("Zoë Müller" showed "ZoÃ« MÃ¼ller", even with
--spreadsheet-safe), turns text like a frame range "1-16" into a date, and in a locale with a decimal comma
(German, French) puts a comma table in one column. --spreadsheet-safe writes the mark and guards date-like text as
it guards formulas; --decimal-comma writes ";" and decimal commas; merstudio reads both back."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

from support.cli_run import run

from merstudio.interchange.events_csv import make_spreadsheet_safe, spreadsheet_cell

CODER, NOTE = "Zoë Müller", "Lächeln 1-16"


def _table(path: Path) -> Path:
    path.write_text("onset,apex,offset,emotion,aus,coder,note,confidence\n"
                    f"10,15,20,happiness,6+12,{CODER},{NOTE},0.25\n"
                    f"30,35,40,surprise,1+2,{CODER},1-16,0.5\n", encoding="utf-8")
    return path


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def test_date_like_text_is_guarded_and_numbers_stay_numbers():
    assert [spreadsheet_cell(t) for t in ("1-16", "3/4", "2026-12-07", "1.2.3", "12.5", "-0.5", "7", "6+12", "x 1-2")] \
        == ["'1-16", "'3/4", "'2026-12-07", "'1.2.3", "12.5", "-0.5", "7", "6+12", "x 1-2"]


def test_spreadsheet_safe_csv_starts_with_a_byte_order_mark_and_reads_back(tmp_path, capsys):
    out = tmp_path / "out.csv"
    code, _, err = run(capsys, "convert", _table(tmp_path / "in.csv"), out, "--fps", "30", "--spreadsheet-safe")
    assert code == 0, err
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and raw.count(codecs.BOM_UTF8) == 1
    rows = _rows(out)
    assert [(r["coder"], r["note"]) for r in rows] == [(CODER, NOTE), (CODER, "'1-16")]
    assert "formula or a date" in err
    back = tmp_path / "back.csv"  # merstudio reads the marked file, without the apostrophe the guard put (h239)
    code, _, err = run(capsys, "convert", out, back, "--fps", "30")
    assert code == 0, err
    assert [(r["coder"], r["note"]) for r in _rows(back)] == [(CODER, NOTE), (CODER, "1-16")]


def test_decimal_comma_writes_semicolons_and_decimal_commas_and_reads_back(tmp_path, capsys):
    out = tmp_path / "de.csv"
    code, _, err = run(capsys, "convert", _table(tmp_path / "in.csv"), out, "--fps", "30", "--decimal-comma")
    assert code == 0, err
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].count(";") > 5 and "," not in text.splitlines()[0]
    rows = _rows(out, ";")
    assert rows[0]["confidence"] == "0,25" and rows[1]["note"] == "'1-16" and rows[0]["aus"] == "6+12"
    back = tmp_path / "back.csv"
    code, _, err = run(capsys, "convert", out, back, "--fps", "30")
    assert code == 0, err
    exact = tmp_path / "exact.csv"
    code, _, err = run(capsys, "convert", tmp_path / "in.csv", exact, "--fps", "30")
    assert code == 0, err
    got, want = _rows(back), _rows(exact)
    assert [r["confidence"] for r in got] == [r["confidence"] for r in want] == ["0.25", "0.5"]
    assert [r["onset_time"] for r in got] == [r["onset_time"] for r in want]


def test_decimal_comma_is_refused_for_an_xlsx(tmp_path, capsys):
    code, _, err = run(capsys, "convert", _table(tmp_path / "in.csv"), tmp_path / "out.xlsx", "--fps", "30",
                       "--decimal-comma")
    assert code != 0 and "--decimal-comma applies to CSV and TSV tables" in err and len(err.strip().splitlines()) == 1


def test_a_number_with_a_point_among_text_is_kept_as_text_for_a_decimal_comma_locale(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("frame,note\n1,1.16\n2,fine\n", encoding="utf-8")
    assert make_spreadsheet_safe(path, ",", decimal_comma=True) == 1
    assert path.read_bytes() == codecs.BOM_UTF8 + b"frame;note\n1;'1.16\n2;fine\n"


def test_neutral_spreadsheet_safe_guards_its_frame_ranges(tmp_path, capsys):
    src = tmp_path / "P01.csv"
    lines = ["frame,face_id,timestamp,confidence,success,AU04_r,AU04_c"]
    lines += [f"{f},0,{f / 30:.4f},0.98,1,{1.6 if f < 80 else 3.6},{int(f >= 80)}" for f in range(120)]
    src.write_text("\n".join(lines) + "\n")
    out = tmp_path / "rel.csv"
    code, _, err = run(capsys, "neutral", src, out, "--frames", "1-16", "--spreadsheet-safe")
    assert code == 0, err
    assert out.read_bytes().startswith(codecs.BOM_UTF8)
    assert {r["neutral_frames"] for r in _rows(out)} == {"'1-16"}
