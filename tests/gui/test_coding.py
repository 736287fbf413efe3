import pytest
from gui_fixtures import SPOTS
from helpers import click, drag, open_and_analyse, plot_to_widget
from PySide6.QtCore import Qt

from merstudio.gui import commands as C
from merstudio.gui.dialogs import EventDialog
from merstudio.project import Event

pytestmark = pytest.mark.gui


@pytest.fixture
def analysed(qtbot, window, video_path):
    return open_and_analyse(qtbot, window, video_path, landmarks=True)


def manual(win):
    return [e for e in win.events if e.source == "manual"]


def test_keys_that_do_nothing_say_why_and_reversed_marks_are_told(qtbot, analysed):
    win = analysed
    win.coding.select(None)
    win.transport.seek(5)
    for key in (Qt.Key.Key_Y, Qt.Key.Key_X):  # no proposal selected or under the play head
        qtbot.keyClick(win, key)
        assert "No proposal selected" in win.statusBar().currentMessage()
    qtbot.keyClick(win, Qt.Key.Key_Return)  # edit: nothing selected
    assert "No event selected" in win.statusBar().currentMessage()
    win.transport.seek(50)
    qtbot.keyClick(win, Qt.Key.Key_I)
    win.transport.seek(45)
    qtbot.keyClick(win, Qt.Key.Key_O)  # before the onset: the event is made the right way round, and said so
    (ev,) = manual(win)
    assert (ev.onset, ev.offset) == (45, 50)
    assert "offset was marked before the onset" in win.statusBar().currentMessage()


def test_keys_create_event_undo_redo(qtbot, analysed):
    win = analysed
    win.transport.seek(40)
    qtbot.keyClick(win, Qt.Key.Key_I)
    win.transport.seek(43)
    qtbot.keyClick(win, Qt.Key.Key_A)
    win.transport.seek(47)
    qtbot.keyClick(win, Qt.Key.Key_O)  # offset completes the event
    (ev,) = manual(win)
    assert (ev.onset, ev.apex, ev.offset, ev.coder, ev.status) == (40, 43, 47, "tester", "accepted")
    assert win.selected_event_id == ev.id and ev.id in win.timeline.regions
    assert win.table.selected_event().id == ev.id
    # without an apex mark, the apex is the activity peak inside the interval
    win.transport.seek(50)
    qtbot.keyClick(win, Qt.Key.Key_I)
    win.transport.seek(60)
    qtbot.keyClick(win, Qt.Key.Key_O)
    second = manual(win)[1]
    assert second.apex == SPOTS[1][1]
    assert win.undo_stack.count() == 2
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(manual(win)) == 1 and win.project.event(second.id) is None
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [e.id for e in manual(win)] == [ev.id, second.id]  # redo restores the same event, same id
    assert win.undo_view.model().rowCount() == 3  # "<opened>" + two commands
    # edit through the command (the dialog's do path), then delete with the key, and undo both
    win.ctx.execute(C.EditEvent, event_id=ev.id, changes={"emotion": "positive", "aus": "l12+6", "note": "smile"})
    assert win.project.event(ev.id).aus == "L12+6"
    win.coding.select(ev.id)
    qtbot.keyClick(win, Qt.Key.Key_Delete)
    assert win.project.event(ev.id) is None
    win.undo_stack.undo()
    win.undo_stack.undo()
    restored = win.project.event(ev.id)
    assert restored is not None and restored.aus == "" and restored.emotion == ""
    hist = [h["action"] for h in win.project.event_history(ev.id)]
    assert hist == ["create", "update", "delete", "create", "update"]



def test_marks_make_their_event_whatever_the_timeline_selection(qtbot, analysed):
    """A selection left over (here: after setting the neutral frames from it) never stands in for the I..O marks;
    setting neutral frames from the selection uses it up."""
    from merstudio.gui.neutral import SetNeutral

    win = analysed
    win.timeline.set_selection(4, 16)
    assert win.ctx.execute(SetNeutral, mode="selection"), win.errors
    assert win.timeline.selection is None
    win.timeline.set_selection(4, 16)  # another selection, left standing
    for frame, key in ((52, Qt.Key.Key_I), (58, Qt.Key.Key_A), (64, Qt.Key.Key_O)):
        win.transport.seek(frame)
        qtbot.keyClick(win, key)
    (ev,) = manual(win)
    assert (ev.onset, ev.apex, ev.offset) == (52, 58, 64)

