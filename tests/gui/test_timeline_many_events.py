"""The events track with thousands of events: a bounded number of graphics items (editable regions only for the
selected event and the events in view, the rest batched), and clicks, selection and dragging as with a few."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import click, drag, event_row_y, plot_to_widget

from merstudio.project.events import Event

FRAMES = 108_000  # an hour at 30 fps


def _events(n: int = 2000) -> list[Event]:
    rng = np.random.default_rng(5)
    out = []
    for i, on in enumerate(np.sort(rng.integers(0, FRAMES - 40, n))):
        status = ("accepted", "proposal", "rejected")[i % 3]
        emotion = ("negative", "positive", "surprise", "others")[i % 4]
        on = int(on)
        out.append(Event(video_id=1, id=i + 1, onset=on, apex=on + 5, offset=on + 12, emotion=emotion, status=status))
    return out


@pytest.fixture
def timeline(qtbot):
    from gui_fixtures import shown_timeline

    tl = shown_timeline(qtbot, FRAMES)
    qtbot.wait(20)
    return tl


def test_two_thousand_events_make_a_bounded_number_of_items(timeline, qtbot):
    tl = timeline
    before = len(tl.scene().items())
    evs = _events()
    tl.set_events(evs, selected=evs[1000].id)
    qtbot.wait(20)
    # the whole video in view: one region (the selected event's), every other event batched
    assert len(tl.scene().items()) - before < 200
    assert set(tl.regions) == {evs[1000].id}
    # zoomed in to a few events: each of them editable, still few items; panned on, the regions follow the view
    for lo in (FRAMES // 2, FRAMES // 3):
        tl.au_plot.setXRange(lo, lo + 300, padding=0)
        qtbot.wait(20)
        near = {e.id for e in evs if e.offset >= lo and e.onset <= lo + 300}
        assert near and near <= set(tl.regions) and len(tl.scene().items()) - before < 200
        region = tl.regions[min(near)]
        e = next(e for e in evs if e.id == min(near))
        assert region.getRegion() == pytest.approx((e.onset - 0.5, e.offset + 0.5))
        assert region.apex_line.value() == e.apex
    # the marks: one per event, whatever is in view
    assert len(tl._event_marks.opts["width"]) == len(evs)


def test_a_batched_event_is_selected_by_a_click(timeline, qtbot):
    tl = timeline
    evs = _events()
    tl.set_events(evs)
    tl.au_plot.setXRange(0, 6000, padding=0)  # more than REGION_CAP events in view: drawn batched
    qtbot.wait(50)
    assert not tl.regions
    clicked, seeks = [], []
    tl.eventClicked.connect(clicked.append)
    tl.seekRequested.connect(seeks.append)
    e = next(e for e in evs if 1000 < e.onset < 5000 and e.status == "accepted")
    click(tl.viewport(), plot_to_widget(tl, tl.events_plot, (e.onset + e.offset) / 2, event_row_y(tl, e)))
    assert clicked == [e.id] and not seeks
    # off every event (a frame far from all of them, on the track): a seek, as before
    free = next(f for f in range(100, 6000, 7) if all(not (x.onset - 15 <= f <= x.offset + 15) for x in evs))
    click(tl.viewport(), plot_to_widget(tl, tl.events_plot, free, 0.5))
    assert clicked == [e.id] and len(seeks) == 1 and abs(seeks[0] - free) <= 5  # a pixel is ~5 frames


def test_the_selected_event_stays_draggable_among_many(timeline, qtbot):
    tl = timeline
    evs = _events()
    e = next(e for e in evs if 2000 < e.onset < 5000 and e.status == "accepted")
    tl.set_events(evs, selected=e.id)
    tl.au_plot.setXRange(0, 6000, padding=0)
    qtbot.wait(50)
    assert set(tl.regions) == {e.id} and tl.regions[e.id].zValue() > 5
    tl.au_plot.setXRange(e.onset - 30, e.offset + 30, padding=0)  # zoomed in: its edges wide apart
    qtbot.wait(50)
    edited = []
    tl.eventRangeEdited.connect(lambda *a: edited.append(a))
    y = event_row_y(tl, e)
    drag(tl.viewport(), plot_to_widget(tl, tl.events_plot, (e.onset + e.offset) / 2, y),
         plot_to_widget(tl, tl.events_plot, (e.onset + e.offset) / 2 + 10, y))
    assert edited and edited[-1][0] == e.id and edited[-1][1] - e.onset == edited[-1][2] - e.offset >= 8
