"""Opening another project (or New project) while an analysis runs asks first ("Stop it?"; Keep analysing keeps
the project open and the run going), and once stopped the status bar says so (audit a75: it was cancelled without
a question, with an empty status line). A re-run stopped so gives the complete run before it its place
back with the open proposals it replaced, the coder's edits included (the next open only set the run back: the
proposals were the partial run's)."""

from __future__ import annotations

import threading

import pytest
from gui_fixtures import N_FRAMES, SPOTS
from helpers import open_and_analyse

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui


def _parked(qtbot, win, fake_analysis):
    fake_analysis.gate = threading.Event()  # parked before frame 11: frames 0-10 analysed
    win.analysis.batch_seconds = 0.0
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True)
    qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)


def _answer(win, monkeypatch, stop: bool) -> list[str]:
    asked: list[str] = []
    monkeypatch.setattr(win, "ask_stop_analysis", lambda q: (asked.append(q), stop)[1])
    return asked


def test_new_project_during_a_run_asks_and_keep_analysing_keeps_it(qtbot, window, video_path, fake_analysis,
                                                                    tmp_path, monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    path = win.project.path
    _parked(qtbot, win, fake_analysis)
    qtbot.waitUntil(lambda: win.analysis._at[0] >= 11, timeout=5000)  # the progress signal is queued
    asked = _answer(win, monkeypatch, stop=False)
    win.ctx.execute(C.NewProject, path=str(tmp_path / "other.merproj"))  # (done: nothing to say)
    assert asked == [f"The analysis of clip.avi is running (frame 11 of {N_FRAMES}). Stop it?\n\nStopped, the "
                     "frames analysed so far are kept; Ctrl+R runs it again."]
    assert win.project.path == path and win.worker is not None and win.worker.isRunning()
    fake_analysis.gate.set()
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert win.project.analysis(win.video.id).status == "complete"


def test_a_first_run_stopped_by_new_project_is_said(qtbot, window, video_path, fake_analysis, tmp_path,
                                                    monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    _parked(qtbot, win, fake_analysis)
    asked = _answer(win, monkeypatch, stop=True)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "other.merproj"))
    assert len(asked) == 1
    assert win.worker is None
    expected = f"Stopped the analysis of clip.avi at frame 11 of {N_FRAMES} as its project closed: the frames " \
               "analysed are kept"
    qtbot.waitUntil(lambda: expected in win.statusBar().currentMessage(), timeout=5000)


def test_a_rerun_stopped_by_new_project_gives_back_the_complete_run(qtbot, window, video_path, fake_analysis,
                                                                   tmp_path, monkeypatch):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    path, vid = win.project.path, win.video.id
    complete = win.project.analysis(vid).id
    on, _apex, off = SPOTS[1]
    second = next(e for e in win.project.proposals(vid) if e.onset == on)
    assert win.ctx.execute(C.EditEvent, event_id=second.id, changes={"note": "checked"})
    _parked(qtbot, win, fake_analysis)
    asked = _answer(win, monkeypatch, stop=True)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "other.merproj"))
    assert "the complete run before it stays as it was" in asked[0]
    with Project.open(path, read_only=True) as proj:
        assert proj.analysis(vid).id == complete
        assert sorted((e.onset, e.offset, e.note) for e in proj.proposals(vid)) == \
            [(SPOTS[0][0], SPOTS[0][2], ""), (on, off, "checked")]
    qtbot.waitUntil(lambda: "Stopped the analysis of clip.avi at frame 11" in win.statusBar().currentMessage(),
                    timeout=5000)
    assert "the complete run before it is active again" in win.statusBar().currentMessage()


def test_closing_the_window_during_a_run_asks_too(qtbot, window, video_path, fake_analysis, monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    _parked(qtbot, win, fake_analysis)
    asked = _answer(win, monkeypatch, stop=False)
    assert not win.close()  # Keep analysing: the window stays, the run goes on
    assert len(asked) == 1 and win.isVisible() and win.worker is not None and win.worker.isRunning()
