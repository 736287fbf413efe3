"""The "loading frame N…" / "frame N not shown" state never outlives the picture it is about (a118 findings 1, 2, 4,
5): it was cleared only by frame N's own picture, so a failed frame, a seek replaced by play, or a video switch left
the right picture dimmed under another frame's label, and while playing I / A / O (frame_seen) marked the clock's
frame, not the picture. The view's ShownFrame (wanted, shown, overdue, failed) is the one state they all read."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from gui_fixtures import frame_value, two_video_project

from merstudio.gui import commands as C
from merstudio.gui.main_window import MainWindow
from merstudio.gui.transport import Transport
from merstudio.gui.workers import _default_open

pytestmark = pytest.mark.gui


def _rgb(i: int) -> np.ndarray:
    return np.full((120, 160, 3), frame_value(i), np.uint8)


def _opened(qtbot, win, video_path, monkeypatch) -> MainWindow:
    """``win`` on the clip at frame 0, its loader decoding nothing more: the test hands the window its pictures
    (_frame_ready / _frame_failed, as the loader would) and the overdue timer's call (_show_loading)."""
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    qtbot.waitUntil(lambda: win.video_view.frame_index == 0 and win.video_view.loading is None, timeout=10000)
    monkeypatch.setattr(win.transport.loader, "request", lambda frame: None)
    monkeypatch.setattr(win.transport, "_loading_due", lambda: None)  # the test says when a frame is overdue
    return win


def _playing(monkeypatch, on: bool = True) -> None:
    monkeypatch.setattr(Transport, "playing", property(lambda self: on))


def _said(win) -> tuple[int | None, str, float]:
    view = win.video_view
    return view.loading, view.loading_label.text() if view.loading_label.isVisible() else "", view._pixmap.opacity()


def test_a_picture_of_the_run_played_after_a_failed_frame_is_shown_and_marked(qtbot, window, video_path,
                                                                               monkeypatch):
    """t7: frame 10 failed, then Space: the pictures played stayed dimmed under "frame 10 not shown" (then
    "loading…") and I marked the clock's frame."""
    win = _opened(qtbot, window, video_path, monkeypatch)
    win.transport.seek(10)
    win._frame_failed(10, "frame 10: damaged")
    assert _said(win)[:2] == (10, "frame 10 not shown (the status bar says why)")
    _playing(monkeypatch)
    for f in (11, 12, 13):  # the clock runs ahead of the pictures
        win.transport.seek(f)
    assert win.video_view.loading == 13  # the picture shown (frame 0's) is still no frame of the run
    win._frame_ready(11, _rgb(11))
    assert _said(win) == (None, "", 1.0)
    assert C.frame_seen(win) == 11
    assert win.ctx.execute(C.MarkPoint, which="onset")
    assert win.marks.onset == 11, "the mark took the clock's frame, not the picture on screen"
    _playing(monkeypatch, False)  # paused where the clock was: the picture (11) is not frame 13 ...
    win._show_loading(13)
    assert _said(win)[:2] == (13, "loading frame 13…")
    win._frame_ready(13, _rgb(13))  # ... until it comes
    assert _said(win) == (None, "", 1.0)


def test_a_late_picture_of_a_seek_made_before_play_stays_marked(qtbot, window, video_path, monkeypatch):
    """t8: Ctrl+G 30, Ctrl+G 50 while 30 decodes, Space: 30's picture arriving during play is not the run's."""
    win = _opened(qtbot, window, video_path, monkeypatch)
    win.transport.seek(30)
    win.transport.seek(50)
    win._show_loading(50)
    _playing(monkeypatch)
    win.transport.seek(51)
    win.transport.seek(52)
    win._frame_ready(30, _rgb(30))
    assert _said(win)[:2] == (52, "loading frame 52…")
    assert C.frame_seen(win) == 52  # not the stray picture's 30
    win._frame_ready(51, _rgb(51))
    assert _said(win) == (None, "", 1.0) and C.frame_seen(win) == 51


