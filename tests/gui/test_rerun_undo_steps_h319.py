"""A re-run that numbers the two people the other way round (People.swap; the person on the right is face 2 in the
first run, face 1 in the re-run), then Edit > Undo and Redo: what was coded during the run goes to its person's face
in whichever run is shown, and so do the steps that hold it; a "Neutral frames" step undone during the run is
redone on its person's face; the run's end says the neutral frames it moved. Before h319 each went to the other
person (an event coded during the run stayed on face 1 through the undo; the neutral step wrote face 2 again)."""

from __future__ import annotations

from gui_fixtures import People, people_window, rerun_people
from helpers import undo_history
from test_rerun_face_ids_h312 import _finish, parked_rerun

from merstudio.features.neutral import load_baselines
from merstudio.gui import commands as C
from merstudio.gui.neutral import SetNeutral


def _faces(win) -> list[int]:
    return [e.face_id for e in win.project.events(win.video.id)]


def test_an_event_coded_during_the_rerun_follows_its_person_through_undo_and_redo(
        qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        with parked_rerun(qtbot, win) as gate:
            win.pick_face(1)  # the person on the right, as the run being made numbers them
            assert win.ctx.execute(C.NewEvent, onset=4, apex=6, offset=8, emotion="negative"), win.errors
            _finish(qtbot, win, gate)
        assert undo_history(win) == (["Add negative 4-8", "Re-run analysis of clip.avi"], 2)
        assert _faces(win) == [1]
        win.undo_stack.undo()  # the re-run: the first run is shown, where the person on the right is face 2
        assert _faces(win) == [2]
        win.undo_stack.undo()  # the event's own step, then again: made on the re-run's faces, redone on the first's
        assert _faces(win) == []
        win.undo_stack.redo()
        assert _faces(win) == [2]
        win.undo_stack.redo()  # the re-run again
        assert _faces(win) == [1]


def test_a_neutral_frames_step_undone_during_the_rerun_is_redone_on_its_person(
        qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        vid = win.video.id
        win.timeline.set_selection(4, 16)
        assert win.ctx.execute(SetNeutral, mode="selection"), win.errors  # face 2, the person on the right
        with parked_rerun(qtbot, win) as gate:
            win.undo_stack.undo()  # the Neutral frames step, while the re-run goes
            assert load_baselines(win.project, vid) == {}
            _finish(qtbot, win, gate)
        # the step above the re-run names the face it now writes
        assert undo_history(win) == (["Re-run analysis of clip.avi", "Neutral frames of face 1: 4–16"], 1)
        win.undo_stack.redo()
        assert {f: (b.face_id, b.first, b.last) for f, b in load_baselines(win.project, vid).items()} == \
            {1: (1, 4, 16)}


def test_the_reruns_end_says_the_neutral_frames_it_moved(qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        win.timeline.set_selection(4, 16)
        assert win.ctx.execute(SetNeutral, mode="selection"), win.errors  # face 2
        People.swap = True
        win.analysis.batch_seconds = 0.0
        rerun_people(qtbot, win)
        assert sorted(load_baselines(win.project, win.video.id)) == [1]
        assert any("neutral frames moved with its person: face 2's to face 1" in w
                   for w in win.analysis.last_warnings), win.analysis.last_warnings


def test_neutral_frames_set_during_the_rerun_follow_their_person_through_undo_and_redo(
        qtbot, qsettings, video_path, tmp_path):
    """Set on the re-run's face 1 (the person on the right) while it went: face 2 once the re-run is undone, and its
    step, below the re-run's, undone and redone there on face 2; face 1 again on redo."""
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        vid = win.video.id

        def neutral() -> dict[int, int]:
            return {f: b.first for f, b in load_baselines(win.project, vid).items()}

        with parked_rerun(qtbot, win) as gate:
            win.pick_face(1)
            win.timeline.set_selection(4, 16)
            assert win.ctx.execute(SetNeutral, mode="selection"), win.errors
            _finish(qtbot, win, gate)
        assert undo_history(win) == (["Neutral frames of face 2: 4–16", "Re-run analysis of clip.avi"], 2)
        assert neutral() == {1: 4}
        win.undo_stack.undo()
        assert neutral() == {2: 4}
        win.undo_stack.undo()
        assert neutral() == {}
        win.undo_stack.redo()
        assert neutral() == {2: 4}
        win.undo_stack.redo()
        assert neutral() == {1: 4}


def test_a_neutral_frames_step_made_during_a_cancelled_rerun_is_on_its_person_in_the_run_shown_again(
        qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        vid = win.video.id

        def neutral() -> dict[int, int]:
            return {f: b.first for f, b in load_baselines(win.project, vid).items()}

        with parked_rerun(qtbot, win) as gate:
            win.pick_face(1)  # the person on the right in the run being made
            win.timeline.set_selection(4, 16)
            assert win.ctx.execute(SetNeutral, mode="selection"), win.errors
            win.analysis.cancel()
            _finish(qtbot, win, gate)
        assert neutral() == {2: 4}  # the complete run is back: there the person on the right is face 2
        assert undo_history(win) == (["Neutral frames of face 2: 4–16"], 1)
        win.undo_stack.undo()
        assert neutral() == {}
        win.undo_stack.redo()
        assert neutral() == {2: 4}
