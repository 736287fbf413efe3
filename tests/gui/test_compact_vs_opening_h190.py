"""File > Compact project while a video is still being opened froze the window until the compaction ended: the
open, once done, added the video to the project on the GUI thread (Session._add_video: add_source), which waited
for the lock the compaction holds through its VACUUM (2.8-3.5 s frozen; audit a92 finding 1 via h190). Compact is
refused in one line while a video opens, as while an analysis runs; and an open that finishes while a compaction
runs all the same (started by another path) waits for it without holding the GUI thread, then is shown."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from support.emptied_projects import emptied_project

from merstudio.gui import commands as C
from merstudio.project import Project

# the app's wait for an open (250 ms), not the tests' 20 s: these opens are held past it on purpose
pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("open_grace")]

GATE_S = 5.0  # a gate nobody opens opens by itself: the test fails instead of hanging


@pytest.fixture
def emptied(tmp_path: Path) -> Path:
    return emptied_project(tmp_path / "study.merproj")


@pytest.fixture
def held_open(window):
    """The window's video opener parked at a gate: a video "opens" until the test opens it."""
    opener = window.session.opener
    gate = threading.Event()
    real = opener._open_source

    def held(path, *a, **k):
        gate.wait(GATE_S)
        return real(path, *a, **k)

    opener._open_source = held
    yield gate
    gate.set()
    opener._open_source = real


def test_compact_is_refused_while_a_video_opens(qtbot, window, emptied, video_path, held_open):
    win = window
    assert win.session.open_project(emptied, select=False)
    size = emptied.stat().st_size
    assert win.ctx.execute(C.OpenVideo, path=str(video_path), project="current"), win.errors
    assert win.session.opener.running and win.video is None  # still opening
    assert not win.ctx.execute(C.CompactProject)
    assert win.errors == ["compact: clip.avi is still being opened; compact once it is shown (or Cancel its "
                          "opening in the status bar)"]
    assert emptied.stat().st_size == size and not win.session.compacting
    held_open.set()
    qtbot.waitUntil(lambda: win.video is not None, timeout=20000)
    assert win.video.name == "clip.avi"
    assert win.ctx.execute(C.CompactProject), win.errors  # once shown, it compacts
    assert emptied.stat().st_size < size / 3 and len(win.errors) == 1


def test_an_open_ending_during_a_compaction_waits_for_it_off_the_gui_thread(qtbot, window, emptied, video_path,
                                                                          held_open, monkeypatch):
    win = window
    assert win.session.open_project(emptied, select=False)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path), project="current"), win.errors
    opening = win.session.opener.worker
    assert opening is not None
    seen: dict = {}
    real = Project._compact

    def compact(self: Project) -> tuple[int, int]:
        held_open.set()  # the open ends while the VACUUM holds the project's lock
        seen["opened"] = opening.wait(int(GATE_S * 1000))
        drawn = threading.Event()

        def on_gui() -> None:  # queued after the open's end: run once the GUI thread has handled that
            seen["video"] = win.video
            seen["busy"] = win.busy.text()
            drawn.set()

        QTimer.singleShot(0, window, on_gui)
        seen["drawn"] = drawn.wait(GATE_S)
        return real(self)

    monkeypatch.setattr(Project, "_compact", compact)
    win.session.compact_project()  # (the command refuses while it opens: a compaction reached another way)
    assert seen["opened"]
    assert seen["drawn"], "the GUI thread waited on the compaction's lock once the video had opened"
    assert seen["video"] is None  # not added to the project meanwhile
    assert "Compacting study.merproj…" in seen["busy"] and "Opening clip.avi…" in seen["busy"]
    qtbot.waitUntil(lambda: win.video is not None, timeout=20000)  # then added and shown
    assert win.video.name == "clip.avi" and [v.name for v in win.project.videos()] == ["kept.avi", "clip.avi"]
    assert not win.session.opener.running and not win.busy.isVisible() and not win.errors


def test_an_opening_cancelled_during_a_compaction_is_dropped(qtbot, window, emptied, video_path, held_open,
                                                            monkeypatch):
    win = window
    assert win.session.open_project(emptied, select=False)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path), project="current"), win.errors
    opening = win.session.opener.worker
    real = Project._compact
    drawn = threading.Event()

    def compact(self: Project) -> tuple[int, int]:
        held_open.set()
        opening.wait(int(GATE_S * 1000))
        QTimer.singleShot(0, window, lambda: (win.session.opener.cancel_button.click(), drawn.set()))
        drawn.wait(GATE_S)
        return real(self)

    monkeypatch.setattr(Project, "_compact", compact)
    win.session.compact_project()
    assert drawn.is_set()
    qtbot.wait(50)  # the held opening's hand-over, had it been kept, would run now
    assert win.video is None and [v.name for v in win.project.videos()] == ["kept.avi"]
    assert not win.session.opener.running and not win.busy.isVisible() and not win.errors
