"""Leaving a long video: the timeline empties its curves before the new video's range is set, so the previous
video's 23 curves of 36,000 points are not re-ranged on their way out (120 ms of a switch away from long20)."""

import numpy as np
import pandas as pd
import pytest
from gui_fixtures import shown_timeline

from merstudio.gui.state import CurveBuffer

pytestmark = pytest.mark.gui

LONG = 36_000  # 20 minutes at 30 fps, as the audit's long20
SHORT = 600  # the demo interview's length


def _long_buffer() -> CurveBuffer:
    i = np.arange(LONG)
    cols = {"frame": i, "face_id": 0, "timestamp": i / 30.0, "success": 1}
    cols.update({f"AU{a:02d}_r": 0.1 * a + (i % 97) / 97 for a in (1, 2, 4, 6, 12)})
    cols["p_positive"] = (i % 50) / 50
    return CurveBuffer.from_frame(pd.DataFrame(cols), LONG)


def _points(tl) -> int:
    """The most points any curve of the timeline holds now."""
    curves = [*tl._curves.values(), *tl._class_curves.values(), *tl._motion_curves.values()]
    return max((0 if c.xData is None else len(c.xData) for c in curves), default=0)


def test_the_curves_are_empty_before_the_range_moves(qtbot, monkeypatch):
    tl = shown_timeline(qtbot, LONG)
    tl.set_buffer(_long_buffer(), 0)
    tl.refresh()
    assert _points(tl) == LONG  # the long video's curves, every frame
    seen: list[int] = []  # the points the curves held whenever a lane's limits or range were set
    for p in tl.plots:
        for name in ("setLimits", "setXRange"):
            real = getattr(p, name)
            monkeypatch.setattr(p, name, lambda *a, _real=real, **k: (seen.append(_points(tl)), _real(*a, **k))[1])
    tl.set_video(SHORT, 30.0)  # the switch to a short video
    assert seen and set(seen) == {0}
    assert tl.plots[0].getViewBox().state["limits"]["xLimits"][1] == pytest.approx(1.05 * SHORT)


def test_the_next_buffer_draws_the_curves_again(qtbot):
    tl = shown_timeline(qtbot, LONG)
    buf = _long_buffer()
    tl.set_buffer(buf, 0)
    tl.refresh()
    tl.set_video(LONG, 30.0)  # the same video shown again (a reopen): its curves come back with its buffer
    assert _points(tl) == 0
    tl.set_buffer(buf, 0)
    tl.refresh()
    assert np.allclose(tl.curve_data("AU12_r"), 1.2 + (np.arange(LONG) % 97) / 97)
