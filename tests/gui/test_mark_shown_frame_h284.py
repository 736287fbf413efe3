"""I / O pressed while playing mark the frame whose picture is shown (a108 finding 5): the play head runs on the
clock and its decoded picture comes later, 1-2 frames on a busy machine, and MarkPoint marked the clock's frame, past
what the coder saw and reacted to. Paused (stepping, seeking) the play head's frame is the picture's and is marked."""

from __future__ import annotations

import pytest

from merstudio.gui import commands as C
from merstudio.gui.transport import Transport

pytestmark = pytest.mark.gui


def _at(qtbot, win, frame: int) -> None:
    win.transport.seek(frame)
    qtbot.waitUntil(lambda: win.video_view.frame_index == frame and win.video_view.loading is None, timeout=10000)


def test_a_mark_while_playing_takes_the_picture_shown(qtbot, window, video_path, monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    _at(qtbot, win, 10)
    # playing on a busy machine: the clock is at 12, the picture of frame 10 still on screen (its decode late)
    monkeypatch.setattr(Transport, "playing", property(lambda self: True))
    win.transport.seek(12)
    win.video_view.frame_index = 10
    win.video_view.set_loading(None)
    assert win.current_frame == 12
    assert win.ctx.execute(C.MarkPoint, which="onset")
    assert win.marks.onset == 10
    win.transport.seek(20)
    win.video_view.frame_index = 19
    assert win.ctx.execute(C.MarkPoint, which="offset")  # makes the event of what was seen
    ev = win.coding.find(win.selected_event_id)
    assert ev is not None and (ev.onset, ev.offset) == (10, 19)


def test_paused_the_play_head_is_marked(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    _at(qtbot, win, 10)
    win.transport.seek(14)  # a step whose picture has not come yet: the frame stepped to is marked
    win.video_view.frame_index = 10
    assert not win.transport.playing
    assert win.ctx.execute(C.MarkPoint, which="onset")
    assert win.marks.onset == 14
