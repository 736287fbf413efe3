"""A re-run that numbers two people the other way round moves the event coded on one of them to the face that is
that person in the new run, says so in the status line, and undoing the re-run (one step) puts the run and the
event's face back (h204: the audit's swap.mp4 left an accepted event on another person)."""

from __future__ import annotations

import pytest
from gui_fixtures import People, people_window, rerun_people

from merstudio.gui import commands as C
from merstudio.gui.events_table import COLUMNS

pytestmark = pytest.mark.gui


@pytest.fixture
def two_people(qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        yield win


def _shown_faces(win) -> list:
    m = win.table.model_
    col = COLUMNS.index("face")
    return [m.data(m.index(r, col)) for r in range(m.rowCount())]


def test_a_rerun_that_swaps_the_ids_keeps_the_event_on_its_person(qtbot, two_people):
    win = two_people  # the person on the right (face 2) picked
    vid = win.video.id
    first = win.project.analysis(vid).id
    assert win.ctx.execute(C.NewEvent, onset=30, apex=33, offset=36), win.errors
    (ev,) = win.project.events(vid)
    assert ev.face_id == 2
    People.swap = True  # the re-run calls the person on the right face 1
    rerun_people(qtbot, win)
    assert win.project.analysis(vid).id != first
    assert [e.face_id for e in win.project.events(vid)] == [1]
    assert _shown_faces(win) == [1]
    line = win.statusBar().currentMessage()
    assert "1 event moved to the face it was coded on: event 1 (frames 30-36) from face 2 to face 1" in line, line
    # one undo step: the run before and the event's face with it; redo moves it again
    win.undo_stack.undo()
    assert win.project.analysis(vid).id == first
    assert [e.face_id for e in win.project.events(vid)] == [2] and _shown_faces(win) == [2]
    win.undo_stack.redo()
    assert [e.face_id for e in win.project.events(vid)] == [1] and _shown_faces(win) == [1]
    assert not win.errors, win.errors


def test_a_rerun_without_the_events_person_says_so(qtbot, two_people):
    """One face a frame: the re-run does not analyse the person on the right; their event keeps its face id and the
    status line names it (it said nothing about events)."""
    win = two_people
    vid = win.video.id
    assert win.ctx.execute(C.NewEvent, onset=30, apex=33, offset=36), win.errors
    People.one = True
    rerun_people(qtbot, win)
    assert sorted(win.project.face_spans(vid)) == [1]
    assert [e.face_id for e in win.project.events(vid)] == [2]
    line = win.statusBar().currentMessage()
    assert "1 event's person is not in the new run: event 1 (frames 30-36) left on face 2 (undoing" in line, line
    assert not win.errors, win.errors
