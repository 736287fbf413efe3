"""An open proposal the coder edited while a re-run went is kept in place of the run's proposal on its interval,
and the status bar says so (audit a75): the run's new proposal replaced it, and the status bar only said "Analysis
complete: 1 proposal to review". Edits made before the run are replaced, as the question before the run said."""

from __future__ import annotations

import pytest
from gui_fixtures import SPOTS
from helpers import finish_parked, open_and_analyse, parked_rerun

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_a_proposal_edited_during_a_rerun_is_kept_and_said(qtbot, window, video_path, fake_analysis):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    vid = win.video.id
    (on, _apex, off) = SPOTS[1]
    second = next(e for e in win.project.proposals(vid) if e.onset == on)
    gate = parked_rerun(qtbot, win, fake_analysis)
    assert win.ctx.execute(C.EditEvent, event_id=second.id, changes={"onset": on - 2, "note": "moved"})
    finish_parked(qtbot, win, fake_analysis, gate)
    props = sorted((e.onset, e.offset, e.note) for e in win.project.proposals(vid))
    # the coder's edit stands, and the run's own proposal on that interval is not added beside it
    assert props == [(SPOTS[0][0], SPOTS[0][2], ""), (on - 2, off, "moved")]
    kept = next(e for e in win.project.proposals(vid) if e.onset == on - 2)
    assert kept.id == second.id  # the same event: the edit's own undo step still finds it
    line = win.statusBar().currentMessage()
    assert f"kept 1 proposal you edited during the run (positive {on - 2}-{off})" in line, line
    # undo: the re-run, then the edit, each as it was
    win.undo_stack.undo()
    assert sorted((e.onset, e.note) for e in win.project.proposals(vid)) == [(SPOTS[0][0], ""), (on - 2, "moved")]
    win.undo_stack.undo()
    assert sorted((e.onset, e.note) for e in win.project.proposals(vid)) == [(SPOTS[0][0], ""), (on, "")]
    win.undo_stack.redo()
    win.undo_stack.redo()
    assert sorted((e.onset, e.offset, e.note) for e in win.project.proposals(vid)) == props and not win.errors


def test_a_proposal_edited_before_the_rerun_is_replaced_as_the_question_said(qtbot, window, video_path,
                                                                             fake_analysis):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    vid = win.video.id
    (on, _apex, off) = SPOTS[1]
    second = next(e for e in win.project.proposals(vid) if e.onset == on)
    assert win.ctx.execute(C.EditEvent, event_id=second.id, changes={"onset": on - 2, "note": "moved"})
    gate = parked_rerun(qtbot, win, fake_analysis)  # confirmed: the question said the edit goes
    finish_parked(qtbot, win, fake_analysis, gate)
    assert sorted((e.onset, e.offset, e.note) for e in win.project.proposals(vid)) == \
        [(SPOTS[0][0], SPOTS[0][2], ""), (on, off, "")]
    assert "kept" not in win.statusBar().currentMessage()
