"""An edit with thousands of events: the events table asks for a bounded number of cells (not every cell of 1,000
rows, as its ResizeToContents header did on each reload), its columns still fit their texts, and a column the coder
dragged wider stays so."""

from __future__ import annotations

import pytest

from merstudio.project.events import Event

pytestmark = pytest.mark.gui

EMOTIONS = ("positive", "negative", "surprise", "others", "repression")


def _events(n: int, video: int = 1) -> list[Event]:
    out = []
    for i in range(n):
        on = (i * 37) % 35_000
        out.append(Event(video, on, on + 3, on + 9, id=i + 1, emotion=EMOTIONS[i % 5], aus=("6+12", "4", "1+2")[i % 3],
                         coder=("ann", "bob", "model")[i % 3], status=("accepted", "proposal", "rejected")[i % 3],
                         source="manual", confidence=None if i % 2 else 0.5))
    return out


def _table(qtbot):
    from merstudio.gui.events_table import EventsTable

    t = EventsTable()
    qtbot.addWidget(t)
    t.resize(460, 260)  # the events pane of a 1280x720 screen
    t.show()
    qtbot.waitExposed(t)
    return t


@pytest.fixture
def table(qtbot):
    return _table(qtbot)


@pytest.fixture
def asked(monkeypatch):
    """data() calls counted (PySide binds a model's data() when the view first asks: patched before any table)."""
    from merstudio.gui.events_table import EventsModel

    calls = [0]
    data = EventsModel.data

    def counted(self, *args, **kwargs):
        calls[0] += 1
        return data(self, *args, **kwargs)

    monkeypatch.setattr(EventsModel, "data", counted)
    return calls


def _cells_asked(table, asked, events: list[Event]) -> int:
    """data() calls for what the window does on an edit: the events set again, the selected row shown, painted."""
    from PySide6.QtWidgets import QApplication

    asked[0] = 0
    table.model_.set_events(events, 30.0)
    table.select_event(events[len(events) // 2].id)
    table.viewport().repaint()
    QApplication.processEvents()
    return asked[0]


def test_an_edit_asks_for_as_many_cells_with_3000_events_as_with_60(qtbot, asked):
    few = _cells_asked(_table(qtbot), asked, _events(60))
    many = _cells_asked(_table(qtbot), asked, _events(3000))
    # the rows in view and a sample per column, whatever the count (it asked for ~97,000 with 1,000+ events)
    assert many < 3000 and many <= 1.3 * few, (few, many)


def test_the_columns_fit_the_widest_text_wherever_its_row_is(table):
    from merstudio.gui.events_table import COLUMNS

    evs = _events(900)
    # the widest texts far from the rows in view: a long AU string, a long coder name, a rejected (italic) note
    evs[450] = Event(1, 500, 505, 510, id=451, emotion="happiness", aus="1+2+4+5+6+7+9+10+12+14+15+17+20+23+25",
                     coder="a.long.coder.name@lab", status="rejected", source="imported", note="sounds of laughter")
    table.model_.set_events(evs, 30.0)
    # Qt's own measure over every row (what ResizeToContents gave, at every cell's cost)
    for c in range(table.model_.columnCount() - 1):  # the last column stretches to the pane
        assert table.columnWidth(c) >= table.sizeHintForColumn(c), COLUMNS[c]
        assert table.columnWidth(c) >= table.horizontalHeader().sectionSizeHint(c)


def test_a_column_dragged_wider_stays_after_an_edit_and_a_new_video_fits_anew(table):
    from merstudio.gui.events_table import COLUMNS

    evs = _events(40)
    table.model_.set_events(evs, 30.0)
    c = COLUMNS.index("emotion")
    fitted = table.columnWidth(c)
    table.horizontalHeader().resizeSection(c, fitted + 80)  # the coder drags it wider
    table.model_.set_events(evs[:-1], 30.0)  # an edit (an event deleted)
    assert table.columnWidth(c) == fitted + 80
    table.model_.set_events(_events(40, video=2), 30.0)  # another video: fitted to its events
    assert table.columnWidth(c) == fitted
