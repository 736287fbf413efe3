"""The readout kept at the view's top while the lanes scroll (h217) stays drawn there when its height changes (a seek
whose values take a line more or less): pyqtgraph's bounding rect of the moved readout, made again at the new
height, was its layout place far above the view; its text was clipped away there, the white plate at the top
empty (h229)."""

from __future__ import annotations

import pytest
from helpers import lanes_timeline

pytestmark = pytest.mark.gui


def _in_view(tl, item) -> tuple[float, float]:
    r = tl.mapFromScene(item.sceneBoundingRect()).boundingRect()
    return r.top(), r.bottom()


def _dark_rows(tl, top: float, bottom: float) -> int:
    """The rows of the view's pixels from `top` to `bottom` holding text (a dark pixel left of the scroll bar)."""
    img = tl.viewport().grab().toImage()
    scale = img.devicePixelRatio()
    rows = 0
    for y in range(max(0, int(top * scale)), min(img.height(), int(bottom * scale))):
        if any(img.pixelColor(x, y).lightness() < 100 for x in range(0, img.width() - 1, 2)):
            rows += 1
    return rows


@pytest.mark.parametrize("lines", [1, 4])
def test_a_readout_of_another_height_stays_drawn_at_the_top_while_scrolled(qtbot, app_pt, lines) -> None:
    from merstudio.project import Behaviour, BehaviourEvent

    app_pt(16.0)
    gaze, nod = Behaviour("gaze away", key="1", id=1), Behaviour("nod", key="2", kind="point", id=2)
    tl, _lane = lanes_timeline(qtbot, (901, 291), ("alice", "bob", "cy"), True, [gaze, nod],
                               [BehaviourEvent(1, 1, 2, 60, id=1), BehaviourEvent(1, 2, 3, 3, id=2)])
    bar = tl.verticalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0
    top0, _bottom0 = _in_view(tl, tl.readout)
    bar.setValue(bar.maximum())
    qtbot.wait(20)
    tall = tl.readout.size().height()
    text = "<br>".join(["<b>frame 7</b>"] * lines)  # one line fewer, or more, than the readout had
    tl.readout.set_lines(text, text)
    qtbot.waitUntil(lambda: tl.readout.size().height() != tall)
    qtbot.wait(20)
    top, bottom = _in_view(tl, tl.readout)
    assert top == pytest.approx(top0, abs=1) and bottom - top == pytest.approx(tl.readout.size().height(), abs=1)
    assert tl._readout_plate.isVisible()
    # drawn there: its text on the plate, not clipped away at its layout place above the view
    assert _dark_rows(tl, top, bottom) >= 0.5 * tl.readout.item.boundingRect().height()
    # and as the lanes scroll on
    bar.setValue(bar.maximum() - 1)
    qtbot.wait(20)
    assert _in_view(tl, tl.readout)[0] == pytest.approx(top0, abs=1)
    assert _dark_rows(tl, top, bottom) >= 0.5 * tl.readout.item.boundingRect().height()
