"""Events of another face than the one shown (a video call: B's event while A's curves are shown) on the events
track and the coders' lanes: hatched, named, under the shown face's own, not dragged; a click selects them. Drawn
as the shown face's own, a coder reviewing A read B's event over A's smile as A's."""

from __future__ import annotations

import pytest
from helpers import click, drag, event_row_y, plot_to_widget
from PySide6.QtCore import Qt

from merstudio.project.events import Event

SOLID = Qt.BrushStyle.SolidPattern


def _ev(id_: int, face: int, onset: int, offset: int, status: str = "accepted", emotion: str = "happiness",
        coder: str = "aud") -> Event:
    return Event(video_id=1, id=id_, face_id=face, onset=onset, apex=(onset + offset) // 2, offset=offset,
                 emotion=emotion, status=status, coder=coder, source="model" if status == "proposal" else "manual")


# the call's events (/tmp/a49): A's (face 1) smile 17-68, B's (face 0) event 30-60 inside it, the model's proposals
A_SMILE, B_EVENT, PROP_2 = _ev(7, 1, 17, 68), _ev(6, 0, 30, 60, emotion="other"), _ev(3, 2, 353, 357, "proposal")
A_LATE = _ev(8, 1, 800, 830)
CALL = [B_EVENT, A_SMILE, PROP_2, A_LATE]


@pytest.fixture
def timeline(qtbot):
    from gui_fixtures import shown_timeline

    tl = shown_timeline(qtbot, 985, size=(1366, 400))
    qtbot.wait(20)
    return tl


def test_another_faces_event_is_hatched_and_named_on_its_bar(timeline, qtbot):
    tl = timeline
    tl.face = 1  # A's curves shown
    tl.set_events(CALL)
    tl.au_plot.setXRange(0, 120, padding=0)  # B's 31 frames: ~330 px, room for its name
    qtbot.wait(30)
    a, b = tl.regions[A_SMILE.id], tl.regions[B_EVENT.id]
    assert a.brush.style() == SOLID
    assert b.brush.style() != SOLID  # hatched: not a bar of the face shown
    assert b.lines[0].pen.style() != a.lines[0].pen.style()
    assert "face 0" in b.toolTip() and not a.toolTip()
    assert b.tag.isVisible() and b.tag.toPlainText() == "face 0"
    assert a.tag.isVisible() and a.tag.toPlainText() == "happiness"  # the shown face's bar: its emotion in words
    # A's events on the top row, B's under them, although B's starts inside A's (it was A's row 0, A's own row 1)
    assert tl.event_rows[A_SMILE.id] == 0 and tl.event_rows[B_EVENT.id] == 1
    # its legend cell says whose the hatched bars are
    assert "faces 0, 2" in tl.other_faces_legend.text
    # the whole video in view: the 5-frame proposal of face 2 is ~6 px wide, too narrow for six letters; its
    # tooltip still says whose it is
    tl.au_plot.setXRange(0, 985, padding=0)
    qtbot.wait(30)
    prop = tl.regions[PROP_2.id]
    assert prop.brush.style() != SOLID and "face 2" in prop.toolTip()
    assert tl.event_px_width(PROP_2.id) < 10 and not prop.tag.isVisible()
    # B's bar (~30 px) has room for its face's number at least
    tag = tl.regions[B_EVENT.id].tag
    assert tag.isVisible() and tag.toPlainText() in ("face 0", "0")


def test_showing_the_other_face_swaps_which_events_are_hatched(timeline, qtbot):
    tl = timeline
    tl.face = 1
    tl.set_events(CALL)
    qtbot.wait(20)
    tl.face = 0  # as the face list (or selecting B's event) does: set_buffer sets it
    qtbot.wait(20)
    assert tl.regions[B_EVENT.id].brush.style() == SOLID
    assert tl.regions[A_SMILE.id].brush.style() != SOLID and "face 1" in tl.regions[A_SMILE.id].toolTip()
    assert tl.event_rows[B_EVENT.id] == 0
    # no face shown (no analysis yet): every event is drawn as before, no legend
    tl.face = None
    qtbot.wait(20)
    assert all(r.brush.style() == SOLID for r in tl.regions.values())
    assert tl.other_faces_legend.text == ""


