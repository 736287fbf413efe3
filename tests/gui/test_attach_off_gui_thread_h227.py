"""A changed file at a video's stored path in the app, beyond the 250 ms grace (h227 item 2): the file's frames are
compared in the opener's worker, with its busy line (a variable-rate file's index pass froze the window on the GUI
thread), and an opening that outlasts the grace asks the attach question once it is done (it showed the one-line
error box); a video found renamed says so in the status line (it went to stderr alone)."""

from __future__ import annotations

import threading
import time

import pytest
from gui_fixtures import write_video

from merstudio.gui import commands as C
from merstudio.gui import video_opening
from merstudio.project import Event

pytestmark = pytest.mark.gui


@pytest.fixture
def asked(monkeypatch):
    """The attach question's calls (answered "attach")."""
    calls: list = []

    def fake(win, file, video, frames, fps, analysed, here):
        calls.append((file, video, frames, fps, here))
        return "attach"

    monkeypatch.setattr(C, "ask_attach", fake)
    return calls


@pytest.fixture
def slow(window, monkeypatch):
    """Every opening outlasts the grace (as a variable-rate file's index pass does); the threads each ran on."""
    monkeypatch.setattr(video_opening, "GRACE_MS", 0)
    opener = window.session.opener
    real = opener._open_source
    threads: list[threading.Thread] = []

    def opening(path, *a, **k):
        threads.append(threading.current_thread())
        time.sleep(0.05)
        return real(path, *a, **k)

    monkeypatch.setattr(opener, "_open_source", opening)
    return threads


def _changed(qtbot, window, tmp_path, in_project=True):
    """a.avi with one event in a.merproj (open after, with ``in_project``), then re-encoded in place."""
    video = write_video(tmp_path / "a.avi", n=30)
    assert window.ctx.execute(C.OpenVideo, path=str(video)), window.errors  # its own project beside it: a.merproj
    qtbot.waitUntil(lambda: window.video is not None and not window.session.opener.running, timeout=5000)
    window.project.add_event(Event(window.video.id, 3, 5, 9, coder="alice"))
    if not in_project:
        window.session.close_project()
    video.write_bytes(video.read_bytes() + bytes(64))  # the same frames, another file
    window.errors.clear()
    return video


def test_an_opening_past_the_grace_asks_to_attach_not_an_error_box(qtbot, window, tmp_path, asked, slow):
    video = _changed(qtbot, window, tmp_path, in_project=False)
    window.ctx.execute(C.OpenVideo, path=str(video))  # no project open: a.merproj beside it holds the path
    qtbot.waitUntil(lambda: bool(asked) or bool(window.errors), timeout=5000)
    assert asked == [("a.avi", "a.avi", 30, 30.0, True)], window.errors  # was: the error box, "locate that video"
    qtbot.waitUntil(lambda: window.video is not None and not window.session.opener.running, timeout=5000)
    assert [v.id for v in window.project.videos()] == [1] and window.video.id == 1
    assert len(window.project.events(1)) == 1 and not window.errors


def test_a_video_found_renamed_says_so_in_the_status_line(qtbot, window, tmp_path) -> None:
    video = write_video(tmp_path / "a.avi", n=30)
    assert window.ctx.execute(C.OpenVideo, path=str(video)), window.errors
    qtbot.waitUntil(lambda: window.video is not None and not window.session.opener.running, timeout=5000)
    project = window.project.path
    window.session.close_project()
    video.rename(tmp_path / "P01_a.avi")
    assert window.ctx.execute(C.OpenProject, path=str(project)), window.errors
    qtbot.waitUntil(lambda: window.video is not None and not window.session.opener.running, timeout=5000)
    line = window.statusBar().currentMessage()  # the warning went to stderr alone
    assert f"a.avi: found renamed, as P01_a.avi in {tmp_path}: the project calls it P01_a.avi now" in line, line
    assert "\n" not in line and window.video.name == "P01_a.avi" and not window.errors
def test_the_chosen_file_is_compared_in_the_opener_then_asked(qtbot, window, tmp_path, asked, slow):
    video = _changed(qtbot, window, tmp_path)
    slow.clear()
    window.ctx.execute(C.OpenVideo, path=str(video))  # the changed file at video 1's own path
    assert window.session.opener.running  # the busy line and Cancel meanwhile; the window answers
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert slow and all(t is not threading.main_thread() for t in slow)  # it was opened on the GUI thread
    assert asked == [("a.avi", "a.avi", 30, 30.0, True)], window.errors
    qtbot.waitUntil(lambda: not window.session.opener.running, timeout=5000)
    assert [v.id for v in window.project.videos()] == [1] and len(window.project.events(1)) == 1
    assert not window.errors


