"""A re-run that numbers the two people the other way round (People.swap) keeps every coded event on the person it
was coded on, whichever numbering its face id was given in (a114 finding 1): an event coded while the run goes is on
the run's own faces (the ones the window shows then), and stays there at its end, or goes back to its person's face
in the complete run a cancel shows again; a step undone during the run and redone after it, and an open proposal
edited during it, go to their person's face in the new run. In the first run face 2 is the person on the right; in
the re-run that person is face 1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from gui_fixtures import People, people_window
from helpers import undo_history

from merstudio.gui import commands as C
from merstudio.project import Event


@contextmanager
def parked_rerun(qtbot, win) -> Iterator[threading.Event]:
    """The swapped re-run started and parked after frame 10 (its curves and face list are the new run's); the gate
    given to the caller opens it; closed again on leaving, whatever happened."""
    People.swap = True
    gate = People.gate = threading.Event()
    try:
        win.analysis.batch_seconds = 0.0
        assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True), win.errors
        qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)
        yield gate
    finally:
        gate.set()
        People.gate = None


def _finish(qtbot, win, gate: threading.Event) -> None:
    gate.set()
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)


def test_an_event_coded_during_the_rerun_stays_on_the_face_it_was_coded_on(qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        vid = win.video.id
        with parked_rerun(qtbot, win) as gate:
            win.pick_face(1)  # the person on the right, as the run being made numbers them
            assert win.ctx.execute(C.NewEvent, onset=4, apex=6, offset=8, emotion="negative"), win.errors
            _finish(qtbot, win, gate)
        assert [e.face_id for e in win.project.events(vid)] == [1]
        # the event did not move, and the status line does not say it did (it names the previous predictions it
        # moved with their people: h319)
        line = win.statusBar().currentMessage()
        assert "event" not in line and "previous predictions moved with their people" in line


def test_an_event_coded_during_a_cancelled_rerun_goes_to_its_person_in_the_run_shown_again(
        qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        vid = win.video.id
        with parked_rerun(qtbot, win) as gate:
            win.pick_face(1)  # the person on the right in the run being made
            assert win.ctx.execute(C.NewEvent, onset=4, apex=6, offset=8, emotion="negative"), win.errors
            win.analysis.cancel()
            _finish(qtbot, win, gate)
        (ev,) = win.project.events(vid)
        assert ev.face_id == 2  # the complete run is back: there the person on the right is face 2
        line = win.statusBar().currentMessage()
        assert line.startswith("clip.avi: the re-run was cancelled; the complete run before it is shown again, with "
                               "its proposals; 1 event coded during the re-run moved to its person's face there: "
                               f"event {ev.id} (frames 4-8) from face 1 to face 2 (the cancelled run's frames")


def test_a_step_undone_during_the_rerun_is_redone_on_its_person(qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        vid = win.video.id
        assert win.ctx.execute(C.NewEvent, onset=30, apex=33, offset=36, emotion="negative"), win.errors
        assert [e.face_id for e in win.project.events(vid)] == [2]  # the person on the right
        with parked_rerun(qtbot, win) as gate:
            win.undo_stack.undo()  # taken back while the run goes
            assert win.project.events(vid) == []
            _finish(qtbot, win, gate)
        assert undo_history(win) == (["Re-run analysis of clip.avi", "Add negative 30-36"], 1)
        win.undo_stack.redo()
        assert [e.face_id for e in win.project.events(vid)] == [1]  # the person on the right in the new run


def test_a_step_made_and_undone_during_the_rerun_keeps_the_runs_face(qtbot, qsettings, video_path, tmp_path):
    """Coded on the run's own face 1 while it goes, undone, redone after it: face 1 still (no move)."""
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        vid = win.video.id
        with parked_rerun(qtbot, win) as gate:
            win.pick_face(1)
            assert win.ctx.execute(C.NewEvent, onset=4, apex=6, offset=8, emotion="negative"), win.errors
            win.undo_stack.undo()
            _finish(qtbot, win, gate)
        win.undo_stack.redo()
        assert [e.face_id for e in win.project.events(vid)] == [1]


def test_an_open_proposal_edited_during_the_rerun_is_kept_on_its_person(qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        vid = win.video.id
        p = win.project.add_event(Event(vid, 30, 33, 36, face_id=2, emotion="positive", source="model",
                                        status="proposal", coder="model"))  # on the person on the right
        win.coding.reload()
        with parked_rerun(qtbot, win) as gate:
            before = win.project.event(p.id)
            win.coding.push_edit(before, replace(before, note="lips pressed"))
            _finish(qtbot, win, gate)
        assert [(e.face_id, e.note) for e in win.project.proposals(vid)] == [(1, "lips pressed")]
        line = win.statusBar().currentMessage()
        assert "kept 1 proposal you edited during the run (positive 30-36 to face 1, its person's in the new run)" \
            in line


def test_steps_made_during_a_cancelled_rerun_redo_on_their_person(qtbot, qsettings, video_path, tmp_path):
    """Coded on the run's face 1 (the person on the right) while it goes, then it is cancelled: the complete run
    is back, where that person is face 2; undoing and redoing the step, or redoing one undone during the run, puts
    the event there too."""
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        vid = win.video.id
        with parked_rerun(qtbot, win) as gate:
            win.pick_face(1)
            assert win.ctx.execute(C.NewEvent, onset=4, apex=6, offset=8, emotion="negative"), win.errors
            assert win.ctx.execute(C.NewEvent, onset=20, apex=22, offset=24, emotion="positive"), win.errors
            win.undo_stack.undo()  # "Add positive 20-24" taken back while the run goes
            win.analysis.cancel()
            _finish(qtbot, win, gate)
        assert [(e.onset, e.face_id) for e in win.project.events(vid)] == [(4, 2)]
        win.undo_stack.redo()
        assert [(e.onset, e.face_id) for e in win.project.events(vid)] == [(4, 2), (20, 2)]
        win.undo_stack.undo()
        win.undo_stack.undo()
        assert win.project.events(vid) == []
        win.undo_stack.redo()
        assert [(e.onset, e.face_id) for e in win.project.events(vid)] == [(4, 2)]
