"""Every note on an empty lane fits its lane (the audit, a video opened at 1400x900 before analysing it: the AU lane's
"Press Ctrl+R…" hint was centred and cut at both ends, "ress Ctrl+R … appear her"; the heat map's note sat half
below its grey lane): wrapped, smaller or, where nothing else fits, cut short with the whole text on hover."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QApplication

from merstudio.gui import commands as C
from merstudio.gui.first_run import HINT_NOT_ANALYSED, HINT_RUNNING

pytestmark = pytest.mark.gui


def _notes(tl):
    """(lane, note) for every shown note on the timeline's shown lanes."""
    marks = set(tl._mark_labels.values())
    for plot in tl.plots:
        if not plot.isVisible():
            continue
        for item in plot.vb.childGroup.childItems():
            if isinstance(item, pg.TextItem) and item not in marks and item.isVisible() and item.toPlainText():
                yield plot, item


def _rect(note):
    return note.textItem.mapRectToScene(note.textItem.boundingRect())


def _inside(note, plot) -> bool:
    lane, r = plot.vb.sceneBoundingRect(), _rect(note)
    return lane.adjusted(-0.5, -0.5, 0.5, 0.5).contains(r)


@pytest.mark.parametrize("size", [(1400, 900), (1366, 768)])
def test_the_empty_lanes_notes_fit_their_lanes(qtbot, window, video_path, size):
    window.resize(*size)
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    qtbot.wait(50)
    window.grab()  # painted: the notes' transforms follow the views
    tl = window.timeline
    notes = list(_notes(tl))
    texts = [n.toPlainText() for _p, n in notes]
    assert HINT_NOT_ANALYSED in texts and any("heat map" in t for t in texts), texts
    for plot, note in notes:
        assert _inside(note, plot), (note.toPlainText(), _rect(note), plot.vb.sceneBoundingRect())
        if note.toPlainText().endswith("…"):
            assert note.toolTip() and note.toolTip().startswith(note.toPlainText()[:-1])
    rects = [_rect(n) for _p, n in notes]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])  # never over each other


def test_a_note_is_fitted_again_when_its_text_or_its_lane_changes(qtbot):
    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    hint = pg.TextItem("", anchor=(0.5, 0.5))  # as the window's hint is added: by another view, text set later
    tl.au_plot.addItem(hint, ignoreBounds=True)
    tl.resize(900, 330)
    tl.set_video(90, 30.0)
    tl.show()
    qtbot.waitExposed(tl)
    hint.setPos(45, 2.5)
    hint.setText(HINT_NOT_ANALYSED)
    qtbot.wait(20)
    tl.grab()
    assert _inside(hint, tl.au_plot) and hint.toPlainText() == HINT_NOT_ANALYSED
    tl.resize(300, 200)  # too small for its lines even at the smallest size: one line, cut short
    qtbot.waitUntil(lambda: hint.toPlainText().endswith("…"))
    tl.grab()
    assert _inside(hint, tl.au_plot) and hint.toolTip() == HINT_NOT_ANALYSED
    hint.setText(HINT_RUNNING)  # its owner sets another text: that one is fitted
    QApplication.processEvents()
    tl.grab()
    assert _inside(hint, tl.au_plot) and hint.toolTip() == HINT_RUNNING
    tl.resize(1200, 400)
    qtbot.waitUntil(lambda: hint.toPlainText() == HINT_RUNNING)  # room again: whole
    tl.grab()
    assert _inside(hint, tl.au_plot) and not hint.toolTip()
