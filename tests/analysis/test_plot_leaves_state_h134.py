"""Plots drawn from a notebook: plot_au_curves (and the face map and sheet) leave the session's matplotlib backend
and warning filters as they were (they switched an inline/svg backend to Agg, so later plots stopped showing, and
left a filter behind for good), and take a str path as well as a Path."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd

from merstudio.analysis.plot import plot_au_curves, plot_face_map, plot_face_sheet


def _table(n: int) -> pd.DataFrame:
    return pd.DataFrame([{"frame": i, "face_id": 0, "timestamp": i / 30, "confidence": 0.9, "success": 1,
                          "AU12_r": 1.0 + 3.0 * i / n, "AU12_c": 1} for i in range(n)])


# In a fresh interpreter: this process's backend and filters are whatever the tests before left them.
NOTEBOOK = """
import json, pathlib, sys, warnings
import matplotlib
matplotlib.use("svg")  # a notebook's own backend (inline, svg): not Agg
import pandas as pd
from merstudio.analysis.plot import plot_au_curves
filters = list(warnings.filters)
df = pd.DataFrame([{"frame": i, "face_id": 0, "timestamp": i / 30, "confidence": 0.9, "success": 1,
                    "AU12_r": 1.0 + 3.0 * i / 30, "AU12_c": 1} for i in range(30)])
plot_au_curves(df, pathlib.Path(sys.argv[1]), 0, title="受试者.mp4")  # a title the font may lack: the glyph filter's case
print(json.dumps({"backend": matplotlib.get_backend(), "filters_kept": warnings.filters == filters,
                  "added": [str(f[1].pattern) for f in warnings.filters if f not in filters and f[1] is not None]}))
"""


def test_the_sessions_backend_and_warning_filters_are_left_as_they_were(tmp_path: Path) -> None:
    png = tmp_path / "curves.png"
    done = subprocess.run([sys.executable, "-c", NOTEBOOK, str(png)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["backend"] == "svg", seen  # was agg: the notebook's later plots stopped showing
    assert seen["filters_kept"], seen  # was one filter more (matplotlib's glyph warnings), for good
    assert mpimg.imread(png).shape[1] == 11 * 110  # the PNG was still drawn: 11 inches at 110 dpi


def test_a_str_path_is_taken_as_a_path(tmp_path: Path) -> None:
    out = plot_au_curves(_table(30), str(tmp_path / "curves.png"), 0)  # was AttributeError: 'str' ... 'suffix'
    assert out == tmp_path / "curves.png" and isinstance(out, Path)
    assert mpimg.imread(out).shape[1] == 11 * 110  # a PNG, 11 inches wide at 110 dpi
    bars = plot_au_curves(_table(1), str(tmp_path / "photo.png"), 0)
    assert mpimg.imread(bars).ndim == 3
    rgb = np.full((120, 160, 3), 200, np.uint8)
    assert plot_face_map(rgb, [(0, (40.0, 20.0, 100.0, 90.0), "AU 12")], str(tmp_path / "map.png")).is_file()
    assert plot_face_sheet([(0, rgb, "face 0")], str(tmp_path / "sheet.png")).is_file()


def test_an_svg_path_is_written_as_svg(tmp_path: Path) -> None:
    """The format still follows the suffix, now that the figure has an Agg canvas of its own."""
    out = plot_au_curves(_table(30), tmp_path / "curves.svg", 0)
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_the_filters_are_the_same_list_after_a_plot_in_this_process(tmp_path: Path) -> None:
    with warnings.catch_warnings():  # this test's own changes undone after it
        warnings.resetwarnings()
        before = list(warnings.filters)
        plot_au_curves(_table(30), tmp_path / "curves.png", 0)
        assert warnings.filters == before
