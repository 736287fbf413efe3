"""Edit > Redo of a face merge while a re-run is going is refused, as Merge faces is: it merged the frames stored so
far of the running run, the rows after kept the merged-away id, and the run ended half merged with its face_edits
saying the merge was made. The refusal is one line; the step leaves the undo history, the project unchanged."""

from __future__ import annotations

import threading

import pytest
from gui_fixtures import N_FRAMES
from helpers import open_and_analyse

from merstudio.gui import commands as C
from merstudio.gui.faces import MergeFaces

pytestmark = pytest.mark.gui


def test_redo_of_a_merge_during_a_rerun_is_refused_in_one_line(qtbot, window, video_path, fake_analysis,
                                                               monkeypatch):
    monkeypatch.setattr(fake_analysis, "cut_at", 5)  # face 0 in frames 2-4, face 1 from 5: one person, two shots
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    proj, vid = win.project, win.video.id
    assert win.ctx.execute(MergeFaces, keep=0, merged=1), win.errors
    win.undo_stack.undo()
    assert sorted(proj.face_spans(vid)) == [0, 1] and win.undo_stack.canRedo()
    fake_analysis.gate = threading.Event()  # the re-run parks after frame 10, faces 0 and 1 stored
    win.analysis.batch_seconds = 0.0
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)
    running = proj.analysis(vid)
    assert running.status == "running" and sorted(proj.face_spans(vid)) == [0, 1]
    win.undo_stack.redo()
    qtbot.waitUntil(lambda: bool(win.errors), timeout=5000)
    assert len(win.errors) == 1 and "\n" not in win.errors[0]
    assert "its analysis is running; merge faces when it has finished" in win.errors[0]
    assert not win.undo_stack.canRedo()  # the refused step is gone, not marked redone
    assert sorted(proj.face_spans(vid)) == [0, 1]
    fake_analysis.gate.set()
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    a = proj.analysis(vid)
    assert (a.id, a.status) == (running.id, "complete") and not a.settings.get("face_edits")
    assert proj.face_spans(vid) == {0: (2, 4, 3), 1: (5, N_FRAMES - 1, N_FRAMES - 5)}
