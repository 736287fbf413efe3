"""An edit redraws the events once: the timeline's events are drawn once per edit (the selection that follows only
moves the highlight), and the events table asks for the cells in view and a sample, not for every cell."""

from __future__ import annotations

import pytest
from helpers import open_and_analyse

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


@pytest.fixture
def calls(monkeypatch):
    """Timeline.set_events and EventsModel.data calls, counted (patched before the window is made: PySide binds a
    model's data() when its view first asks)."""
    from merstudio.gui.events_table import EventsModel
    from merstudio.gui.timeline import Timeline

    calls = {"set_events": 0, "data": 0}
    for cls, name, key in ((Timeline, "set_events", "set_events"), (EventsModel, "data", "data")):
        orig = getattr(cls, name)

        def counted(self, *args, _orig=orig, _key=key, **kwargs):
            calls[_key] += 1
            return _orig(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, counted)
    return calls


@pytest.fixture
def analysed(qtbot, calls, window, video_path):
    return open_and_analyse(qtbot, window, video_path, landmarks=True)


def _edits(qtbot, win, calls) -> list[tuple[int, int]]:
    """(timeline set_events calls, table data calls) of a new event, an accept and a reject (each stepping on to
    the next proposal); checks that the event each left selected is the one drawn highlighted."""
    from PySide6.QtWidgets import QApplication

    out = []
    proposals = sorted((e for e in win.events if e.status == "proposal"), key=lambda e: e.onset)
    steps = [(C.NewEvent, {"onset": 70, "offset": 76, "apex": 73, "emotion": "positive", "aus": "12"}),
             (C.SetProposalStatus, {"event_id": proposals[0].id, "status": "accepted"}),
             (C.SetProposalStatus, {"event_id": proposals[1].id, "status": "rejected"})]
    for cmd, params in steps:
        win.coding.select(params.get("event_id"))
        QApplication.processEvents()
        calls.update(set_events=0, data=0)
        assert win.ctx.execute(cmd, **params)
        win.table.viewport().repaint()
        QApplication.processEvents()
        out.append((calls["set_events"], calls["data"]))
        sel = win.selected_event_id
        assert sel is not None and win.table.selected_event().id == sel
        highlighted = [eid for eid, r in win.timeline.regions.items() if r.zValue() == 10]  # drawn on top
        assert highlighted == [sel]
    return out


def test_an_edit_draws_the_timeline_events_once_and_the_table_cells_do_not_grow(qtbot, calls, analysed):
    win = analysed
    few = _edits(qtbot, win, calls)
    assert [s for s, _ in few] == [1, 1, 1]  # it drew them twice: on the reload and again on the selection
    win.undo_stack.undo()
    win.undo_stack.undo()
    win.undo_stack.undo()
    # 1,000 more events of two coders
    win.project.add_events([Event(win.video.id, on, on + 2, on + 4, coder=("ann", "bob")[on % 2],
                                  emotion="positive", aus="6+12") for on in range(0, 85) for _ in range(12)][:1000])
    win.coding.reload()
    many = _edits(qtbot, win, calls)
    assert [s for s, _ in many] == [1, 1, 1]
    # 1,000 rows of 13 columns: the header sized to contents asked for ~97,000 cells (every role of up to 1,000 rows)
    assert all(d < 5000 for _, d in many), many
