"""An undo of another video's step goes to that video and back to where the change is (an undone reject: the
proposal it reopened). Since every open runs in a worker (gui.video_opening), an open that outlasts the grace shows
the video later: the event was looked for in the video still shown, and nothing was selected once the right one
came. It is looked for once the video is shown now."""

from __future__ import annotations

import threading

import pytest
from gui_fixtures import write_video

from merstudio.gui import commands as C
from merstudio.gui import video_opening
from merstudio.project import Event

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("open_grace")]


def test_an_undone_reject_on_another_video_selects_the_proposal_once_shown(qtbot, window, video_path, tmp_path,
                                                                          monkeypatch):
    win = window
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    first = win.video
    [prop] = win.project.add_events([Event(first.id, 5, 6, 9, coder="model", source="model", status="proposal")])
    win.coding.reload()
    assert win.ctx.execute(C.SetProposalStatus, event_id=prop.id, status="rejected", advance=False), win.errors
    assert win.ctx.execute(C.OpenVideo, path=str(other))
    assert win.video.name == "second.avi"
    held = threading.Event()
    run = video_opening.IndexWorker.run
    monkeypatch.setattr(video_opening.IndexWorker, "run", lambda self: (held.wait(10), run(self))[1])
    try:
        win.undo_stack.undo()  # the reject, made on clip.avi: its open is held past the grace
        assert win.session.opener.running and win.video.name == "second.avi"
    finally:
        held.set()
    qtbot.waitUntil(lambda: win.video.id == first.id and not win.session.opener.running, timeout=20000)
    assert win.project.event(prop.id).status == "proposal"
    assert win.selected_event_id == prop.id and win.current_frame == 5  # where the change is
