"""The app under project faults (issue 14, items 5, 6, 9): a failed write never enters the undo history, an undo
or redo that fails leaves the stack in step with the project, a second window gets the project read-only, a lock
held by another program fails fast with a message, a broken project never replaces the open one, and a project in
a read-only location opens read-only."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import stored_spans
from support.readonly import read_only_location

from merstudio.gui import commands as C
from merstudio.gui.main_window import MainWindow
from merstudio.project import Event, Project

pytestmark = pytest.mark.gui


def disk_full(*a, **k):
    raise sqlite3.OperationalError("database or disk is full")


def no_space(*a, **k):
    raise OSError(28, "No space left on device")


@pytest.fixture
def opened(window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    return window


def shown(win):
    return [(e.onset, e.offset) for e in win.events]


@pytest.mark.parametrize("fault", [disk_full, no_space])
def test_failed_new_event_is_not_on_the_stack(opened, monkeypatch, fault):
    win = opened
    assert win.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)
    with monkeypatch.context() as m:
        m.setattr(win.project, "_log", fault)  # inside the transaction, after the INSERT
        assert not win.ctx.execute(C.NewEvent, onset=20, apex=22, offset=25)
    msg = win.errors[-1]
    assert "\n" not in msg and ("full" in msg or "No space" in msg) and "Traceback" not in msg
    assert win.undo_stack.count() == 1 and stored_spans(win) == [(5, 9)] == shown(win)
    assert win.ctx.execute(C.NewEvent, onset=40, apex=41, offset=45)
    assert win.undo_stack.count() == 2
    win.undo_stack.undo()  # undoes the successful 40-45, never resurrects the failed 20-25
    assert stored_spans(win) == [(5, 9)] == shown(win)
    win.undo_stack.redo()
    assert stored_spans(win) == [(5, 9), (40, 45)] == shown(win)


def test_real_disk_full_on_new_event(opened):
    win = opened
    pages = win.project._query("PRAGMA page_count")[0][0]
    win.project._query(f"PRAGMA max_page_count = {pages}")
    assert not win.ctx.execute(C.NewEvent, onset=20, apex=22, offset=25, note="x" * 50_000)
    assert "full" in win.errors[-1] and win.undo_stack.count() == 0 and stored_spans(win) == [] == shown(win)
    win.project._query("PRAGMA max_page_count = 1073741823")
    assert win.ctx.execute(C.NewEvent, onset=20, apex=22, offset=25)
    assert win.undo_stack.count() == 1 and stored_spans(win) == [(20, 25)]


def test_failed_edit_delete_status_and_import_are_not_on_the_stack(opened, monkeypatch, tmp_path):
    win = opened
    assert win.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)
    vid = win.video.id
    prop = win.project.add_event(Event(vid, 30, 31, 33, source="model", status="proposal"))
    win.coding.reload()
    ev = win.events[0]
    before = win.project.events(vid)
    n = win.undo_stack.count()
    monkeypatch.setattr(win.project, "_log", disk_full)
    assert not win.ctx.execute(C.EditEvent, event_id=ev.id, changes={"emotion": "positive"})
    assert not win.ctx.execute(C.DeleteEvent, event_id=ev.id)
    assert not win.ctx.execute(C.SetProposalStatus, event_id=prop.id, status="accepted", advance=False)
    csv = tmp_path / "coded.csv"
    csv.write_text("video,face_id,onset_frame,apex_frame,offset_frame,emotion,aus,coder,status\n"
                   "clip.avi,0,50,52,55,surprise,1+2,newcoder,accepted\n")
    assert not win.ctx.execute(C.ImportEvents, path=str(csv), confirmed=True, skip_bad=True)
    assert len(win.errors) == 4 and all("full" in e for e in win.errors)
    assert win.undo_stack.count() == n
    assert win.project.events(vid) == before and win.events == before
    assert "newcoder" not in win.project.coders()  # the failed import registered nobody


def test_failed_undo_and_redo_leave_stack_and_project_in_step(qtbot, opened, monkeypatch):
    win = opened
    for on in (5, 20, 40):
        assert win.ctx.execute(C.NewEvent, onset=on, apex=on + 1, offset=on + 4)
    assert win.undo_stack.count() == 3
    with monkeypatch.context() as m:
        m.setattr(win.project, "_log", disk_full)
        win.undo_stack.undo()  # tries to delete 40-44: fails
    qtbot.waitUntil(lambda: bool(win.errors))
    assert "Undo" in win.errors[-1] and "full" in win.errors[-1] and "\n" not in win.errors[-1]
    # the event is still there, and the command that could not be undone is gone from the history
    assert stored_spans(win) == [(5, 9), (20, 24), (40, 44)] == shown(win)
    assert win.undo_stack.count() == 2 and win.undo_stack.index() == 2
    win.undo_stack.undo()
    assert stored_spans(win) == [(5, 9), (40, 44)] == shown(win)
    with monkeypatch.context() as m:
        m.setattr(win.project, "_log", disk_full)
        win.undo_stack.redo()  # tries to re-add 20-24: fails
    qtbot.waitUntil(lambda: len(win.errors) == 2)
    assert "Redo" in win.errors[-1]
    assert stored_spans(win) == [(5, 9), (40, 44)] == shown(win)
    assert win.undo_stack.count() == 1 and not win.undo_stack.canRedo()
    win.undo_stack.undo()
    assert stored_spans(win) == [(40, 44)]
    win.undo_stack.redo()
    assert stored_spans(win) == [(5, 9), (40, 44)]


def test_failure_in_a_multi_step_history_jump_is_taken_back_whole(qtbot, opened, monkeypatch):
    win = opened
    for on in (5, 20, 40):
        assert win.ctx.execute(C.NewEvent, onset=on, apex=on + 1, offset=on + 4)
    real = win.project.delete_event
    calls = []

    def second_fails(eid):
        calls.append(eid)
        if len(calls) == 2:
            raise sqlite3.OperationalError("database or disk is full")
        return real(eid)

    monkeypatch.setattr(win.project, "delete_event", second_fails)
    win.undo_stack.setIndex(0)  # a click on "<opened>" in the undo history: undo all three
    qtbot.waitUntil(lambda: bool(win.errors))
    assert len(calls) == 2  # 40-44 undone, 20-24 failed, 5-9 not attempted (the jump stops at the failure)
    # one transaction (h183): 40-44's undo taken back with it, the project as it was before the click
    assert stored_spans(win) == [(5, 9), (20, 24), (40, 44)] == shown(win)
    # the failed step left the history (as after a failed Ctrl+Z); what is left matches the project
    assert win.undo_stack.count() == 2 and win.undo_stack.index() == 2
    monkeypatch.setattr(win.project, "delete_event", real)
    win.undo_stack.undo()
    assert stored_spans(win) == [(5, 9), (20, 24)]
    win.undo_stack.undo()
    assert stored_spans(win) == [(20, 24)] and not win.undo_stack.canUndo()
    win.undo_stack.setIndex(2)
    assert stored_spans(win) == [(5, 9), (20, 24), (40, 44)] and len(win.errors) == 1


# ------------------------------------------------------------------------------------------------ second opener
@pytest.fixture
def second_window(qtbot, qsettings, fake_analysis):
    from gui_fixtures import FakeAnalysis

    win = MainWindow(qsettings=qsettings, make_analysis=lambda src, settings: FakeAnalysis(src, settings))
    qtbot.addWidget(win)
    yield win
    win.shutdown()


def test_second_window_is_offered_read_only(opened, second_window, monkeypatch):
    a, b = opened, second_window
    assert a.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)
    path = a.project.path
    asked = []
    monkeypatch.setattr(b, "ask_read_only", lambda message: asked.append(message) or True)
    assert b.ctx.execute(C.OpenProject, path=str(path)), b.errors
    assert len(asked) == 1 and "in use" in asked[0] and str(__import__("os").getpid()) in asked[0]
    assert b.project.read_only and b.video is not None and shown(b) == [(5, 9)]
    assert "read-only" in b.windowTitle() and not b.read_only_label.isHidden()
    # edits in the read-only window are refused with a message and leave no undo entry
    assert not b.ctx.execute(C.NewEvent, onset=20, apex=21, offset=25)
    assert "read-only" in b.errors[-1] and "\n" not in b.errors[-1]
    assert not b.ctx.execute(C.DeleteEvent, event_id=b.events[0].id)
    assert not b.ctx.execute(C.EditEvent, event_id=b.events[0].id, changes={"emotion": "positive"})
    assert not b.ctx.execute(C.SaveProject)
    assert b.undo_stack.count() == 0 and all("read-only" in e for e in b.errors)
    assert stored_spans(b) == [(5, 9)] and b.project.event(b.events[0].id).emotion == ""
    # the writer keeps working; its later edit is never overwritten by the other window
    assert a.ctx.execute(C.NewEvent, onset=40, apex=41, offset=45)
    a.undo_stack.undo()
    a.undo_stack.redo()
    assert stored_spans(a) == [(5, 9), (40, 45)]


def test_second_window_declining_keeps_its_project(opened, second_window, tmp_path, monkeypatch):
    a, b = opened, second_window
    b.session.create_project(tmp_path / "mine.merproj")
    mine = b.project
    monkeypatch.setattr(b, "ask_read_only", lambda message: False)
    b.ctx.execute(C.OpenProject, path=str(a.project.path))
    assert b.project is mine and not mine.read_only
    assert not b.ctx.execute(C.OpenProject, path=str(a.project.path), read_only=False)
    assert "in use" in b.errors[-1] and b.project is mine


def test_opening_the_same_video_in_a_second_window_asks_first(opened, second_window, video_path, monkeypatch):
    a, b = opened, second_window
    monkeypatch.setattr(b, "ask_read_only", lambda message: False)
    b.ctx.execute(C.OpenVideo, path=str(video_path))  # its project beside it is open in the first window
    assert b.project is None and b.session.source is None and not b.errors
    monkeypatch.setattr(b, "ask_read_only", lambda message: True)
    assert b.ctx.execute(C.OpenVideo, path=str(video_path)), b.errors
    assert b.project.read_only and b.video is not None and b.project.path == a.project.path
    assert a.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)  # the first window still writes


def test_lock_held_by_another_program_fails_fast_with_no_undo_entry(opened):
    win = opened
    assert win.project.busy_timeout <= 1.0  # the GUI thread never waits long on a lock
    other = sqlite3.connect(win.project.path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        assert not win.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)
        assert "locked" in win.errors[-1] and "\n" not in win.errors[-1] and "OperationalError" not in win.errors[-1]
        assert win.undo_stack.count() == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert win.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)
    assert stored_spans(win) == [(5, 9)] and win.undo_stack.count() == 1


# ------------------------------------------------------------------------------------------------ damaged / read-only
def test_project_without_events_table_keeps_the_open_one(opened, tmp_path):
    win = opened
    assert win.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)
    current = win.project
    broken = tmp_path / "broken.merproj"
    with Project.create(broken) as p:
        p._con.execute("DROP TABLE events")
    assert not win.ctx.execute(C.OpenProject, path=str(broken))
    msg = win.errors[-1]
    assert "events" in msg and "broken.merproj" in msg and "\n" not in msg and "OperationalError" not in msg
    assert win.project is current and shown(win) == [(5, 9)]
    assert win.ctx.execute(C.NewEvent, onset=20, apex=21, offset=25)  # and it still works


def test_read_only_location_opens_read_only_and_refuses_edits(qtbot, window, video_path, tmp_path):
    win = window
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "study.merproj"
    with Project.create(path) as p:
        v = p.add_video(video_path, 30.0, 90, 160, 120)
        p.add_event(Event(v.id, 5, 6, 9, coder="ann"))
    with read_only_location(folder):
        assert win.ctx.execute(C.OpenProject, path=str(path)), win.errors
        assert win.project.read_only and shown(win) == [(5, 9)]
        assert not win.errors and "read-only" in win.infos[-1]
        assert "read-only" in win.windowTitle()
        assert not win.ctx.execute(C.NewEvent, onset=20, apex=21, offset=25)
        assert "read-only" in win.errors[-1] and win.undo_stack.count() == 0
        assert not win.ctx.execute(C.SaveProject)
        assert not win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
        assert win.worker is None
        win.shutdown()
