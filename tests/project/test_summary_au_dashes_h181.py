"""The export summary's AU curves (17 on one axis) differ by dash pattern as well as colour, each its AU's pattern
as in the app's AU lane and its legend (palette.au_linestyle, h178): by colour only, AU06 and AU12 were one grey in a
greyscale print (h181)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from merstudio.io.timebase import Timebase
from merstudio.palette import au_linestyle
from merstudio.project.export import SummaryData, draw_timeline_png

AUS = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)


def _pattern(line: Line2D) -> str:
    # the pattern as drawn (offset, on/off lengths; get_linestyle says "--" for any pattern)
    return str(line._unscaled_dash_pattern)


def test_each_au_curve_and_its_key_take_the_aus_dash_pattern(tmp_path, drawn_figures) -> None:
    n = 90
    cols = {f"AU{a:02d}_r": 0.2 * k + np.sin(np.arange(n) / 9.0 + k) for k, a in enumerate(AUS)}
    frames = pd.DataFrame({"frame": np.arange(n), "face_id": 0, **cols})
    draw_timeline_png(SummaryData("v.mp4", n, frames, (), Timebase(30.0)), tmp_path / "s.png")
    (fig,) = drawn_figures
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert set(lines) == {f"AU{a:02d}" for a in AUS}
    for label, line in lines.items():
        want = _pattern(Line2D([], [], lw=line.get_linewidth(), linestyle=au_linestyle(label + "_r")))
        assert _pattern(line) == want, (label, _pattern(line), want)
    # solid, dotted, short and long dashes, dash-dot, dash-dot-dot (h191; four before)
    assert len({_pattern(line) for line in lines.values()}) == 6
    assert _pattern(lines["AU06"]) != _pattern(lines["AU12"])
    # the key draws the curves' own lines: their patterns with them
    key = {t.get_text(): h for t, h in zip(fig.axes[0].get_legend().get_texts(),
                                            fig.axes[0].get_legend().legend_handles, strict=True)}
    assert all(_pattern(key[label]) == _pattern(line) for label, line in lines.items())
