"""The ``<stem>_behaviours.csv`` an export of events writes beside its file (h263): File > Export events to ev.csv
replaced an existing ev_behaviours.csv without a word (the save dialog asked about ev.csv alone). Now it asks once
("ev_behaviours.csv beside ev.csv exists: replace it too?"); on No only the events file is written, and the status
line says so. File > Export's events CSV/workbook and every video's events ask the same."""

from __future__ import annotations

import pytest
from gui_fixtures import FPS, H, W, write_video
from support.merge_copies import study

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

PRECIOUS = "precious\n"


@pytest.fixture
def coded(tmp_path):
    """alice's study: a video with a behaviour event (gaze away at 50-60)."""
    assert FPS == 30.0
    return study(tmp_path / "A", write_video(tmp_path / "src.avi", n=120), (W, H))


def _export(window, qtbot, command, **params):
    assert window.ctx.execute(command, **params), window.errors
    qtbot.waitUntil(lambda: not window.exports.running, timeout=10000)


@pytest.mark.parametrize("how", ["events", "events_csv", "events_xlsx", "events_all"])
def test_no_keeps_the_behaviours_csv_beside_and_says_so(qtbot, window, coded, tmp_path, monkeypatch, how):
    asked: list[str] = []
    monkeypatch.setattr(C, "ask_replace_beside", lambda _win, name, _events: asked.append(name) or False,
                        raising=False)
    assert window.ctx.execute(C.OpenProject, path=str(coded)), window.errors
    out = tmp_path / ("ev.xlsx" if how == "events_xlsx" else "ev.csv")
    beside = tmp_path / "ev_behaviours.csv"
    beside.write_text(PRECIOUS)
    if how == "events":
        _export(window, qtbot, C.ExportEvents, path=str(out))
    else:
        _export(window, qtbot, C.Export, kind=how, path=str(out))
    assert asked == ["ev_behaviours.csv"]  # was: not asked
    assert beside.read_text() == PRECIOUS  # was: replaced
    assert out.is_file()  # the events file is written all the same
    qtbot.waitUntil(lambda: "ev_behaviours.csv kept as it was" in window.statusBar().currentMessage(), timeout=5000)


def test_yes_replaces_it_and_none_there_asks_nothing(qtbot, window, coded, tmp_path, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(C, "ask_replace_beside", lambda _win, name, _events: asked.append(name) or True,
                        raising=False)
    assert window.ctx.execute(C.OpenProject, path=str(coded)), window.errors
    beside = tmp_path / "ev_behaviours.csv"
    beside.write_text(PRECIOUS)
    _export(window, qtbot, C.ExportEvents, path=str(tmp_path / "ev.csv"))
    assert asked == ["ev_behaviours.csv"]
    assert beside.read_text().startswith("behaviour_event_id,")
    _export(window, qtbot, C.ExportEvents, path=str(tmp_path / "new.csv"))
    assert asked == ["ev_behaviours.csv"] and (tmp_path / "new_behaviours.csv").is_file()


def test_the_question_names_the_events_file(qtbot, window, coded, tmp_path, monkeypatch):
    """'ev_behaviours.csv beside ev.csv exists': it said 'beside it', the events file unnamed (h264)."""
    asked: list[str] = []
    monkeypatch.setattr(C, "ask", lambda _win, text, *_a, **_k: asked.append(text) or "no")
    assert window.ctx.execute(C.OpenProject, path=str(coded)), window.errors
    (tmp_path / "ev_behaviours.csv").write_text(PRECIOUS)
    _export(window, qtbot, C.ExportEvents, path=str(tmp_path / "ev.csv"))
    assert asked == ["ev_behaviours.csv beside ev.csv exists: replace it too?"]
