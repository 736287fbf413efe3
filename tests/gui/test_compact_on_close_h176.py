"""Closing a project over half free compacts it (Project.close: 2.8 s for a 273 MB project): it ran on the GUI
thread with nothing said, the window looking frozen (h176). It runs in a worker now while the window is drawn, the
status bar saying so; the window's close and the next project's open wait for it; a stop signal's quit skips it."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from support.emptied_projects import emptied_project

from merstudio.gui.app import end
from merstudio.project import Project
from merstudio.project import store as store_module

pytestmark = pytest.mark.gui


@pytest.fixture
def emptied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(store_module, "COMPACT_ON_CLOSE_AT", 1024)
    return emptied_project(tmp_path / "study.merproj")


@pytest.fixture
def compacting(monkeypatch: pytest.MonkeyPatch, window) -> dict:
    """The compaction, watched: the thread it ran in, what the status bar said then, and whether the GUI thread
    turned its event loop meanwhile (a timer it runs must fire before the compaction goes on)."""
    seen: dict = {}
    real = Project._compact

    def watched(self: Project) -> tuple[int, int]:
        seen["thread"] = threading.current_thread()
        seen["busy"] = window.busy.text()
        ticked = threading.Event()
        QTimer.singleShot(0, window, ticked.set)  # (queued to the window's thread)
        seen["drawn"] = ticked.wait(5)
        return real(self)

    monkeypatch.setattr(Project, "_compact", watched)
    return seen


def test_switching_projects_compacts_in_a_worker_saying_so(window, emptied, compacting, tmp_path):
    win = window
    size = emptied.stat().st_size
    assert win.session.open_project(emptied, select=False)
    other = tmp_path / "other.merproj"
    Project.create(other).close()
    assert win.session.open_project(other, select=False)
    assert compacting["thread"] is not threading.main_thread()
    assert compacting["busy"] == "Compacting study.merproj…"
    assert compacting["drawn"], "the GUI thread was held while the project compacted"
    assert win.busy.text() == ""
    assert win.project is not None and win.project.path == other
    assert emptied.stat().st_size < size / 3
    assert win.statusBar().currentMessage().startswith("Compacted study.merproj as it closed: ")
    with Project.open(emptied, read_only=True) as proj:
        assert len(proj.videos()) == 1


def test_closing_the_window_waits_for_the_compaction(window, emptied, compacting):
    win = window
    size = emptied.stat().st_size
    assert win.session.open_project(emptied, select=False)
    win.close()
    assert compacting["thread"] is not threading.main_thread() and compacting["drawn"]
    assert win.project is None and emptied.stat().st_size < size / 3
    assert not emptied.with_name(emptied.name + ".lock").exists()


def test_a_stop_signal_quit_does_not_compact(window, emptied, compacting, monkeypatch):
    win = window
    size = emptied.stat().st_size
    assert win.session.open_project(emptied, select=False)
    monkeypatch.setattr("merstudio.gui.app.dispose", lambda w: w.shutdown())  # the fixture's window stays
    assert end(win, signal.SIGTERM, 0) == 143
    assert compacting == {} and win.project is None
    assert emptied.stat().st_size == size
    assert not emptied.with_name(emptied.name + ".lock").exists()
