"""The summary PNG's keys stand right of their lanes, never over the curves: inside, at the top right, the AU key
covered AU12 and AU25 at 5 (a smile's top) and the class key a class p near 1 (audit a89)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg

from merstudio.io.timebase import Timebase
from merstudio.project.export import SummaryData, draw_timeline_png

AUS = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)


def test_the_keys_cover_no_lane(tmp_path, drawn_figures) -> None:
    n = 72
    ramp = np.clip(np.arange(n) - 15, 0, 5).astype(float)  # AU12 and AU25 at 5 from frame 20 to the end
    cols = {f"AU{a:02d}_r": ramp if a in (12, 25) else np.zeros(n) for a in AUS}
    frames = pd.DataFrame({"frame": np.arange(n), "face_id": 0, **cols,
                           "p_positive": np.full(n, 0.95), "p_negative": np.full(n, 0.03), "p_none": 0.02})
    draw_timeline_png(SummaryData("v.mp4", n, frames, (), Timebase(30.0)), tmp_path / "s.png")
    assert (tmp_path / "s.png").stat().st_size > 0
    fig = drawn_figures[0]
    renderer = FigureCanvasAgg(fig).get_renderer()
    axes = fig.axes
    legends = [(ax, ax.get_legend()) for ax in axes[:2]]
    assert all(lg is not None for _, lg in legends)
    for ax, lg in legends:
        key = lg.get_window_extent(renderer)
        for lane in axes:
            box = lane.get_window_extent(renderer)
            assert key.x0 >= box.x1 or key.y0 >= box.y1 or key.y1 <= box.y0, (ax.get_ylabel(), lane.get_ylabel())
        assert key.x1 <= fig.bbox.x1 + 1  # and it fits on the figure
    assert len({round(ax.get_window_extent(renderer).x1) for ax in axes}) == 1  # the lanes still end together
