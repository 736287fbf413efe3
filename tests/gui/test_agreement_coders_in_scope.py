"""In a multi-video project the agreement dialog ticks, by default, the coders with events on the chosen videos:
alice, who coded only another video, made "this video" refuse the whole report ("no events by coder 'alice'")."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from merstudio.agreement import agreement_from_events
from merstudio.project import Event

pytestmark = pytest.mark.gui

# video 1 (this one): bob and cy; video 2: alice and bob
EVENTS = [Event(1, 10, 12, 14, coder="bob"), Event(1, 10, 12, 14, coder="cy"), Event(1, 30, 32, 34, coder="cy"),
          Event(2, 10, 12, 14, coder="alice"), Event(2, 10, 12, 14, coder="bob")]


def _coders_for(all_videos: bool) -> list[str]:
    return sorted({e.coder for e in EVENTS if all_videos or e.video_id == 1})


def _dialog(qtbot):
    from merstudio.gui.agreement_dialog import AgreementDialog

    def compute(coders, tolerance, iou, all_videos, all_coded):
        evs = [e for e in EVENTS if all_videos or e.video_id == 1]
        return agreement_from_events(evs, coders=coders, tolerance=tolerance, iou=iou,
                                     frame_counts={1: 60, 2: 60}, all_coded=all_coded)

    dlg = AgreementDialog(compute, ["alice", "bob", "cy"], coders_for=_coders_for)
    qtbot.addWidget(dlg)
    return dlg


def _item(dlg, name):
    return next(dlg.coder_list.item(i) for i in range(dlg.coder_list.count()) if dlg.coder_list.item(i).text() == name)


def test_this_video_ticks_its_coders_and_notes_the_others(qtbot) -> None:
    dlg = _dialog(qtbot)
    dlg.set_choices(all_videos=False)  # as the window opens it
    assert dlg.chosen_coders() == ["bob", "cy"]
    assert dlg.report is not None and not dlg.error
    assert len(dlg.models["pairs"].df) == 1
    assert "alice" in dlg.coder_note.text() and not dlg.coder_note.isHidden()
    assert "alice" in _item(dlg, "alice").toolTip()


def test_the_videos_choice_reticks_and_keeps_the_users_own_ticks(qtbot) -> None:
    dlg = _dialog(qtbot)
    dlg.set_choices(all_videos=False)
    dlg.scope.setCurrentIndex(1)  # all videos: alice has events there
    assert dlg.chosen_coders() == ["alice", "bob", "cy"] and dlg.report is not None
    assert dlg.coder_note.isHidden()
    _item(dlg, "cy").setCheckState(Qt.CheckState.Unchecked)  # the user's own untick
    dlg.scope.setCurrentIndex(0)
    assert dlg.chosen_coders() == ["bob"]  # cy stays unticked, alice is unticked (no events here)
    assert dlg.error  # fewer than two coders: said, not a crash
    _item(dlg, "alice").setCheckState(Qt.CheckState.Checked)  # ticked anyway: left out, never a refusal
    _item(dlg, "cy").setCheckState(Qt.CheckState.Checked)
    assert dlg.report is not None and not dlg.error
    assert list(dlg.report.coders) == ["bob", "cy"]


def test_the_window_ticks_the_coders_of_this_video(qtbot, window, video_path, tmp_path) -> None:
    """Through Analysis > Agreement: the window gives the dialog the coders of each scope (was every coder of the
    project, and a coder of another video made the report refuse)."""
    from gui_fixtures import write_video

    from merstudio.gui import commands as C

    win = window
    other = write_video(tmp_path / "media" / "other.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(other))
    second = win.video.id
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    first = win.video.id
    for coder in ("bob", "cy"):
        win.project.add_event(Event(first, 10, 12, 14, coder=coder))
    win.project.add_event(Event(second, 10, 12, 14, coder="alice"))
    assert win.ctx.execute(C.ShowAgreement), win.errors
    dlg = win.agreement_dialog
    assert dlg.chosen_coders() == ["bob", "cy"] and dlg.report is not None and not dlg.error
