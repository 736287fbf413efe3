"""The events table sorts by a click on a column's header (frames by value, the selection following its event) and
narrows to a filter (words in the emotion, AUs, coder, note, status; Ctrl+F, Esc clears; "2 of 4" beside it): 900+
events per video from 8 coders could only be scrolled. Sorting and filtering are the view's: the events and the undo
history stay as they were, and whatever selects an event by id (a timeline click, undo, Delete in the table, the
keyboard) finds its row where the view shows it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from merstudio.gui import commands as C
from merstudio.gui.events_table import COLUMNS
from merstudio.project import Event

pytestmark = pytest.mark.gui

# onsets whose text order (20, 5, 50, 80) is not their numeric order, within the window's 90-frame video
ROWS = [(5, "happiness", "ann", "", "1+2"), (50, "sadness", "bob", "unsure", "4+15"),
        (20, "happiness", "bob", "", "6+12"), (80, "surprise", "ann", "check with Bob", "")]


def _events(video_id: int = 1, ids: bool = True) -> list[Event]:
    return [Event(video_id, o, o + 1, o + 2, emotion=emo, coder=coder, note=note, aus=aus, id=i + 1 if ids else None)
            for i, (o, emo, coder, note, aus) in enumerate(ROWS)]


def _pane(qtbot):
    from merstudio.gui.events_table import EventsPane

    pane = EventsPane()
    qtbot.addWidget(pane)
    pane.resize(700, 300)
    pane.table.model_.set_events(_events(), 30.0)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def _click_header(qtbot, table, name: str) -> None:
    header = table.horizontalHeader()
    col = COLUMNS.index(name)
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def _shown(table, field: str = "onset") -> list:
    return [getattr(e, field) for e in table.model_.events]


def test_a_header_click_sorts_frames_by_value_and_the_selection_follows(qtbot):
    pane = _pane(qtbot)
    table = pane.table
    assert _shown(table) == [5, 50, 20, 80]  # the order given, unsorted
    table.select_event(3)  # onset 20
    _click_header(qtbot, table, "onset")
    assert _shown(table) == [5, 20, 50, 80]  # numbers, not text ("20" < "5")
    assert table.selected_event().id == 3 and table.currentIndex().row() == 1  # its row moved with it
    _click_header(qtbot, table, "onset")
    assert _shown(table) == [80, 50, 20, 5]
    _click_header(qtbot, table, "onset")  # a third click: the order given again
    assert _shown(table) == [5, 50, 20, 80]
    _click_header(qtbot, table, "AUs")  # natural order ("4+15" before "6+12"), the empty one last
    assert _shown(table, "aus") == ["1+2", "4+15", "6+12", ""]
    _click_header(qtbot, table, "emotion")  # equal values keep the order given (by onset)
    assert _shown(table, "id") == [1, 3, 2, 4]
    assert table.selected_event().id == 3
    # a reload (an edit) keeps the sort
    table.model_.set_events(_events()[::-1], 30.0)
    assert _shown(table, "emotion") == ["happiness", "happiness", "sadness", "surprise"]


def test_the_filter_matches_words_in_emotion_aus_coder_note_status_and_counts(qtbot):
    pane = _pane(qtbot)
    table = pane.table
    assert pane.count.text() == "4 events"
    table.select_event(3)
    qtbot.keyClicks(pane.filter, "BOB")  # any case; the coder ...
    assert _shown(table, "id") == [2, 3, 4]  # ... and a note naming Bob
    assert pane.count.text() == "3 of 4"
    assert table.selected_event().id == 3  # kept where it is still shown
    pane.filter.setText("bob happi")  # every word, anywhere in the row's fields
    assert _shown(table, "id") == [3] and pane.count.text() == "1 of 4"
    pane.filter.setText("4+15")
    assert _shown(table, "id") == [2]
    assert table.selected_event() is None  # filtered out: no row selected
    pane.filter.setText("")
    assert table.selected_event().id == 3  # back with its row
    pane.filter.setText("4+15")
    pane.filter.setText("accepted")  # the status
    assert pane.count.text() == "4 of 4"
    pane.filter.setText("nothing like it")
    assert table.model_.rowCount() == 0 and pane.count.text() == "0 of 4"
    pane.focus_filter()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pane.filter)
    qtbot.keyClick(pane.filter, Qt.Key.Key_Escape)  # Esc clears
    assert pane.filter.text() == "" and pane.count.text() == "4 events" and table.model_.rowCount() == 4
    qtbot.keyClick(pane.filter, Qt.Key.Key_Escape)  # empty: back to the table
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)


def _coded(win, video_path) -> list[Event]:
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    win.project.add_events(_events(vid, ids=False))
    win.coding.reload()
    return win.project.events(vid)


def test_in_the_window_sorting_changes_no_event_and_selection_by_id_finds_the_row(qtbot, window, video_path):
    win = window
    win.show()
    qtbot.waitExposed(win)
    events = _coded(win, video_path)
    by_onset = {e.onset: e for e in events}
    steps = win.undo_stack.count()
    table = win.table
    _click_header(qtbot, table, "onset")
    _click_header(qtbot, table, "onset")  # descending: 80, 50, 20, 5
    assert _shown(table) == [80, 50, 20, 5]
    assert win.project.events(win.video.id) == events and win.undo_stack.count() == steps  # the view's only
    # selected by id (the timeline's click, `.`): its row where the sort put it
    win.coding.select(by_onset[20].id, seek=True)
    assert table.selected_event().id == by_onset[20].id and table.currentIndex().row() == 2
    # the keyboard moves in the table's order: Down from onset 20 is onset 5
    table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert win.selected_event_id == by_onset[5].id
    qtbot.keyClick(table, Qt.Key.Key_Up)
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert win.selected_event_id == by_onset[50].id
    # Delete in the table selects the row that took its place in the sorted order (onset 20)
    assert win.ctx.execute(C.DeleteEvent), win.errors
    assert win.selected_event_id == by_onset[20].id and table.selected_event().id == by_onset[20].id
    win.undo_stack.undo()  # back, still sorted, the table following the coding's selection
    assert _shown(table) == [80, 50, 20, 5]
    assert table.selected_event().id == win.selected_event_id
    # a click on a row selects its event, under a filter too
    win.events_pane.filter.setText("ann")
    assert _shown(table) == [80, 5] and win.events_pane.count.text() == "2 of 4"
    table.clicked.emit(table.model_.index(1, 0))
    assert win.selected_event_id == by_onset[5].id
    assert not win.errors


def test_ctrl_f_focuses_the_filter_and_its_keys_are_its_own(qtbot, window, video_path, monkeypatch):
    win = window
    win.show()
    qtbot.waitExposed(win)
    _coded(win, video_path)
    win.activateWindow()
    win.timeline.setFocus()
    qtbot.keyClick(win.timeline, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    field = win.events_pane.filter
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    frame = win.transport.current_frame
    marks = []
    monkeypatch.setattr(win.coding, "clear_marks", lambda: marks.append(1))
    qtbot.keyClicks(field, "c sad")  # C (new event), Space (play) are typed, not run
    assert field.text() == "c sad" and win.table.model_.rowCount() == 1
    assert not win.transport.playing and win.transport.current_frame == frame
    assert win.events_pane.count.text() == "1 of 4"
    qtbot.keyClick(field, Qt.Key.Key_Escape)  # clears the field, not the marks
    assert field.text() == "" and not marks
    assert len(win.project.events(win.video.id)) == 4 and not win.errors