def test_pending_marks_are_drawn_and_either_order_makes_the_event(qtbot, analysed):
    """While the coder looks for the offset, the onset and apex marks stand on the events track; the event is made
    when the second end is marked, whichever came first; the status bar then names the event, not the marks, and
    says when an apex mark outside it was not used."""
    win = analysed
    lines = win.timeline._mark_lines
    win.transport.seek(40)
    qtbot.keyClick(win, Qt.Key.Key_I)
    win.transport.seek(44)
    qtbot.keyClick(win, Qt.Key.Key_A)
    assert lines["onset"].isVisible() and lines["onset"].value() == 40
    labels = win.timeline._mark_labels
    assert [labels[w].toPlainText() for w in ("onset", "apex", "offset")] == ["I", "A", "O"]  # the keys
    assert labels["onset"].isVisible() and labels["onset"].pos().x() == 40 and not labels["offset"].isVisible()
    assert lines["apex"].isVisible() and lines["apex"].value() == 44 and not lines["offset"].isVisible()
    win.transport.seek(47)
    qtbot.keyClick(win, Qt.Key.Key_O)
    (ev,) = manual(win)
    assert not any(item.isVisible() for item in [*lines.values(), *labels.values()])  # the marks became the event
    assert win.statusBar().currentMessage().startswith(f"Event {ev.id}: frames 40-47, apex 44")
    # O first, then I: the same event
    win.transport.seek(70)
    qtbot.keyClick(win, Qt.Key.Key_O)
    assert lines["offset"].isVisible() and not lines["onset"].isVisible()
    win.transport.seek(65)
    qtbot.keyClick(win, Qt.Key.Key_I)
    assert [(e.onset, e.offset) for e in manual(win)][-1] == (65, 70)
    # an apex mark outside the interval is not used, and the status bar says so
    win.transport.seek(75)
    qtbot.keyClick(win, Qt.Key.Key_A)
    win.transport.seek(80)
    qtbot.keyClick(win, Qt.Key.Key_I)
    win.transport.seek(85)
    qtbot.keyClick(win, Qt.Key.Key_O)
    last = manual(win)[-1]
    assert (last.onset, last.offset) == (80, 85) and last.apex != 75
    assert "the apex mark 75 lies outside it" in win.statusBar().currentMessage()


def test_arrow_keys_in_the_events_table_select_the_event_they_highlight(qtbot, analysed):
    """Down moves the highlight and the selection together (and the video to the onset), so Delete removes the
    highlighted event, not the one clicked before."""
    win = analysed
    for on in (20, 40, 60):
        win.ctx.execute(C.NewEvent, onset=on, offset=on + 5)
    evs = sorted(manual(win), key=lambda e: e.onset)
    row = next(i for i, e in enumerate(win.table.model_.events) if e.id == evs[0].id)
    win.table.setFocus()
    win.table.setCurrentIndex(win.table.model_.index(row, 0))
    win.coding.select(evs[0].id, seek=True)
    qtbot.keyClick(win.table, Qt.Key.Key_Down)
    highlighted = win.table.model_.events[win.table.currentIndex().row()]
    assert win.selected_event_id == highlighted.id != evs[0].id
    assert win.current_frame == highlighted.onset
    qtbot.keyClick(win.table, Qt.Key.Key_Delete)
    assert win.project.event(highlighted.id) is None and win.project.event(evs[0].id) is not None


def test_mouse_drag_edge_and_selection(qtbot, analysed):
    win = analysed
    ev = Event(win.video.id, 40, 44, 50, coder="tester", emotion="negative")
    win.coding.push_add(ev)
    (ev,) = manual(win)
    tl = win.timeline
    plot = tl.events_plot
    plot.setXRange(0, 90, padding=0)
    qtbot.wait(50)
    # drag the onset edge from frame 40 to frame 36
    p0 = plot_to_widget(tl, plot, 39.5, 0.5)  # the onset edge: frame cells are centred on frames
    p1 = plot_to_widget(tl, plot, 35.5, 0.5)
    drag(tl.viewport(), p0, p1)
    qtbot.waitUntil(lambda: win.project.event(ev.id).onset != 40)
    moved = win.project.event(ev.id)
    assert moved.onset in (35, 36, 37) and moved.offset == 50 and moved.apex == 44
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.project.event(ev.id).onset == 40
    # drag on empty events track: a selection; C makes an event of it
    drag(tl.viewport(), plot_to_widget(tl, plot, 70, 0.5), plot_to_widget(tl, plot, 80, 0.5))
    assert tl.selection is not None and abs(tl.selection[0] - 70) <= 1 and abs(tl.selection[1] - 80) <= 1
    qtbot.keyClick(win, Qt.Key.Key_C)
    new = [e for e in manual(win) if e.id != ev.id]
    assert len(new) == 1 and abs(new[0].onset - 70) <= 1 and tl.selection is None
    # clicking the event selects it (and its table row); clicking a row seeks to the onset
    click(tl.viewport(), plot_to_widget(tl, plot, 45, 0.5))
    assert win.selected_event_id == ev.id and win.table.selected_event().id == ev.id
    row = win.table.model_.row_of(new[0].id)
    win.table.clicked.emit(win.table.model_.index(row, 0))
    assert win.current_frame == new[0].onset and win.selected_event_id == new[0].id
    # clicking the AU track seeks
    click(tl.viewport(), plot_to_widget(tl, tl.au_plot, 25, 2.5))
    assert abs(win.current_frame - 25) <= 1


