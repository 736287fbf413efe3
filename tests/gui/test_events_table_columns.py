"""In the narrow events pane of a small screen the columns a coder reads first show, the others scroll."""

from __future__ import annotations

import pytest

from merstudio.project.events import Event

pytestmark = pytest.mark.gui

FIRST = ("onset", "apex", "offset", "emotion", "AUs", "coder", "status")


def test_the_columns_read_first_show_in_a_narrow_pane(qtbot) -> None:
    from merstudio.gui.events_table import COLUMNS, EventsTable

    table = EventsTable()
    qtbot.addWidget(table)
    table.resize(400, 240)  # the events pane at 1280x720 is 460 px: a little less where the dock is narrower
    evs = [Event(1, 100, 120, 140, id=9, emotion="positive", aus="6+12", coder="carol", source="manual"),
           Event(1, 20, 24, 28, id=7, emotion="positive", aus="12", coder="model", status="proposal",
                 confidence=0.63, source="model")]
    table.model_.set_events(evs, 30.0)
    table.show()
    qtbot.waitExposed(table)
    width = table.viewport().width()
    for name in FIRST:
        c = COLUMNS.index(name)
        assert table.columnViewportPosition(c) + table.columnWidth(c) <= width, name
