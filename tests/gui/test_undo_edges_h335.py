"""Undo history and import edges (a121): an imputed apex through a boundary nudge."""
from support.elan_files import timed_eaf

from merstudio.gui import commands as C
from merstudio.project.apex import apex_imputed, middle_frame


def test_nudged_imputed_apex_is_imputed_again(window, video_path, tmp_path):
    """A nudged onset re-imputes the middle frame: the apex had stayed, the tag no longer held and agreement counted
    it as a coded apex."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    # one event without an apex: the import imputes its middle frame
    eaf = timed_eaf(tmp_path / "erin.eaf", [(1000, 1700, "happiness | 12")], tier="erin/event")
    assert win.ctx.execute(C.ImportEvents, path=str(eaf), confirmed=True)
    (e,) = win.project.events(win.video.id)
    assert apex_imputed(e)
    win.coding.select(e.id)
    win.coding.nudge_boundary("onset", 2)
    after = win.project.event(e.id)
    assert after.onset == e.onset + 2 and after.offset == e.offset
    assert after.apex == middle_frame(after.onset, after.offset) and apex_imputed(after)
    win.undo_stack.undo()
    assert (win.project.event(e.id).onset, win.project.event(e.id).apex) == (e.onset, e.apex)


def test_nudged_coded_apex_stays(window, video_path):
    """A coded apex is not moved by a nudge of a boundary that leaves it inside the span."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    assert win.ctx.execute(C.NewEvent, onset=10, apex=12, offset=20, emotion="negative")
    (e,) = win.project.events(win.video.id)
    win.coding.select(e.id)
    win.coding.nudge_boundary("onset", 1)
    assert (win.project.event(e.id).onset, win.project.event(e.id).apex) == (11, 12)


def _import_with_behaviours(win, path):
    """Import merstudio's own ELAN file of bob's event and behaviour event on the video shown (its events deleted
    here first): one undo step made of two (a Qt macro: commands.ImportEvents)."""
    import merstudio.interchange as ix
    from merstudio.project import Behaviour, Event
    from merstudio.project.behaviours import BehaviourEvent
    p, vid = win.project, win.video.id
    b = p.add_behaviour(Behaviour("gaze away", key="", kind="state"))
    be = p.add_behaviour_event(BehaviourEvent(vid, b.id, 16, 20, coder="bob"))
    ev = p.add_event(Event(vid, 10, 12, 14, emotion="happiness", aus="12", coder="bob"))
    (out,) = ix.export_project_events(p, vid, path)
    p.delete_event(ev.id)
    p.delete_behaviour_event(be.id)
    win.coding.reload()
    win.behaviours.reload()
    assert win.ctx.execute(C.ImportEvents, path=str(out), confirmed=True), win.errors
    assert win.undo_stack.command(win.undo_stack.index() - 1).childCount() == 2  # the macro this is about


def _counts(win):
    return sum(e.coder == "bob" for e in win.project.events()), len(win.project.behaviour_events())


def test_undone_import_macro_stays_redoable_through_a_rerun(qtbot, window, video_path, fake_analysis, tmp_path):
    """A re-run ending kept the coder's undone plain steps above it but dropped an undone import macro."""
    from helpers import finish_parked, open_and_analyse, parked_rerun, undo_history
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    assert win.ctx.execute(C.NewEvent, onset=70, apex=72, offset=75, emotion="negative")
    _import_with_behaviours(win, tmp_path / "bob.eaf")
    gate = parked_rerun(qtbot, win, fake_analysis)
    win.undo_stack.undo()
    win.undo_stack.undo()
    assert _counts(win) == (0, 0)
    finish_parked(qtbot, win, fake_analysis, gate)
    texts, index = undo_history(win)
    assert texts[0].startswith("Re-run analysis") and index == 1
    assert texts[2] == "Import 1 event(s) from bob.eaf and 1 behaviour event(s)"
    assert _counts(win) == (0, 0)  # moved, not redone
    while win.undo_stack.canRedo():
        win.undo_stack.redo()
    assert _counts(win) == (1, 1) and not win.errors
    win.undo_stack.undo()  # the macro again, both its steps
    assert _counts(win) == (0, 0)


def test_undo_import_macro_from_another_video_goes_there(qtbot, window, tmp_path):
    """An import macro undone from another video goes to its video and names it, as a plain step does."""
    from gui_fixtures import two_video_project
    win = window
    a, b = two_video_project(win, tmp_path)
    assert win.ctx.execute(C.OpenVideo, path=a.path), win.errors
    _import_with_behaviours(win, tmp_path / "bob.eaf")
    assert win.ctx.execute(C.OpenVideo, path=b.path), win.errors
    win.undo_stack.undo()
    qtbot.waitUntil(lambda: win.video.name == a.name, timeout=3000)
    assert f"(on {a.name})" in win.statusBar().currentMessage()
    assert _counts(win) == (0, 0)


def test_undo_onto_renamed_video_says_so(qtbot, window, tmp_path):
    """An undo that opens another video, found renamed, says so in the status line as an open does (stderr alone)."""
    import os

    from gui_fixtures import two_video_project
    win = window
    a, b = two_video_project(win, tmp_path)
    assert win.ctx.execute(C.OpenVideo, path=a.path), win.errors
    assert win.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)
    assert win.ctx.execute(C.OpenVideo, path=b.path), win.errors
    os.rename(a.path, str(tmp_path / "moved.avi"))
    win.undo_stack.undo()
    qtbot.waitUntil(lambda: win.video.name == "moved.avi", timeout=3000)
    qtbot.waitUntil(lambda: "found renamed, as moved.avi" in win.statusBar().currentMessage(), timeout=3000)
    line = win.statusBar().currentMessage()
    assert line.startswith("Undone: Add event 5-9 (on a.avi)") and not win.errors
    assert win.project.events(a.id) == []


def test_behaviours_dialog_note_says_when_undo_works(qtbot, window, video_path):
    """The note said "can be undone (Ctrl+Z)" while Ctrl+Z does nothing with the dialog open."""
    from merstudio.gui.behaviours import BehavioursDialog
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    dlg = BehavioursDialog(win)
    qtbot.addWidget(dlg)
    assert "after closing this dialog" in dlg.note.text()
