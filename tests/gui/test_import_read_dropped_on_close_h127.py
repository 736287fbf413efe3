"""An import's file read in a worker while the window closes (or another project opens) asks nothing afterwards:
the preview and the "Import each video's rows…?" question popped up seconds after the window closed, answering said
"no project is open", and the app could not quit until answered. The read is dropped without a word."""

from __future__ import annotations

import pytest
from gui_fixtures import two_video_project
from helpers import Gated

import merstudio.interchange as interchange
from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _shown(monkeypatch, window):
    from merstudio.gui.dialogs import ImportPreviewDialog

    shown: list[str] = []
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda dlg: shown.append("preview") or 1)
    monkeypatch.setattr(window, "confirm", lambda q: shown.append(q) or True)
    return shown


def test_the_preview_is_not_shown_once_the_window_closed_during_the_read(window, video_path, tmp_path,
                                                                          monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    events = [Event(win.video.id, 3, 5, 8, emotion="positive", aus="12", coder="alice")]
    path = interchange.write_events(events, tmp_path / "alice.tsv",
                                    interchange.Media(str(video_path), fps=win.fps,
                                                      frame_count=win.video.frame_count))
    monkeypatch.setattr(C, "INLINE_BYTES", 0)  # however small the file, read in the worker
    gated = Gated(monkeypatch, interchange, "preview_import", on_gui=win.close)  # closed while it is read
    shown = _shown(monkeypatch, win)
    assert not win.ctx.execute(C.ImportEvents, path=str(path))
    assert gated.opened_by_timer == [True] and not win.isVisible()
    assert shown == [] and win.errors == []


def test_the_all_videos_question_is_not_asked_once_another_project_opened_during_the_read(
        qtbot, window, tmp_path, monkeypatch):
    a, b = two_video_project(window, tmp_path)
    window.project.add_events([Event(a.id, 3, 5, 8, emotion="happiness", coder="ann"),
                               Event(b.id, 10, 12, 20, emotion="surprise", coder="bob")])
    out = tmp_path / "all.csv"
    assert window.ctx.execute(C.Export, kind="events_all", path=str(out)), window.errors
    qtbot.waitUntil(lambda: window.exports.worker is None and out.exists())
    other = tmp_path / "other.merproj"
    monkeypatch.setattr(C, "INLINE_BYTES", 0)
    gated = Gated(monkeypatch, interchange, "preview_all_events",
                  on_gui=lambda: window.session.create_project(other))  # another project while it is read
    shown = _shown(monkeypatch, window)
    assert not window.ctx.execute(C.ImportEvents, path=str(out))
    assert gated.opened_by_timer == [True] and window.project.path == other
    assert shown == [] and window.errors == []
