"""Cancel export stops the Events report XLSX too (0b791b4 could not: it stepped only once its file was in place,
so a Cancel let it finish as "Exported …"). Held mid-way (its events read in the worker), Cancel clicked: the old
workbook stays byte for byte, no temporary is left, the status bar says it was cancelled; the next one is written."""

from __future__ import annotations

import threading
from pathlib import Path

import openpyxl
import pytest
from helpers import GATE_S, open_and_analyse
from PySide6.QtCore import Qt

from merstudio.gui import commands as C
from merstudio.project import export as ex

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]


def test_cancel_stops_the_events_xlsx_and_keeps_the_old_file(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    open_and_analyse(qtbot, win, video_path)
    assert win.ctx.execute(C.NewEvent, onset=3, offset=9, emotion="positive", aus="6+12")
    out = tmp_path / "reports"
    out.mkdir()
    old = b"PK the old workbook"
    (out / "e.xlsx").write_bytes(old)
    read, go = threading.Event(), threading.Event()
    real_table = ex.events_table

    def table(*a, **k):  # the worker's read, then held until Cancel was pressed
        df = real_table(*a, **k)
        if threading.current_thread() is not threading.main_thread():
            read.set()
            go.wait(GATE_S)
        return df

    monkeypatch.setattr(ex, "events_table", table)
    assert win.ctx.execute(C.Export, kind="events_xlsx", path=str(out / "e.xlsx")), win.errors
    qtbot.waitUntil(read.is_set, timeout=10000)
    qtbot.mouseClick(win.exports.cancel_button, Qt.MouseButton.LeftButton)
    go.set()
    qtbot.waitUntil(lambda: win.exports.worker is None, timeout=10000)
    assert (out / "e.xlsx").read_bytes() == old
    assert sorted(p.name for p in Path(out).iterdir()) == ["e.xlsx"]  # no temporary left
    assert win.statusBar().currentMessage().startswith("Cancelled the events export")
    assert not win.errors

    go.clear()
    monkeypatch.setattr(ex, "events_table", real_table)  # the next one is written whole
    assert win.ctx.execute(C.Export, kind="events_xlsx", path=str(out / "e.xlsx")), win.errors
    qtbot.waitUntil(lambda: win.exports.worker is None, timeout=20000)
    assert not win.errors, win.errors
    rows = list(openpyxl.load_workbook(out / "e.xlsx")["events"].iter_rows(values_only=True))
    assert (3, 9, "positive") in [(r[4], r[6], r[12]) for r in rows[1:]]  # the event coded above
    assert win.last_exports == [out / "e.xlsx"]
