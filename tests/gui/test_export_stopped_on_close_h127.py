"""Closing the window while the summary report is written stops it at its next step (it waited for the whole
export: 46 s with 3,000 events, more than 290 s with 52,669): the old CSV and PNG stay as they were, no temporary is
left, and nothing is said to have been exported."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from helpers import GATE_S, open_and_analyse

from merstudio.gui import commands as C
from merstudio.project import export as ex

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_closing_the_window_while_the_summary_is_drawn_stops_it_and_keeps_the_old_report(
        qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    open_and_analyse(qtbot, win, video_path)
    assert win.ctx.execute(C.NewEvent, onset=3, offset=9, emotion="positive", aus="6+12")
    out = tmp_path / "reports"
    out.mkdir()
    (out / "s.csv").write_text("the old report\n")
    (out / "s.png").write_bytes(b"the old picture")
    drawn, closing = threading.Event(), threading.Event()
    real_draw = ex.draw_timeline_png

    def draw(data, path, dpi=100):  # drawn whole, then held until the window is closing and waits for the export
        real_draw(data, path, dpi)
        drawn.set()
        closing.wait(GATE_S)

    monkeypatch.setattr(ex, "draw_timeline_png", draw)
    real_report = win.exports._report

    def report(*a, **kw):
        closing.set()  # the window asked the export to end and waits for it now
        return real_report(*a, **kw)

    monkeypatch.setattr(win.exports, "_report", report)
    last_before = list(win.last_exports)
    assert win.ctx.execute(C.Export, kind="summary", path=str(out / "s.csv")), win.errors
    qtbot.waitUntil(drawn.is_set, timeout=10000)
    win.close()
    assert win.exports.worker is None
    assert (out / "s.csv").read_text() == "the old report\n"
    assert (out / "s.png").read_bytes() == b"the old picture"
    assert _names(out) == ["s.csv", "s.png"]  # no temporary left
    assert win.last_exports == last_before
