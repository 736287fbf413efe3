"""An undo of a step made on another video switches to that video; when its open outlasts the grace (a large
video, a loaded machine), the switch lands later and wrote its own line ("<video>: stored analysis (...)", or
cleared the bar) over the "Undone: ... (on <video>)" line shown at once. The undo's line is the one left standing,
whatever the switch took."""

from __future__ import annotations

import threading

import pytest
from gui_fixtures import write_video
from helpers import open_and_analyse

from merstudio.gui import commands as C
from merstudio.gui import video_opening
from merstudio.project import Event

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("open_grace")]


def _held_open(monkeypatch) -> threading.Event:
    """Every video open waits for the returned event (past the grace: the switch lands in the background)."""
    held = threading.Event()
    run = video_opening.IndexWorker.run
    monkeypatch.setattr(video_opening.IndexWorker, "run", lambda self: (held.wait(10), run(self))[1])
    return held


def _coded(win, video_id: int) -> list[Event]:
    """The video's events coded by hand (the analysis adds proposals)."""
    return [e for e in win.project.events(video_id) if e.status != "proposal"]


@pytest.mark.parametrize("redo", [False, True])
def test_the_undo_line_outlasts_a_slow_switch_to_the_other_video(qtbot, window, video_path, tmp_path, monkeypatch,
                                                                 redo):
    win = window
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    open_and_analyse(qtbot, win, video_path, landmarks=True)  # clip.avi has a stored analysis: its switch says so
    first = win.video
    win.coding.push_add(Event(first.id, 10, 15, 20))
    assert win.ctx.execute(C.OpenVideo, path=str(other))
    if redo:
        win.undo_stack.undo()  # back on clip.avi (at once), undone; then to second.avi to redo it from there
        assert win.video.id == first.id and not _coded(win, first.id)
        assert win.ctx.execute(C.OpenVideo, path=str(other))
    assert win.video.name == "second.avi"
    held = _held_open(monkeypatch)
    try:
        win.undo_stack.redo() if redo else win.undo_stack.undo()
        assert win.session.opener.running and win.video.name == "second.avi"
    finally:
        held.set()
    qtbot.waitUntil(lambda: win.video.id == first.id and not win.session.opener.running, timeout=20000)
    qtbot.wait(50)
    assert len(_coded(win, first.id)) == (1 if redo else 0)
    word = "Redone" if redo else "Undone"
    assert win.statusBar().currentMessage() == f"{word}: Add event 10-20 (on clip.avi)"


def test_a_later_undo_is_not_replaced_by_an_earlier_ones_late_line(qtbot, window, video_path, tmp_path,
                                                                  monkeypatch):
    """An undo of the shown video's own step while an earlier undo's switch is still opening: its line stands
    once the switch lands, not the earlier one's, and not a cleared bar."""
    win = window
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(other))
    second = win.video
    win.coding.push_add(Event(second.id, 3, 4, 5))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    first = win.video
    win.coding.push_add(Event(first.id, 10, 15, 20))
    assert win.ctx.execute(C.OpenVideo, path=str(other))
    held = _held_open(monkeypatch)
    try:
        win.undo_stack.undo()  # clip.avi's step: its open held past the grace
        assert win.session.opener.running and win.video.id == second.id
        win.undo_stack.undo()  # second.avi's own, the video still shown: no switch
        assert win.statusBar().currentMessage() == "Undone: Add event 3-5"
    finally:
        held.set()
    qtbot.waitUntil(lambda: win.video.id == first.id and not win.session.opener.running, timeout=20000)
    qtbot.wait(50)
    assert not _coded(win, first.id) and not _coded(win, second.id)
    assert win.statusBar().currentMessage() == "Undone: Add event 3-5"
