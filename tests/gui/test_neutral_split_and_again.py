"""Analysis > Neutral frames > Find the calmest second: on a face split under one of its events (the event's frames
run past the face's last frame) it crashed (IndexError: the moving frames indexed past the face's frames); found
again where nothing changed, it added an undo step that did nothing."""

from __future__ import annotations

import pytest
from helpers import open_and_analyse

from merstudio.features.neutral import load_baselines, setting_key
from merstudio.gui import commands as C
from merstudio.gui.faces import SplitFace
from merstudio.gui.neutral import SetNeutral

pytestmark = pytest.mark.gui


def test_the_calmest_second_of_a_face_split_inside_its_event(qtbot, window, video_path):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)  # one face, on frames 2-89
    v = win.video.id
    assert win.ctx.execute(C.NewEvent, onset=40, apex=45, offset=60, face_id=0)
    assert win.ctx.execute(SplitFace, face=0, at=50)  # the event starts before: it stays face 0's
    assert win.project.face_spans(v)[0] == (2, 49, 48)
    win.pick_face(0)
    assert win.ctx.execute(SetNeutral, mode="auto"), win.errors
    b = load_baselines(win.project, v)[0]
    assert 2 <= b.first <= b.last < 40  # in the face's frames, before its event
    assert not win.errors


def test_finding_the_calmest_second_again_adds_no_undo_step(qtbot, window, video_path):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    v = win.video.id
    assert win.ctx.execute(SetNeutral, mode="auto")
    n, stored = win.undo_stack.count(), win.project.get_setting(setting_key(v))
    b = load_baselines(win.project, v)[0]
    assert win.ctx.execute(SetNeutral, mode="auto")  # the same curves: the same second
    assert win.undo_stack.count() == n and win.project.get_setting(setting_key(v)) == stored
    msg = win.statusBar().currentMessage()
    assert "already" in msg.lower() and f"neutral frames {b.first}-{b.last}" in msg
    win.undo_stack.undo()  # the one step there is: the baseline goes
    assert load_baselines(win.project, v) == {}