def test_proposals_accept_reject_next(qtbot, analysed):
    win = analysed
    win.transport.seek(0)
    qtbot.keyClick(win, Qt.Key.Key_N)
    first = win.project.event(win.selected_event_id)
    assert (first.onset, first.status) == (SPOTS[0][0], "proposal") and win.current_frame == SPOTS[0][0]
    qtbot.keyClick(win, Qt.Key.Key_Y)  # accept, and step to the next proposal
    acc = win.project.event(first.id)
    assert acc.status == "accepted" and acc.coder == "tester" and acc.source == "model"
    second = win.project.event(win.selected_event_id)
    assert second.onset == SPOTS[1][0]
    qtbot.keyClick(win, Qt.Key.Key_X)
    assert win.project.event(second.id).status == "rejected"
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.project.event(second.id).status == "proposal"
    assert "Reject" in win.undo_stack.text(win.undo_stack.count() - 1)


def test_coder_asked_once_and_remembered(qtbot, window, video_path, qsettings, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    qsettings.remove("coder")
    window.coding.coder = ""
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (asked.append(1), ("maria", True))[1])
    window.ctx.execute(C.OpenVideo, path=str(video_path))
    window.ctx.execute(C.NewEvent, onset=5, offset=9)
    window.ctx.execute(C.NewEvent, onset=15, offset=19)
    assert asked == [1]
    assert [e.coder for e in window.events] == ["maria", "maria"]
    assert qsettings.value("coder") == "maria" and window.project.coders() == ["maria"]


def test_event_dialog_validates_au_string(qtbot):
    dlg = EventDialog(Event(1, 10, 12, 20, aus="4+7"), frame_count=100)
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
    assert ok.isEnabled()
    dlg.aus.setText("4+X7")
    assert not ok.isEnabled() and "bad AU term" in dlg.problem.text()
    dlg.aus.setText("1+2+r12")
    assert ok.isEnabled()
    dlg.apex.setValue(25)
    assert not ok.isEnabled() and "onset <= apex" in dlg.problem.text()
    dlg.apex.setValue(15)
    dlg.emotion.setCurrentText("surprise")
    dlg.confidence.setValue(0.7)
    ev = dlg.result_event()
    assert (ev.aus, ev.apex, ev.emotion, ev.confidence) == ("1+2+R12", 15, "surprise", 0.7)


def test_undo_goes_back_to_the_event_it_changes(qtbot, analysed):
    """Rejecting a proposal steps on to the next one; undoing it selects and shows the proposal it reopened."""
    win = analysed
    props = sorted((e for e in win.events if e.status == "proposal"), key=lambda e: e.onset)
    assert len(props) >= 2
    win.coding.select(props[0].id, seek=True)
    qtbot.keyClick(win, Qt.Key.Key_X)  # reject, and on to the next proposal
    assert win.selected_event_id == props[1].id
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.selected_event_id == props[0].id and win.current_frame == props[0].onset
    assert win.project.event(props[0].id).status == "proposal"
    win.transport.seek(props[1].offset)
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.selected_event_id == props[0].id and win.project.event(props[0].id).status == "rejected"


