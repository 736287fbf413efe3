"""A face merge (and its undo and redo, and a split) rewrites the video's frame rows in a worker: on a 20-minute
video a merge took 0.8 s and its undo 0.4 s with the window frozen. Each edit is parked here at a gate that only a
timer on the GUI thread opens: on the GUI thread the timer cannot fire, the gate opens by itself after GATE_S and the
test fails instead of hanging. The merge stays one undo step."""

from __future__ import annotations

import pytest
from gui_fixtures import FakeAnalysis
from helpers import Gated, open_and_analyse

from merstudio.gui import faces
from merstudio.project import Project

pytestmark = pytest.mark.gui

@pytest.fixture
def two_shots(qtbot, window, video_path, monkeypatch):
    monkeypatch.setattr(FakeAnalysis, "cut_at", 40)  # face 0 on frames 2-39, face 1 after
    open_and_analyse(qtbot, window, video_path)
    return window


def _faces(win) -> list[str]:
    return [win.face_combo.itemText(i) for i in range(win.face_combo.count())]


def test_a_merge_its_undo_and_redo_run_off_the_gui_thread(qtbot, two_shots, monkeypatch):
    win = two_shots
    busy: list[str] = []
    merges = Gated(monkeypatch, faces, "merge_faces", on_gui=lambda: busy.append(win.busy.text()))
    steps = win.undo_stack.count()
    assert win.ctx.execute(faces.MergeFaces, keep=1, merged=0), win.errors
    assert merges.off_the_gui_thread() and merges.opened_by_timer == [True]
    assert busy == ["Merge face 0 into face 1…"]  # the status bar said what runs
    assert _faces(win) == ["1  (88 frames)"]  # the result applied: 38 + 50 frames, one face
    assert win.undo_stack.count() == steps + 1 and win.undo_stack.undoText() == "Merge face 0 into face 1"
    undos = Gated(monkeypatch, Project, "undo_face_change")
    win.undo_stack.undo()
    assert undos.off_the_gui_thread() and undos.opened_by_timer == [True]
    assert _faces(win) == ["0  (38 frames)", "1  (50 frames)"]
    win.undo_stack.redo()
    assert len(merges.threads) == 2 and merges.off_the_gui_thread() and merges.opened_by_timer == [True, True]
    assert _faces(win) == ["1  (88 frames)"] and win.busy.text() == ""
    assert not win.errors


def test_a_split_runs_off_the_gui_thread(qtbot, two_shots, monkeypatch):
    win = two_shots
    splits = Gated(monkeypatch, Project, "split_face")
    assert win.ctx.execute(faces.SplitFace, face=1, at=60), win.errors
    assert splits.off_the_gui_thread() and splits.opened_by_timer == [True]
    # face 1 on frames 40-89 (50 frames) split at 60: 20 frames stay, 30 go to the new face
    assert sorted(_faces(win)) == sorted(["0  (38 frames)", "1  (20 frames)", "2  (30 frames)"])
    assert win.undo_stack.undoText() == "Split face 1 at frame 60"
