"""File > Save project as… (Ctrl+Shift+S): Save As was reachable only from the deleted-project warning and the close
question; a coder who wants a copy under another name (a hand-over, a branch of the coding) now has it in the menu.
The copy holds every event (read back with sqlite3, not merstudio) and the window goes on in it."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _menu_action(window, menu_title, text):
    for top in window.menuBar().actions():
        if top.text().replace("&", "") == menu_title:
            for a in top.menu().actions():
                if a.text().replace("&", "") == text:
                    return a
    raise AssertionError(f"{menu_title} > {text}: not in the menu")


def test_save_as_from_the_file_menu(qtbot, window, video_path, tmp_path, monkeypatch):
    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "study.merproj")), window.errors
    assert window.ctx.execute(C.OpenVideo, path=str(video_path), project="current"), window.errors
    assert window.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9), window.errors
    assert window.ctx.execute(C.NewEvent, onset=20, apex=22, offset=25), window.errors
    action = _menu_action(window, "File", "Save project as…")
    assert action.shortcut() == QKeySequence(QKeySequence.StandardKey.SaveAs)
    copy = tmp_path / "handover.merproj"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
    action.trigger()
    assert not window.errors
    assert window.project.path == copy  # the window goes on in the copy
    with sqlite3.connect(copy) as db:
        assert sorted(db.execute("SELECT onset, offset FROM events").fetchall()) == [(5, 9), (20, 25)]


def test_save_as_while_an_analysis_runs_is_refused(qtbot, window, video_path, tmp_path, monkeypatch, fake_analysis):
    """Going on in the copy closes the project, which would stop the run (its copy recorded it "interrupted")."""
    import threading

    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "study.merproj")), window.errors
    assert window.ctx.execute(C.OpenVideo, path=str(video_path), project="current"), window.errors
    fake_analysis.gate = threading.Event()  # the run parks after frame 10
    assert window.ctx.execute(C.RunAnalysis, settings={"landmarks": True}), window.errors
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(1) or ("", ""))
    assert not window.ctx.execute(C.SaveProjectAs)
    assert window.errors[-1] == "save as: an analysis is running; save as once it ends (or cancel it with Ctrl+.)"
    assert not asked and window.worker is not None  # nothing asked, the run goes on
    fake_analysis.gate.set()
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
