"""Cancel export stops Export events… to a BORIS .xlsx and Events of all videos mid-way (they passed no step on
and finished as "Exported …" whatever was clicked), and an export's follow-up note (a short analysis on the summary)
keeps the spreadsheet-safe count that "Exported …" said (the note replaced that line)."""

from __future__ import annotations

import csv
import threading

import pytest
from gui_fixtures import reopened, two_video_project
from helpers import GATE_S, open_and_analyse
from PySide6.QtCore import Qt

import merstudio.interchange as interchange
import merstudio.interchange.boris as boris
from merstudio.analysis.pipeline import ANALYSIS_REVISION
from merstudio.gui import commands as C
from merstudio.project import Event, Project

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]


def _held(monkeypatch, module, name: str, reached: threading.Event, go: threading.Event, after: int = 1) -> None:
    """``module.name`` held in the export's worker once it was called ``after`` times, until ``go``."""
    real, calls = getattr(module, name), [0]

    def held(*a, **k):
        out = real(*a, **k)
        if threading.current_thread() is not threading.main_thread():
            calls[0] += 1
            if calls[0] == after:
                reached.set()
                go.wait(GATE_S)
        return out

    monkeypatch.setattr(module, name, held)


def _cancel_mid_way(qtbot, win, reached: threading.Event, go: threading.Event) -> None:
    qtbot.waitUntil(reached.is_set, timeout=10000)
    qtbot.mouseClick(win.exports.cancel_button, Qt.MouseButton.LeftButton)
    go.set()
    qtbot.waitUntil(lambda: win.exports.worker is None, timeout=10000)


def test_cancel_stops_a_boris_xlsx_export(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    open_and_analyse(qtbot, win, video_path)
    assert win.ctx.execute(C.NewEvent, onset=3, offset=9, emotion="positive", aus="6+12")
    out = tmp_path / "out"
    out.mkdir()
    (out / "e.xlsx").write_bytes(b"PK the old workbook")
    reached, go = threading.Event(), threading.Event()
    _held(monkeypatch, boris, "boris_rows", reached, go)  # its rows made, the workbook not yet built
    assert win.ctx.execute(C.ExportEvents, path=str(out / "e.xlsx")), win.errors
    _cancel_mid_way(qtbot, win, reached, go)
    assert (out / "e.xlsx").read_bytes() == b"PK the old workbook"
    assert sorted(p.name for p in out.iterdir()) == ["e.xlsx"]
    assert win.statusBar().currentMessage().startswith("Cancelled the events export") and not win.errors


def test_cancel_stops_every_videos_events_between_videos(qtbot, window, tmp_path, monkeypatch):
    a, b = two_video_project(window, tmp_path)
    window.project.add_events([Event(a.id, 3, 5, 8, emotion="happiness", coder="ann"),
                               Event(b.id, 4, 6, 9, emotion="surprise", coder="ann")])
    out = tmp_path / "all.csv"
    out.write_bytes(b"video,onset\nold,1\n")
    reached, go = threading.Event(), threading.Event()
    _held(monkeypatch, interchange, "project_media", reached, go)  # after the first video's times
    assert window.ctx.execute(C.Export, kind="events_all", path=str(out)), window.errors
    _cancel_mid_way(qtbot, window, reached, go)
    assert out.read_bytes() == b"video,onset\nold,1\n"
    assert sorted(p.name for p in tmp_path.glob("*all*")) == ["all.csv"]
    assert window.statusBar().currentMessage().startswith("Cancelled the export of every video's events")
    assert not window.errors


def test_a_short_summarys_note_keeps_the_spreadsheet_safe_count(qtbot, qsettings, window, tmp_path):
    a, _b = two_video_project(window, tmp_path)
    proj = window.project.path
    window.session.close_project()
    with Project.open(proj) as p:  # frames 0-9 of a.avi's 30 analysed, then the run was interrupted
        run = p.begin_analysis(a.id, {"revision": ANALYSIS_REVISION})
        p.append_frames(run, [{"frame": i, "face_id": 0, "timestamp": i / 30.0, "confidence": 1.0, "success": 1,
                               "AU12_r": 1.5} for i in range(10)])
        p.finish_analysis(run, status="interrupted")
        p.add_event(Event(a.id, 3, 5, 8, emotion="=HYPERLINK(1)", coder="ann"))
    win = reopened(qtbot, qsettings, proj)
    try:
        if win.video.id != a.id:
            assert win.ctx.execute(C.OpenVideo, path=str(tmp_path / "a.avi")), win.errors
        win.spreadsheet_safe_action.trigger()
        summary = tmp_path / "a_summary.csv"
        assert win.ctx.execute(C.Export, kind="summary", path=str(summary)), win.errors
        qtbot.waitUntil(lambda: "only frames 0-9 of 30" in win.statusBar().currentMessage(), timeout=20000)
        with summary.open(newline="", encoding="utf-8") as fh:
            prefixed = sum(c.startswith("'=") for row in csv.reader(fh) for c in row)
        assert prefixed == 4  # the class's events (face 0 and the coder's 'all', since h224), mean, total duration
        said = win.statusBar().currentMessage()
        assert said.startswith(f"Exported {summary} and a_summary.png; only frames 0-9 of 30 are analysed"), said
        assert said.endswith(f"; {prefixed} cell(s) read as a formula or a date given an apostrophe (spreadsheet-safe)"), said
    finally:
        win.shutdown()