def test_a_one_face_video_is_drawn_as_before(timeline, qtbot):
    tl = timeline
    tl.face = 1
    tl.set_events([A_SMILE, A_LATE])
    qtbot.wait(20)
    assert all(r.brush.style() == SOLID and not r.toolTip() for r in tl.regions.values())
    assert tl.other_faces_legend.text == ""


def test_another_faces_event_is_selected_by_a_click_not_moved_by_a_drag(timeline, qtbot):
    tl = timeline
    tl.face = 1
    tl.set_events(CALL)
    tl.au_plot.setXRange(0, 120, padding=0)
    qtbot.wait(30)
    clicked, edited, intervals = [], [], []
    tl.eventClicked.connect(clicked.append)
    tl.eventRangeEdited.connect(lambda *a: edited.append(a))
    tl.selectionChanged.connect(intervals.append)
    y = event_row_y(tl, B_EVENT)
    click(tl.viewport(), plot_to_widget(tl, tl.events_plot, 45, y))
    assert clicked == [B_EVENT.id]
    assert not tl.regions[B_EVENT.id].movable  # its edges and body stay (a drag moved B's event)
    # a drag over it: an interval for the face shown (A's event to code there), B's event where it was
    drag(tl.viewport(), plot_to_widget(tl, tl.events_plot, 40, y), plot_to_widget(tl, tl.events_plot, 55, y))
    assert not edited and intervals and intervals[-1] is not None
    a, b = intervals[-1]
    assert abs(a - 40) <= 1 and abs(b - 55) <= 1
    # selected (the window then shows its face): editable as any
    tl.select_event(B_EVENT.id)
    assert tl.regions[B_EVENT.id].movable


def test_batched_events_of_another_face_are_hatched_and_named(timeline, qtbot):
    tl = timeline
    tl.face = 1
    # more than REGION_CAP events in view: drawn batched, one item per style
    evs = [_ev(100 + i, i % 2, 10 + 20 * i, 20 + 20 * i, "proposal") for i in range(48)]
    tl.set_events(evs)
    tl.au_plot.setXRange(0, 985, padding=0)
    qtbot.wait(30)
    assert not tl.regions
    items = {int(i): s for s in tl._event_layer._spans if s.isVisible() for i in s.ids}
    theirs, mine = items[evs[0].id], items[evs[1].id]  # face 0's, face 1's
    assert theirs is not mine
    assert theirs.opts["brush"].style() != SOLID and mine.opts["brush"].style() == SOLID
    assert "face 0" in theirs.toolTip() and not mine.toolTip()
    assert not theirs.movable and mine.movable
    # a click on one of face 0's selects it; a drag over it is an interval for the face shown, not a move
    clicked, edited, intervals = [], [], []
    tl.eventClicked.connect(clicked.append)
    tl.eventRangeEdited.connect(lambda *a: edited.append(a))
    tl.selectionChanged.connect(intervals.append)
    e = evs[10]  # face 0's, frames 210-220
    y = event_row_y(tl, e)
    click(tl.viewport(), plot_to_widget(tl, tl.events_plot, 215, y))
    assert clicked == [e.id]
    drag(tl.viewport(), plot_to_widget(tl, tl.events_plot, 215, y), plot_to_widget(tl, tl.events_plot, 260, y))
    assert not edited and intervals and intervals[-1] is not None
    # their marks (the least-width bars under them) hatched too: a solid one read as a bar of the face shown
    brushes = tl._event_marks.opts["brushes"]
    assert brushes[0].style() != SOLID and brushes[1].style() == SOLID


def test_coder_lanes_hatch_another_faces_events(timeline, qtbot):
    tl = timeline
    tl.face = 1
    tl.set_coder_view(True)
    tl.set_events(CALL)
    qtbot.wait(20)
    from merstudio.agreement.report import coder_of

    bar = tl.coder_bars["aud"]
    order = [e for e in CALL if coder_of(e) == "aud"]
    styles = {e.id: b.style() for e, b in zip(order, bar.opts["brushes"], strict=True)}
    assert styles[A_SMILE.id] == SOLID and styles[B_EVENT.id] != SOLID
    assert "face 0" in bar.toolTip()
