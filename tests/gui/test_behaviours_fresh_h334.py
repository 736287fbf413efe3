"""The Behaviours view shows the project's behaviour events, never a stale copy (a121 findings 1-3)."""
from __future__ import annotations

from dataclasses import replace

import pytest
from gui_fixtures import frame_folder_project, people_window

from merstudio.errors import InputError
from merstudio.gui import commands as C
from merstudio.gui.faces import SplitFace
from merstudio.project import Behaviour


def test_split_face_moves_the_shown_event_and_an_edit_keeps_it(qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        bh = win.behaviours
        gaze = bh.add(Behaviour("gaze away", key="1", kind="state"))
        win.pick_face(2)
        bh.code(gaze.id, 60)
        bh.code(gaze.id, 70)
        assert win.ctx.execute(SplitFace, face=2, at=50), win.errors
        qtbot.waitUntil(lambda: win.undo_stack.undoText().startswith("Split"), timeout=20000)
        (stored,) = win.project.behaviour_events()
        assert stored.face_id != 2  # the split moved it to the new face
        assert [e.face_id for e in bh.events] == [stored.face_id]  # the view read it again
        bh.edit_event(stored.id, note="looked at the door")
        (edited,) = win.project.behaviour_events()
        assert (edited.face_id, edited.note) == (stored.face_id, "looked at the door")


def test_state_key_ends_only_the_face_shown(qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "p.merproj") as win:
        bh = win.behaviours
        gaze = bh.add(Behaviour("gaze away", key="1", kind="state"))
        win.pick_face(1)
        bh.code(gaze.id, 10)
        win.pick_face(2)
        bh.code(gaze.id, 20)
        assert "face 2" in win.statusBar().currentMessage()
        evs = sorted((e.face_id, e.onset, e.offset) for e in win.project.behaviour_events())
        assert evs == [(1, 10, None), (2, 20, None)]


def test_kind_change_refused_while_coded(window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    bh = win.behaviours
    gaze = bh.add(Behaviour("gaze away", key="1", kind="state"))
    bh.code(gaze.id, 10)
    bh.code(gaze.id, 30)
    with pytest.raises(InputError, match="1 coded event"):
        win.project.update_behaviour(replace(win.project.behaviour(gaze.id), kind="point"))
    assert win.project.behaviour(gaze.id).kind == "state"
    assert [(e.onset, e.offset) for e in win.project.behaviour_events()] == [(10, 30)]


def test_rate_change_rereads_the_table(qtbot, window, tmp_path):
    win = window
    path = frame_folder_project(tmp_path, frames=12)
    assert win.ctx.execute(C.OpenProject, path=str(path)), win.errors
    qtbot.waitUntil(lambda: win.session.source is not None)
    bh = win.behaviours
    g = bh.add(Behaviour("gaze away", key="1", kind="state"))
    bh.code(g.id, 3)
    bh.code(g.id, 9)
    before = bh.table.row_texts()
    assert win.ctx.execute(C.SetFolderRate, fps=10.0, rerun=False), win.errors
    qtbot.waitUntil(lambda: abs(win.fps - 10.0) < 1e-6, timeout=5000)
    qtbot.waitUntil(lambda: bh.table.row_texts() != before, timeout=5000)
