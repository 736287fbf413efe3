"""Return (either Enter key) or E with a behaviour event selected in the Behaviours table edits that behaviour
event, as a double-click on its row does: before, the window's "Edit event" only knew coded events and said "No
event selected", and no key reached the behaviour event dialog. Driven by real key presses: Tab to the table, Down
to a row, Return."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from merstudio.gui import behaviours as B
from merstudio.gui import commands as C
from merstudio.project import Behaviour

pytestmark = pytest.mark.gui


@pytest.fixture
def coded(qtbot, window, video_path):
    """A video with two behaviour events coded by their keys (a state 20-40, a point at 60), none selected."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    bh = win.behaviours
    bh.add(Behaviour("gaze away", key="1", kind="state"))
    bh.add(Behaviour("nod", key="2", kind="point"))
    win.activateWindow()
    win.timeline.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.timeline)
    for frame, key in ((20, Qt.Key.Key_1), (40, Qt.Key.Key_1), (60, Qt.Key.Key_2)):
        win.transport.go_to(frame)
        qtbot.keyClick(win.timeline, key)
    assert [(e.onset, e.offset) for e in bh.events] == [(20, 40), (60, 60)]
    bh.select(None)
    win.coding.select(None)
    return win


def _to_behaviours_table(qtbot, win) -> None:
    """Tab from the timeline to the Behaviours table (AUs button, events table, behaviours table), then Down."""
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is win.behaviours.table
    qtbot.keyClick(win.behaviours.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: win.behaviours.selected_id is not None)


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_E])
def test_return_or_e_in_the_behaviours_table_opens_the_behaviour_event_dialog(qtbot, coded, monkeypatch, key):
    win = coded
    _to_behaviours_table(qtbot, win)
    chosen = win.behaviours.find(win.behaviours.selected_id)
    asked = []

    def fake_exec(dlg):  # the dialog as the coder sees it, then OK with a note typed
        asked.append((dlg.onset.value(), dlg.behaviour.currentText()))
        dlg.note.setText("checked by keyboard")
        return B.QDialog.DialogCode.Accepted

    monkeypatch.setattr(B.BehaviourEventDialog, "exec", fake_exec)
    mods = Qt.KeyboardModifier.KeypadModifier if key == Qt.Key.Key_Enter else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(win.behaviours.table, key, mods)
    # the row Down reached: the dialog opened on it, and its OK saved the note (one undo step)
    assert asked == [(chosen.onset, win.behaviours.name_of(chosen))]
    assert win.behaviours.find(chosen.id).note == "checked by keyboard"
    assert win.undo_stack.undoText().startswith(f"Edit behaviour '{win.behaviours.name_of(chosen)}'")
    assert "No event selected" not in win.statusBar().currentMessage()


def test_return_with_a_coded_event_selected_still_edits_the_coded_event(qtbot, coded, monkeypatch):
    from merstudio.gui import dialogs
    from merstudio.project import Event

    win = coded
    win.project.add_events([Event(win.video.id, 10, 12, 15, emotion="positive", coder="tester")])
    win.coding.reload()
    ev = win.coding.events[0]
    win.behaviours.select(win.behaviours.events[0].id)
    win.coding.select(ev.id)  # drops the behaviour event's selection (one selection at a time)
    assert win.behaviours.selected_id is None
    opened = []
    monkeypatch.setattr(dialogs.EventDialog, "exec", lambda dlg: opened.append("event") or 0)
    monkeypatch.setattr(B.BehaviourEventDialog, "exec", lambda dlg: opened.append("behaviour") or 0)
    qtbot.keyClick(win.timeline, Qt.Key.Key_Return)
    assert opened == ["event"]