def test_a_failure_said_at_once_is_not_turned_back_into_loading(qtbot, qsettings, fake_analysis, video_path):
    """t19: a damaged frame fails within the 80-ms overdue timer; the timer then said "loading frame 10…" for
    ever (the status-bar line naming the damage gone after 5 s)."""

    class Damaged:
        def __init__(self, real):
            self._real = real

        def __getattr__(self, name):
            return getattr(self._real, name)

        def frame(self, i):
            if i == 10:
                raise ValueError("truncated image")
            return self._real.frame(i)

    win = MainWindow(qsettings=qsettings, open_source=lambda p: Damaged(_default_open(p)),
                     make_analysis=lambda src, settings: fake_analysis(src, settings))
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
        view = win.video_view
        qtbot.waitUntil(lambda: view.frame_index == 0, timeout=10000)
        win.transport.seek(10)
        qtbot.waitUntil(lambda: view.loading == 10, timeout=5000)
        qtbot.wait(300)  # the overdue timer (80 ms after the seek) has fired
        assert view.loading == 10 and view.loading_label.text() == "frame 10 not shown (the status bar says why)"
        win.transport.seek(11)
        qtbot.waitUntil(lambda: view.frame_index == 11, timeout=5000)
        assert view.loading is None and view._pixmap.opacity() == 1.0
    finally:
        win.shutdown()


def test_seeks_closer_than_the_timer_still_dim_the_old_picture(qtbot, window, video_path, monkeypatch):
    """t15: a held arrow key seeks every 30 ms; the timer restarted on every seek and never fired, so the counter ran
    ahead of an undimmed old picture for as long as the key was held."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    qtbot.waitUntil(lambda: win.video_view.frame_index == 0 and win.video_view.loading is None, timeout=10000)
    monkeypatch.setattr(win.transport.loader, "request", lambda frame: None)  # every decode slower than the hold
    for f in range(1, 16):
        win.transport.seek(f)
        qtbot.wait(30)
    win.transport.seek(16)  # at once after a seek: the old timer was just restarted here
    assert win.video_view.loading == 16, "the held key's counter ran ahead of an undimmed old picture"
    assert "loading frame 16" in win.video_view.loading_label.text() and win.video_view._pixmap.opacity() < 1


def test_a_video_switch_leaves_no_label_of_the_last_video(qtbot, window, tmp_path, monkeypatch):
    """t13: a's frame 20 still loading at the switch to b: b's frame 0 was shown dimmed under "loading frame 20…"."""
    a, b = two_video_project(window, tmp_path)
    window.session.select_video(a.id)
    view = window.video_view
    qtbot.waitUntil(lambda: view.frame_index == 0 and view.loading is None, timeout=10000)
    loader = window.transport.loader
    monkeypatch.setattr(loader, "request", lambda frame: None)
    window.transport.seek(20)
    window._show_loading(20)
    assert view.loading == 20
    window.session.select_video(b.id)
    assert view.loading != 20 and "frame 20" not in _said(window)[1]
    qtbot.waitUntil(lambda: window.transport.loader is not loader and view.frame_index == 0, timeout=10000)
    assert _said(window) == (None, "", 1.0)


def test_the_last_frames_faces_go_while_the_project_compacts(window, monkeypatch):
    """t10: while compacting, the faces of the frame shown before stayed drawn over every later picture."""
    win = window
    face = np.array([[10.0, 10.0], [40.0, 10.0], [40.0, 40.0], [10.0, 40.0]])
    fake = SimpleNamespace(landmarks=lambda vid, frame: {0: face}, path=Path("study.merproj"), read_only=False)
    monkeypatch.setattr(MainWindow, "project", property(lambda self: fake))
    monkeypatch.setattr(MainWindow, "video", property(lambda self: SimpleNamespace(id=1)))
    monkeypatch.setattr(win, "_update_labels", lambda: None)
    monkeypatch.setattr(win, "_face_note", lambda tid, frame: "")
    win.overlay_action.setChecked(True)
    win._frame_ready(1, _rgb(1))
    assert win.video_view._boxes, "the set-up drew no face"
    win.session.compacting = "study.merproj"
    try:
        win._frame_ready(2, _rgb(2))
        assert not win.video_view._boxes, "frame 1's face box stayed over frame 2's picture"
    finally:
        win.session.compacting = ""
