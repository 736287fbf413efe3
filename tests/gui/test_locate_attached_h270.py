"""A located video's "Attached …" line where the video's opening outlasts the grace (h270 item 2): it stays while
the video opens (the status bar's 15 s timer took it first, or the switch to the video cleared it as the open
ended), leads the video's own lines once it is shown, and from the end of the opening, shown, failed or
cancelled, goes when due (15 s)."""

from __future__ import annotations

import threading

import pytest
from gui_fixtures import write_video
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

from merstudio.errors import InputError
from merstudio.gui import commands as C
from merstudio.gui import video_opening
from merstudio.project import Project

pytestmark = pytest.mark.gui

GATE_S = 10.0  # a held opening goes on by itself after this: a test fails instead of hanging


class HeldOpen:
    """The opener's opens from the second on (the first compares the chosen file's frames) wait for ``release``;
    with ``fail``, they raise then."""

    def __init__(self, monkeypatch, window) -> None:
        self.gate = threading.Event()
        self.fail = False
        self.opens = 0
        opener = window.session.opener
        real = opener._open_source

        def opening(path, *a, **k):
            self.opens += 1
            if self.opens > 1:
                self.gate.wait(GATE_S)
                if self.fail:
                    raise InputError(f"{path}: cannot decode its first frame")
            return real(path, *a, **k)

        monkeypatch.setattr(video_opening, "GRACE_MS", 0)  # every opening outlasts the grace
        monkeypatch.setattr(opener, "_open_source", opening)


@pytest.fixture
def held(qtbot, window, tmp_path, monkeypatch):
    """study.merproj's a.avi re-encoded in place (the same frames, another file), the project opened, the file
    chosen in "Where is a.avi?" and attached: its opening held (HeldOpen)."""
    video = write_video(tmp_path / "a.avi", n=30)
    path = tmp_path / "study.merproj"
    with Project.create(path) as p:
        p.add_video(video, 30.0, 30, 160, 120)
    video.write_bytes(video.read_bytes() + bytes(64))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(video), "")))
    monkeypatch.setattr(C, "ask_attach", lambda *a, **k: "attach")
    gate = HeldOpen(monkeypatch, window)
    window.ctx.execute(C.OpenProject, path=str(path))
    qtbot.waitUntil(lambda: gate.opens > 1, timeout=5000)  # attached: the video itself opening now
    yield gate
    gate.gate.set()


def _timers(bar) -> list[QTimer]:
    return [t for t in bar.findChildren(QTimer) if t.isActive()]


def _attached(tmp_path) -> str:
    return f"Attached a.avi in {tmp_path.resolve()} (re-encoded: the same 30 frames at 30 fps)"


def _the_timer_runs_out(bar) -> None:
    """The status bar's message timer fires (as 15 s later), without waiting for it."""
    for t in _timers(bar):
        t.timeout.emit()


def test_the_attached_line_stays_while_the_video_opens_then_leads_its_lines(qtbot, window, tmp_path, held):
    bar = window.status_bar
    assert window.session.opener.running and window.busy.text() == "Opening a.avi…"
    assert bar.currentMessage().startswith(_attached(tmp_path)), bar.currentMessage()
    _the_timer_runs_out(bar)  # 15 s of a long opening: it was gone, the video still opening
    assert bar.currentMessage().startswith(_attached(tmp_path)), bar.currentMessage()
    held.gate.set()
    qtbot.waitUntil(lambda: window.video is not None and not window.session.opener.running, timeout=5000)
    assert window.video.path == str((tmp_path / "a.avi").resolve())
    # the switch to the video cleared it as the opening ended: said again, first
    assert bar.currentMessage().startswith(_attached(tmp_path)), bar.currentMessage()
    assert [t.interval() for t in _timers(bar)] == [15000]  # the usual lifetime from now
    _the_timer_runs_out(bar)
    assert bar.currentMessage() == ""


@pytest.mark.parametrize("how", ["fails", "cancelled"])
def test_an_opening_that_fails_or_is_cancelled_leaves_the_line_for_its_time(qtbot, window, tmp_path, held, how):
    bar = window.status_bar
    _the_timer_runs_out(bar)
    if how == "fails":
        held.fail = True
        held.gate.set()
        qtbot.waitUntil(lambda: not window.session.opener.running, timeout=5000)
        assert "cannot decode its first frame" in window.errors[-1]
    else:
        window.session.opener.cancel_button.click()
        assert not window.session.opener.running
    # the project points at the file now: that is still said, and goes when due (it stayed until replaced)
    assert bar.currentMessage().startswith(_attached(tmp_path)), bar.currentMessage()
    assert [t.interval() for t in _timers(bar)] == [15000]
    _the_timer_runs_out(bar)
    assert bar.currentMessage() == ""
