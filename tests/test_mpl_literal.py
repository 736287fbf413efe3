"""File names, coders and truth labels are drawn as they are: a pair of dollar signs in them started matplotlib's
mathtext, drawing `clip$_2$.mp4` as "clip₂.mp4", or failed the whole drawing with a raw ValueError (h183's find)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from merstudio.analysis.plot import plot_au_curves
from merstudio.io.timebase import Timebase
from merstudio.mpl_config import literal
from merstudio.project.export import SummaryData, draw_photo_png, draw_timeline_png

NAME = r"x$\frac$ clip$_2$.mp4"


def _frames(n: int) -> pd.DataFrame:
    return pd.DataFrame({"frame": np.arange(n), "face_id": 0, "success": 1, "timestamp": np.arange(n) / 30.0,
                         "AU12_r": np.linspace(0, 5, n)})


def test_literal_escapes_every_dollar() -> None:
    assert literal(NAME) == r"x\$\frac\$ clip\$_2\$.mp4" and literal("no math") == "no math"


def test_the_summary_pngs_draw_a_dollar_name(tmp_path: Path) -> None:
    draw_timeline_png(SummaryData(NAME, 20, _frames(20), (), Timebase(30.0)), tmp_path / "t.png")
    draw_photo_png(SummaryData(NAME, 1, _frames(1), (), Timebase(30.0)), tmp_path / "b.png")
    assert (tmp_path / "t.png").stat().st_size > 0 and (tmp_path / "b.png").stat().st_size > 0


def test_the_analyze_plot_draws_a_dollar_title_and_label(tmp_path: Path) -> None:
    png = plot_au_curves(_frames(30), tmp_path / "c.png", 0, truth=[(5, 9, "$\\frac$")], title=NAME)
    assert png.stat().st_size > 0