def test_dragging_an_event_past_the_video_ends_keeps_its_length(qtbot, analysed):
    win = analysed
    early = win.coding.push_add(Event(win.video.id, 10, 12, 18, coder="tester", emotion="negative")).event
    late = win.coding.push_add(Event(win.video.id, 76, 80, 84, coder="tester", emotion="positive")).event
    tl = win.timeline
    plot = tl.events_plot
    plot.setXRange(-40, 130, padding=0)
    qtbot.wait(50)

    def y(e):
        return 1.0 - (tl.event_rows[e.id] + 0.5) / tl.event_row_count

    def frames(e):
        got = win.project.event(e.id)
        return got.onset, got.apex, got.offset

    # the body of 10-18 dragged 25 frames left: stopped at frame 0, 8 frames long, apex 2 frames in
    drag(tl.viewport(), plot_to_widget(tl, plot, 14, y(early)), plot_to_widget(tl, plot, -11, y(early)))
    qtbot.waitUntil(lambda: frames(early) != (10, 12, 18))
    assert frames(early) == (0, 2, 8) and not win.errors
    assert tl.regions[early.id].getRegion() == pytest.approx((-0.5, 8.5))
    # the body of 76-84 dragged 20 frames right: stopped at the last frame (89)
    drag(tl.viewport(), plot_to_widget(tl, plot, 80, y(late)), plot_to_widget(tl, plot, 100, y(late)))
    qtbot.waitUntil(lambda: frames(late) != (76, 80, 84) or bool(win.errors))
    assert frames(late) == (81, 85, 89) and not win.errors
    assert tl.regions[late.id].getRegion() == pytest.approx((80.5, 89.5))
    # dragged further against the end: nothing changes, no undo step, the region back where the event is
    n = win.undo_stack.count()
    win.coding.apply_region(late.id, 86, 94)
    assert frames(late) == (81, 85, 89) and win.undo_stack.count() == n
    assert tl.regions[late.id].getRegion() == pytest.approx((80.5, 89.5))
    # an edge dragged past an end is stopped there (the apex kept inside)
    win.coding.apply_region(late.id, 81, 120)
    assert frames(late) == (81, 85, 89)
    win.coding.apply_region(early.id, -5, 8)
    assert frames(early) == (0, 2, 8)
    win.coding.apply_region(early.id, 3, 8)
    assert frames(early) == (3, 3, 8)


def test_ok_in_the_event_dialog_without_an_edit_changes_nothing(qtbot, analysed, monkeypatch):
    from PySide6.QtWidgets import QDialog

    win = analysed
    ev = win.project.add_event(Event(win.video.id, 30, 33, 36, source="model", status="proposal", coder="model",
                                     emotion="positive", confidence=0.626, note="a note "))
    win.coding.reload()
    dlg = EventDialog(ev, frame_count=90)
    qtbot.addWidget(dlg)
    assert dlg.confidence.text() == "0.626"  # shown as stored, not as 0.63
    assert dlg.result_event() == ev
    dlg.confidence.setValue(0.5)
    assert dlg.result_event().confidence == 0.5
    # Enter on the selected proposal, OK at once: no undo step, nothing written
    shown = []
    monkeypatch.setattr(EventDialog, "exec", lambda self: shown.append(self) or QDialog.DialogCode.Accepted)
    win.coding.select(ev.id)
    n, history = win.undo_stack.count(), len(win.project.event_history(ev.id))
    qtbot.keyClick(win, Qt.Key.Key_Return)
    assert len(shown) == 1
    assert win.project.event(ev.id) == ev and win.undo_stack.count() == n
    assert len(win.project.event_history(ev.id)) == history


def test_rerun_asks_before_replacing_edited_open_proposals(qtbot, analysed):
    win = analysed
    asked = []
    win.confirm = lambda q: asked.append(q) or False
    first, second = sorted((e for e in win.events if e.status == "proposal"), key=lambda e: e.onset)
    assert win.analysis.rerun_question() is None  # the model's proposals as it wrote them: nothing to lose
    # reviewed, then undone: as the model wrote it again
    win.coding.push_status(first, "accepted")
    win.undo_stack.undo()
    assert win.project.event(first.id).status == "proposal" and win.analysis.rerun_question() is None
    # the coder types AUs and a note on an open proposal, and moves its onset, without accepting it
    assert win.ctx.execute(C.EditEvent, event_id=first.id, changes={"aus": "6+12+25", "note": "real smile",
                                                                     "onset": first.onset - 1})
    q = win.analysis.rerun_question()
    assert q is not None and "1 edited open proposal" in q and "replaced" in q
    qtbot.keyClick(win, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # declined: nothing runs
    assert len(asked) == 1 and win.worker is None
    assert win.project.event(first.id).aus == "6+12+25"
    # with coded events too, all are named
    assert win.ctx.execute(C.NewEvent, onset=70, offset=75)
    win.coding.push_status(second, "rejected")
    q = win.analysis.rerun_question()
    assert "1 coded event, 1 reviewed proposal and 1 edited open proposal" in q
    # the review and the coded event undone: the edited proposal is still asked about; its edit undone too, nothing
    win.undo_stack.undo()
    win.undo_stack.undo()
    assert "has 1 edited open proposal." in win.analysis.rerun_question()
    win.undo_stack.undo()
    assert win.project.event(first.id) == first and win.analysis.rerun_question() is None
