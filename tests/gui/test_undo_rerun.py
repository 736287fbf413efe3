"""RerunAnalysisCommand: a finished re-run as one undoable step over a real project. Undo brings back the previous
run's frames and the proposals as they were (same ids); redo the new ones; reviews stand through both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from PySide6.QtGui import QUndoStack

from merstudio.gui.undo import RerunAnalysisCommand, StepGuard, set_status
from merstudio.project import Event, Project


def _rows(n: int, shift: float) -> list[dict]:
    return [{"frame": i, "face_id": 0, "timestamp": i / 30, "confidence": 0.9, "success": 1,
             "AU12_r": i / 10 + shift, "AU12_c": int(i % 3 == 0), "x_0": 1.0 + shift, "y_0": 2.0}
            for i in range(n)]


def _run(p: Project, vid: int, n: int, shift: float, proposals: list[Event]) -> tuple[list[Event], list[Event]]:
    """A run as the analysis worker does it: begin, frames, proposals swapped, finish."""
    aid = p.begin_analysis(vid, {"shift": shift})
    p.append_frames(aid, _rows(n, shift))
    swapped = p.swap_proposals(vid, proposals)
    p.finish_analysis(aid)
    return swapped


def replace_status(e: Event, status: str, coder: str) -> Event:
    return replace(e, status=status, coder=coder)


def _prop(vid: int, onset: int, **kw: Any) -> Event:
    return Event(vid, onset, onset + 1, onset + 2, source="model", status="proposal", coder="model", **kw)


@pytest.fixture
def proj(tmp_path: Path) -> Iterator[Project]:
    clip = tmp_path / "clip.avi"
    clip.write_bytes(b"not really a video" * 500)
    with Project.create(tmp_path / "undo.merproj") as p:
        p.add_video(clip, fps=30.0, frame_count=40, width=64, height=48)
        yield p


@pytest.fixture
def stack(qtbot: object) -> Iterator[QUndoStack]:
    reports: list[str] = []
    s = QUndoStack()
    s.reports = reports  # type: ignore[attr-defined]
    s.guard = StepGuard(reports.append)  # type: ignore[attr-defined]
    yield s
    s.clear()


def _push(stack: QUndoStack, cmd: RerunAnalysisCommand) -> None:
    cmd.guard = stack.guard  # type: ignore[attr-defined]
    cmd.perform()
    stack.push(cmd)


def test_undo_and_redo_restore_frames_and_proposals_exactly(qtbot, proj: Project, stack: QUndoStack) -> None:
    _run(proj, 1, 20, 0.0, [_prop(1, 3, emotion="positive", aus="12", confidence=0.7), _prop(1, 10), _prop(1, 15)])
    first = proj.proposals(1)
    accepted = proj.update_event(replace_status(first[1], "accepted", "ann"))
    before_frames, before_props = proj.load_frames(1), proj.proposals(1)
    assert [e.id for e in before_props] == [first[0].id, first[2].id]

    removed, after = _run(proj, 1, 12, 5.0, [_prop(1, 20, note="new"), _prop(1, 30, face_id=1)])
    assert removed == before_props
    after_frames, history = proj.load_frames(1), len(proj.event_history())
    calls: list[int] = []
    cmd = RerunAnalysisCommand(proj, 1, removed, lambda: calls.append(1))
    assert cmd.text() == "Re-run analysis of clip.avi"
    _push(stack, cmd)
    assert len(proj.event_history()) == history  # the first do wrote nothing: the run had happened
    assert proj.proposals(1) == after and calls == [1]

    for _ in range(2):
        stack.undo()
        pd.testing.assert_frame_equal(proj.load_frames(1), before_frames)
        assert proj.landmarks(1, 4)[0].tolist() == [[1.0, 2.0]]
        assert proj.proposals(1) == before_props and proj.event(accepted.id) == accepted  # type: ignore[arg-type]
        assert proj.previous_analysis(1).settings == {"shift": 5.0}  # type: ignore[union-attr]
        stack.redo()
        pd.testing.assert_frame_equal(proj.load_frames(1), after_frames)
        assert proj.proposals(1) == after and proj.event(accepted.id) == accepted  # type: ignore[arg-type]
    assert stack.reports == [] and len(calls) == 5  # type: ignore[attr-defined]


def test_a_review_after_the_rerun_survives_undo_and_redo(qtbot, proj: Project, stack: QUndoStack) -> None:
    _run(proj, 1, 20, 0.0, [_prop(1, 3), _prop(1, 10)])
    before_props = proj.proposals(1)
    removed, after = _run(proj, 1, 12, 5.0, [_prop(1, 20), _prop(1, 30)])
    _push(stack, RerunAnalysisCommand(proj, 1, removed, lambda: None))
    review = set_status(proj, after[0], "accepted", "ann", lambda: None)
    review.guard = stack.guard  # type: ignore[attr-defined]
    review.perform()
    stack.push(review)
    reviewed = proj.event(after[0].id)  # type: ignore[arg-type]
    assert reviewed is not None and reviewed.status == "accepted" and proj.proposals(1) == after[1:]

    stack.undo()
    stack.undo()
    assert proj.proposals(1) == before_props and proj.event(after[0].id) is None  # type: ignore[arg-type]
    assert len(proj.load_frames(1)) == 20
    stack.redo()
    stack.redo()
    assert proj.event(after[0].id) == reviewed and proj.proposals(1) == after[1:]  # type: ignore[arg-type]
    assert len(proj.load_frames(1)) == 12 and stack.reports == []  # type: ignore[attr-defined]


def test_proposals_read_before_the_run_leave_out_those_reviewed_meanwhile(qtbot, proj: Project,
                                                                          stack: QUndoStack) -> None:
    _run(proj, 1, 20, 0.0, [_prop(1, 3), _prop(1, 10)])
    read_before = proj.proposals(1)  # as the GUI may read them when it starts the run
    reviewed = proj.update_event(replace_status(read_before[0], "rejected", "ann"))  # while the run goes
    _run(proj, 1, 12, 5.0, [_prop(1, 20)])
    _push(stack, RerunAnalysisCommand(proj, 1, read_before, lambda: None))
    stack.undo()
    assert proj.proposals(1) == read_before[1:] and proj.event(reviewed.id) == reviewed  # type: ignore[arg-type]
    assert stack.reports == []  # type: ignore[attr-defined]


def test_undoing_a_rerun_whose_run_is_gone_fails_in_one_line(qtbot, proj: Project, stack: QUndoStack) -> None:
    _run(proj, 1, 20, 0.0, [])
    removed, _ = _run(proj, 1, 12, 1.0, [_prop(1, 5)])
    _push(stack, RerunAnalysisCommand(proj, 1, removed, lambda: None))
    removed, _ = _run(proj, 1, 8, 2.0, [_prop(1, 9)])  # drops the first run
    _push(stack, RerunAnalysisCommand(proj, 1, removed, lambda: None))
    stack.undo()
    assert len(proj.load_frames(1)) == 12
    stack.undo()  # back to the first run: no longer stored
    qtbot.waitUntil(lambda: bool(stack.reports))  # type: ignore[attr-defined]
    assert "no longer stored" in stack.reports[0] and "\n" not in stack.reports[0]  # type: ignore[attr-defined]
    assert len(proj.load_frames(1)) == 12 and [e.onset for e in proj.proposals(1)] == [5]


def test_perform_refuses_when_the_new_run_is_not_active(qtbot, proj: Project) -> None:
    _run(proj, 1, 20, 0.0, [])
    _run(proj, 1, 12, 1.0, [])
    old = proj.previous_analysis(1)
    assert old is not None
    with pytest.raises(Exception, match="not the active one"):
        RerunAnalysisCommand(proj, 1, [], lambda: None, new_id=old.id).perform()
