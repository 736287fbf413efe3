"""File > Export > Spreadsheet-safe CSV, as `merstudio convert --spreadsheet-safe`: the app's CSV exports had no
such option, and an emotion "=HYPERLINK(...)" or a note "-2+3" became a live link or 1 in a spreadsheet that opened
the file. Off (the default) the CSV is exact; on (remembered), such a cell gets an apostrophe before it, numbers
stay numbers, in an export written at once (events report) and in one written in the worker (every video's
events); a per-frame table, numbers only, is left as written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from helpers import open_and_analyse

from merstudio.gui import commands as C

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]

EMOTION = '=HYPERLINK("http://example.org","click")'
NOTE = "-2+3"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:  # a spreadsheet-safe table has a BOM (h225)
        return list(csv.DictReader(fh))


def _export(qtbot, win, kind: str, path: Path) -> None:
    assert win.ctx.execute(C.Export, kind=kind, path=str(path)), win.errors
    qtbot.waitUntil(lambda: win.exports.worker is None, timeout=20000)
    assert not win.errors, win.errors


def test_spreadsheet_safe_prefixes_formula_cells_only_when_asked(qtbot, window, video_path, tmp_path, qsettings):
    win = window
    open_and_analyse(qtbot, win, video_path)
    assert win.ctx.execute(C.NewEvent, onset=3, offset=9, emotion=EMOTION, aus="6+12", note=NOTE), win.errors
    assert not win.spreadsheet_safe_action.isChecked()  # off by default: the CSV stays exact

    _export(qtbot, win, "events_csv", tmp_path / "exact.csv")
    exact = next(r for r in _rows(tmp_path / "exact.csv") if r["note"] == NOTE)
    assert exact["emotion"] == EMOTION
    _export(qtbot, win, "events_all", tmp_path / "all_exact.csv")
    assert EMOTION in [r["emotion"] for r in _rows(tmp_path / "all_exact.csv")]
    _export(qtbot, win, "frames", tmp_path / "frames_exact.csv")

    win.spreadsheet_safe_action.trigger()  # File > Export > Spreadsheet-safe CSV
    assert win.spreadsheet_safe_action.isChecked()
    assert str(qsettings.value("export/spreadsheet_safe")) == "true"  # remembered for the next session
    _export(qtbot, win, "events_csv", tmp_path / "safe.csv")  # written at once
    safe = next(r for r in _rows(tmp_path / "safe.csv") if r["note"] == "'" + NOTE)
    assert safe["emotion"] == "'" + EMOTION
    assert {k: v for k, v in safe.items() if k not in ("emotion", "note")} == \
        {k: v for k, v in exact.items() if k not in ("emotion", "note")}  # numbers and the rest as they were
    assert "spreadsheet-safe" in win.statusBar().currentMessage()
    _export(qtbot, win, "events_all", tmp_path / "all_safe.csv")  # written in the worker
    rows = _rows(tmp_path / "all_safe.csv")
    assert "'" + EMOTION in [r["emotion"] for r in rows] and EMOTION not in [r["emotion"] for r in rows]
    assert "'" + NOTE in [r["note"] for r in rows]
    # File > Export events… to BORIS's tab-separated table: its cells between tabs
    assert win.ctx.execute(C.ExportEvents, path=str(tmp_path / "boris.tsv")), win.errors
    with (tmp_path / "boris.tsv").open(newline="", encoding="utf-8-sig") as fh:
        cells = [c for row in csv.reader(fh, delimiter="\t") for c in row]
    assert "'" + EMOTION in cells and EMOTION not in cells and "'" + NOTE in cells
    _export(qtbot, win, "frames", tmp_path / "frames_safe.csv")
    assert (tmp_path / "frames_safe.csv").read_bytes() == (tmp_path / "frames_exact.csv").read_bytes()

    win.spreadsheet_safe_action.trigger()  # off again: exact again
    _export(qtbot, win, "events_csv", tmp_path / "exact_again.csv")
    assert (tmp_path / "exact_again.csv").read_bytes() == (tmp_path / "exact.csv").read_bytes()
