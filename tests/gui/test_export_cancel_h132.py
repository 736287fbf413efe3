"""An export written in the worker has a Cancel beside its busy bar: a coder who started a long one stopped it only
by closing the window. Cancel stops it at its next step (the summary's: both files written to their temporaries,
before either replaces its file): the old CSV and PNG stay byte for byte, no temporary is left, the status bar says
it was cancelled, and the window stays open for the next export."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from helpers import GATE_S, open_and_analyse
from PySide6.QtCore import Qt

from merstudio.gui import commands as C
from merstudio.project import export as ex

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_cancel_stops_the_summary_export_and_keeps_the_old_files(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    open_and_analyse(qtbot, win, video_path)
    assert win.ctx.execute(C.NewEvent, onset=3, offset=9, emotion="positive", aus="6+12")
    out = tmp_path / "reports"
    out.mkdir()
    (out / "s.csv").write_bytes(b"the old report\r\n")
    (out / "s.png").write_bytes(b"the old picture")
    drawn, go = threading.Event(), threading.Event()
    real_draw = ex.draw_timeline_png

    def draw(data, path, dpi=100):  # drawn whole to its temporary, then held mid-way until Cancel was pressed
        real_draw(data, path, dpi)
        drawn.set()
        go.wait(GATE_S)

    monkeypatch.setattr(ex, "draw_timeline_png", draw)
    last_before = list(win.last_exports)
    assert win.ctx.execute(C.Export, kind="summary", path=str(out / "s.csv")), win.errors
    qtbot.waitUntil(drawn.is_set, timeout=10000)
    button = win.exports.cancel_button
    assert button.isVisible() and button.isEnabled()
    assert win.statusBar().isAncestorOf(button)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert win.statusBar().currentMessage().startswith("Cancelling the summary export")
    go.set()
    qtbot.waitUntil(lambda: win.exports.worker is None, timeout=10000)
    assert (out / "s.csv").read_bytes() == b"the old report\r\n"
    assert (out / "s.png").read_bytes() == b"the old picture"
    assert _names(out) == ["s.csv", "s.png"]  # no temporary left
    assert win.last_exports == last_before and not win.errors
    assert win.statusBar().currentMessage().startswith("Cancelled the summary export")
    assert not button.isVisible() and win.isVisible()
    assert not win.busy.text()  # the busy bar is gone

    monkeypatch.setattr(ex, "draw_timeline_png", real_draw)  # the next export is written whole
    assert win.ctx.execute(C.Export, kind="summary", path=str(out / "s.csv")), win.errors
    qtbot.waitUntil(lambda: win.exports.worker is None, timeout=20000)
    assert not win.errors, win.errors
    assert (out / "s.csv").read_text().startswith("video,measure,category,value,coder")
    assert (out / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert win.last_exports == [out / "s.csv", out / "s.png"]
