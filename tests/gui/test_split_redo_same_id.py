"""A redone face split gives the new face the id it had. A re-run keeps the run before it (undoable), whose face ids
split_face counts to find a free one: after the re-run was undone, then the event on the new face and the split,
redoing the split made face 2 while the event redone after it went back on face 1, a face the run did not have."""

from __future__ import annotations

import pytest
from helpers import open_and_analyse

from merstudio.gui import commands as C
from merstudio.gui.faces import SplitFace

pytestmark = pytest.mark.gui


def _coded(win):
    return [(e.onset, e.offset, e.face_id) for e in win.project.events(win.video.id) if e.source == "manual"]


def test_a_redone_split_after_an_undone_rerun_keeps_the_face_id(qtbot, window, video_path):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)  # one face, on frames 2-89
    v = win.video.id
    split = {0: (2, 45, 44), 1: (46, 89, 44)}  # frames 46-89 become a new face, the first id above 0
    assert win.ctx.execute(SplitFace, face=0, at=46)
    assert win.project.face_spans(v) == split
    win.pick_face(1)
    assert win.ctx.execute(C.NewEvent, onset=50, apex=55, offset=60)
    assert _coded(win) == [(50, 60, 1)]
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True)
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert win.project.face_spans(v) == split  # the re-run repeated the split
    for _ in range(3):  # the re-run, the event, the split
        win.undo_stack.undo()
    assert win.project.face_spans(v) == {0: (2, 89, 88)} and _coded(win) == []
    for _ in range(2):  # the split, the event
        win.undo_stack.redo()
    assert win.project.face_spans(v) == split and _coded(win) == [(50, 60, 1)]
    win.undo_stack.redo()  # the re-run, which has face 1 too
    assert win.project.face_spans(v) == split and _coded(win) == [(50, 60, 1)]
    assert not win.errors
