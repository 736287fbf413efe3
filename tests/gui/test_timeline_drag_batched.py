"""With more than REGION_CAP events in view the events are drawn batched: a drag that starts on one moved nothing
(it fell through to the events track, which selected an interval of frames instead, which "add event from the
selection" could turn into a new event). It selects the event and moves it by whole frames."""

from __future__ import annotations

import pytest
from helpers import drag, plot_to_widget

from merstudio.project.events import Event

pytestmark = pytest.mark.gui


def test_dragging_an_unselected_event_among_many_moves_it(qtbot):
    from gui_fixtures import shown_timeline

    tl = shown_timeline(qtbot, 3000)
    events = [Event(video_id=1, id=i + 1, onset=50 * i, apex=50 * i + 20, offset=50 * i + 40, emotion="positive",
                    status="accepted") for i in range(59)]
    tl.set_events(events)
    tl.au_plot.setXRange(0, 3000, padding=0)  # 59 events in view, each about 20 px wide
    qtbot.wait(50)
    e = events[30]
    assert e.id not in tl.regions  # drawn batched
    edited, clicked = [], []
    tl.eventRangeEdited.connect(lambda *a: edited.append(a))
    tl.eventClicked.connect(clicked.append)
    y = 1.0 - (tl.event_rows[e.id] + 0.5) / tl.event_row_count
    drag(tl.viewport(), plot_to_widget(tl, tl.events_plot, e.onset + 8, y),
         plot_to_widget(tl, tl.events_plot, e.onset + 48, y))
    assert clicked == [e.id] and tl.selection is None
    assert len(edited) == 1 and edited[0][0] == e.id
    on, off = edited[0][1:]
    assert off - on == e.offset - e.onset and 30 <= on - e.onset <= 50  # moved by about 40 frames
