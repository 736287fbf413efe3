"""The events table's face column: right after the id where the events are on more than one face (in view in the
1500x950 window's pane, 264 px wide: 10th of 13 it was scrolled out of view), at the end (before the stretching
note) where they are on one."""

from __future__ import annotations

import pytest

from merstudio.project.events import Event

PANE_PX = 264  # the Events dock's table viewport in the 1500x950 window (measured on the call video)


def _ev(id_: int, face: int, onset: int) -> Event:
    return Event(video_id=1, id=id_, face_id=face, onset=onset, apex=onset + 5, offset=onset + 30,
                 emotion="happiness", aus="6+12+25", coder="aud")


@pytest.fixture
def table(qtbot):
    from merstudio.gui.events_table import EventsTable

    t = EventsTable()
    qtbot.addWidget(t)
    t.resize(PANE_PX + 2 * t.frameWidth(), 300)
    t.show()
    qtbot.waitExposed(t)
    return t


def test_two_faces_show_the_face_column_in_view(table, qtbot):
    from merstudio.gui.events_table import COLUMNS

    table.model_.set_events([_ev(6, 0, 30), _ev(7, 1, 17), _ev(8, 1, 800)], 28.1)
    qtbot.wait(10)
    face = COLUMNS.index("face")
    header = table.horizontalHeader()
    assert not table.isColumnHidden(face)
    assert header.visualIndex(face) == header.visualIndex(COLUMNS.index("id")) + 1
    left = header.sectionViewportPosition(face)
    assert 0 <= left and left + header.sectionSize(face) <= table.viewport().width()
    # the cells still say each row's face (the model's columns are unchanged)
    assert [table.model_.index(r, face).data() for r in range(3)] == [0, 1, 1]


def test_one_face_puts_the_face_column_at_the_end(table, qtbot):
    from merstudio.gui.events_table import COLUMNS

    face, header = COLUMNS.index("face"), table.horizontalHeader()
    table.model_.set_events([_ev(7, 1, 17), _ev(8, 1, 800)], 28.1)
    # every other column but the note (the last, stretched to the pane) before it
    assert header.visualIndex(face) == len(COLUMNS) - 2 and header.logicalIndex(len(COLUMNS) - 1) == COLUMNS.index("note")
    assert header.sectionViewportPosition(face) >= table.viewport().width()  # out of view: the frames come first
    # a second face's event (a proposal on B): early again
    table.model_.set_events([_ev(6, 0, 30), _ev(7, 1, 17), _ev(8, 1, 800)], 28.1)
    assert header.visualIndex(face) == 1
