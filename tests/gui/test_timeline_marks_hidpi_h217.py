"""The timeline's lines at 200 % (QT_SCALE_FACTOR=2: a device pixel ratio of 2) are as thick as at 100 %, twice the
size, as the curves are since h208 (LaneCurve): Qt draws a cosmetic pen of w px w device px wide, so the play head,
the pending I/A/O marks, an event's apex line and its edges (its region's, the batched events', a coder's bars)
were half as thick as at 100 %."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import painted_ink

from merstudio.project.events import Event

pytestmark = pytest.mark.gui

FRAMES = 60


def _timeline(qtbot):
    from gui_fixtures import shown_timeline

    tl = shown_timeline(qtbot, FRAMES)
    tl.set_coder_view(True)
    events = [Event(video_id=1, id=1, onset=10, apex=15, offset=20, emotion="positive", coder="anna"),
              Event(video_id=1, id=2, onset=30, apex=36, offset=40, emotion="negative", coder="bob")]
    tl.set_events(events, selected=1)
    tl.set_playhead(25)
    tl.set_marks(45, 50, None)
    tl.au_plot.setXRange(0, FRAMES, padding=0)
    qtbot.waitUntil(lambda: tl.coder_plot.vb.height() > 20)  # (laid out)
    tl.grab()
    return tl




def _columns(ink: np.ndarray) -> int:
    """How many columns a vertical line's ink takes."""
    return len(np.flatnonzero(ink.any(axis=0)))


def _thick(tl, item) -> dict[float, int]:
    return {ratio: _columns(painted_ink(tl, item, ratio)) for ratio in (1.0, 2.0)}


def test_the_play_head_and_the_marks_are_as_thick_at_200_percent(qtbot) -> None:
    tl = _timeline(qtbot)
    assert _thick(tl, tl.playheads[0]) == {1.0: 2, 2.0: 4}  # 2 px at 100 % (were 2 device px at 200 %)
    for which in ("onset", "apex"):
        line = tl._mark_lines[which]
        assert line.isVisible()
        assert _thick(tl, line) == {1.0: 2, 2.0: 4}, which


def test_an_events_edges_and_apex_are_as_thick_at_200_percent(qtbot) -> None:
    tl = _timeline(qtbot)
    region = tl.regions[1]  # the selected event: 3-px edges, a 2-px apex
    assert _thick(tl, region.lines[0]) == {1.0: 3, 2.0: 6}
    assert _thick(tl, region.apex_line) == {1.0: 2, 2.0: 4}
    other = tl.regions[2]
    assert _thick(tl, other.lines[1]) == {1.0: 1, 2.0: 2}


def test_an_edge_still_drags_the_event(qtbot) -> None:
    """Its edges are the timeline's own lines (RatioLine) in place of pyqtgraph's: a drag still reports the edit."""
    tl = _timeline(qtbot)
    edits = []
    tl.eventRangeEdited.connect(lambda *a: edits.append(a))
    region = tl.regions[2]
    region.lines[1].setValue(44.5)  # (as a drag leaves it)
    region.lines[1].sigPositionChangeFinished.emit(region.lines[1])
    assert edits == [(2, 30, 44)]
    assert region.getRegion() == (29.5, 44.5)


def _middle_row(ink: np.ndarray) -> int:
    """How many px of ink a bar's outline has on its middle row: its left and right edges."""
    rows = np.flatnonzero(ink.any(axis=1))
    return int(ink[(rows[0] + rows[-1]) // 2].sum())


@pytest.mark.parametrize("many_brushes", [False, True])  # (pyqtgraph draws one brush and several apart)
def test_batched_events_and_coder_bars_are_as_thick_at_200_percent(qtbot, many_brushes) -> None:
    import pyqtgraph as pg

    from merstudio.gui.timeline_items import EventBars, TippedBars

    tl = _timeline(qtbot)
    white = pg.mkBrush("#ffffff")
    # a coder's bars: a 0.5-px edge (1 px at 100 %), brushes per event
    bars = TippedBars(None, x0=np.array([5.0]), width=np.array([10.0]), y0=np.array([0.2]), height=0.6,
                      pen=pg.mkPen("#000000", width=0.5), **({"brushes": [white]} if many_brushes else {"brush": white}))
    tl.coder_plot.addItem(bars)
    # the batched events' apex lines: bars of no width, 2 px
    apexes = EventBars(None, brush=pg.mkBrush(None))
    tl.events_plot.addItem(apexes)
    apexes.set_bars(np.array([9]), np.array([30.0]), np.array([0.0]), np.array([0.0]), np.array([1.0]),
                    pen=pg.mkPen("#000000", width=2))
    tl.grab()
    assert {ratio: _middle_row(painted_ink(tl, bars, ratio)) for ratio in (1.0, 2.0)} == {1.0: 2, 2.0: 4}
    assert _thick(tl, apexes) == {1.0: 2, 2.0: 4}
