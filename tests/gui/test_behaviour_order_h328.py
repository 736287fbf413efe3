"""The behaviour-event dialog checks its frames' order, as the event dialog does (h311, bb5c636) (a117 finding 3, h328).

A Start frame typed after the End frame was accepted with OK on and no red line: the dialog closed, the edit failed
"the end (40) is before the start (50)" and the note typed was lost. Now the order is said once the frames are taken
and at OK, OK is off until they are in order, and the line goes as soon as the frames typed are; a point (its end is
its start) and a state still open (no end) are never refused for it."""

from __future__ import annotations

import pytest
from gui_fixtures import shown_behaviour_dialog
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from merstudio.gui import behaviours as B
from merstudio.gui import commands as C
from merstudio.project.behaviours import Behaviour

pytestmark = pytest.mark.gui

ORDER = "End frame: 20 is before the Start frame (30); type an end at or after the start"


def _ok(dlg):
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)


def _type(qtbot, box, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, text)


def test_ok_after_a_start_typed_past_the_end_keeps_the_dialog_open_and_says_so(qtbot):
    # a Mac's OK takes no focus: the Start frame typed is not taken when the dialog is asked to accept
    dlg = shown_behaviour_dialog(qtbot, 600)
    _ok(dlg).setFocusPolicy(Qt.FocusPolicy.NoFocus)
    accepted: list[bool] = []
    dlg.accepted.connect(lambda: accepted.append(True))
    _type(qtbot, dlg.onset, "30")  # past the end, 20: never said while typed (the `3` on the way is in order)
    assert dlg.problem.text() == "" and _ok(dlg).isEnabled()
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert not accepted and dlg.isVisible()
    assert dlg.problem.text() == ORDER and dlg.problem.isVisibleTo(dlg) and not _ok(dlg).isEnabled()
    _type(qtbot, dlg.onset, "1")  # in order as typed: said no more, OK on for the click that takes it
    assert dlg.problem.text() == "" and _ok(dlg).isEnabled()
    qtbot.keyClicks(dlg.onset, "5")
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert accepted and dlg.changes()["onset"] == 15 and dlg.changes()["offset"] == 20


def test_a_frame_taken_out_of_order_is_said_and_follows_the_typing(qtbot):
    dlg = shown_behaviour_dialog(qtbot, 600)
    _type(qtbot, dlg.onset, "30")
    qtbot.keyClick(dlg.onset, Qt.Key.Key_Return)  # taken (Enter): said at once, OK off
    assert dlg.problem.text() == ORDER and not _ok(dlg).isEnabled() and dlg.isVisible()
    _type(qtbot, dlg.offset, "2")  # the end, retyped: still before the start, said with the frame typed
    assert dlg.problem.text().startswith("End frame: 2 is before the Start frame (30)") and not _ok(dlg).isEnabled()
    qtbot.keyClicks(dlg.offset, "5")  # 25: still before
    assert not _ok(dlg).isEnabled()
    _type(qtbot, dlg.offset, "45")  # after it: in order
    assert dlg.problem.text() == "" and _ok(dlg).isEnabled()


def test_the_same_frame_twice_a_state_still_open_and_a_point_are_in_order(qtbot):
    dlg = shown_behaviour_dialog(qtbot, 600)
    _type(qtbot, dlg.onset, "20")  # a one-frame state: start and end the same
    qtbot.keyClick(dlg.onset, Qt.Key.Key_Return)
    assert dlg.problem.text() == "" and _ok(dlg).isEnabled()
    _type(qtbot, dlg.onset, "30")
    qtbot.keyClick(dlg.onset, Qt.Key.Key_Return)
    assert dlg.problem.text() == ORDER
    dlg.still_open.setChecked(True)  # no end: the end box's 20 is not used
    assert dlg.problem.text() == "" and _ok(dlg).isEnabled()
    dlg.still_open.setChecked(False)
    assert dlg.problem.text() == ORDER

    from merstudio.project.behaviours import BehaviourEvent

    nod = Behaviour("nod", kind="point", id=2)
    point = B.BehaviourEventDialog(BehaviourEvent(video_id=1, behaviour_id=2, onset=10, offset=10), [nod], 600)
    qtbot.addWidget(point)
    point.show()
    _type(qtbot, point.onset, "30")  # a point's end is its start
    qtbot.keyClick(point.onset, Qt.Key.Key_Return)
    assert point.problem.text() == "" and point.result() == B.QDialog.DialogCode.Accepted
    assert point.changes()["onset"] == 30 and point.changes()["offset"] == 30


def test_the_note_typed_is_kept_and_the_edit_made_once_the_frames_are_in_order(qtbot, window, video_path,
                                                                                    monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    bh = win.behaviours
    bh.add(Behaviour("gaze away", key="1", kind="state"))
    win.activateWindow()
    win.timeline.setFocus(Qt.FocusReason.OtherFocusReason)
    for frame in (20, 40):
        win.transport.go_to(frame)
        qtbot.keyClick(win.timeline, Qt.Key.Key_1)
    (ev,) = bh.events
    seen: dict[str, object] = {}

    def fill_in(dlg):
        dlg.show()
        dlg.note.setText("long careful note")
        _ok(dlg).setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the frame typed is not taken before OK
        _type(qtbot, dlg.onset, "50")
        qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
        seen.update(open=dlg.isVisible(), line=dlg.problem.text(), note=dlg.note.text())
        _type(qtbot, dlg.onset, "25")  # in order: OK on again, and it takes the dialog as filled in
        qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
        return dlg.result()

    monkeypatch.setattr(B.BehaviourEventDialog, "exec", fill_in)
    bh.select(ev.id)
    assert win.ctx.execute(B.EditBehaviourEvent), win.errors
    assert seen == {"open": True, "line": "End frame: 40 is before the Start frame (50); type an end at or after "
                                          "the start", "note": "long careful note"}
    assert win.errors == []
    after = bh.find(ev.id)
    assert (after.onset, after.offset, after.note) == (25, 40, "long careful note")
