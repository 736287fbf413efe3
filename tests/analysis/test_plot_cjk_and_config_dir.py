"""Plots and the environments users have. A title with a CJK file name printed matplotlib's warning once per
character its font lacks, at every draw (twice); a HOME where matplotlib cannot make its folders printed its three
raw lines about a temporary cache folder on stderr, even with -q."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from matplotlib import font_manager, ft2font

from merstudio.analysis.plot import plot_au_curves

NAME = "受试者_07.mp4"
REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"


def _table(n: int) -> pd.DataFrame:
    return pd.DataFrame([{"frame": i, "face_id": 0, "timestamp": i / 30, "confidence": 0.9, "success": 1,
                          "AU12_r": 1.0 + i / n, "AU12_c": 1} for i in range(n)])


def test_a_cjk_title_gives_one_warning_at_most(tmp_path: Path) -> None:
    font = ft2font.FT2Font(font_manager.findfont(font_manager.FontProperties()))
    lacking = [c for c in "受试者" if font.get_char_index(ord(c)) == 0]  # what this system's font cannot draw
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        png = plot_au_curves(_table(30), tmp_path / "p.png", 0, title=NAME)
    assert png.stat().st_size > 0
    said = [str(w.message) for w in seen]
    assert not [s for s in said if s.startswith("Glyph")], said  # 6 such lines before (3 characters, 2 draws)
    assert len(said) == (1 if lacking else 0), said
    if lacking:
        assert "".join(lacking) in said[0] and "p.png" in said[0]


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/real-faces/smile_man.mp4 is absent")
def test_no_matplotlib_lines_where_home_cannot_hold_its_folders(tmp_path: Path) -> None:
    (tmp_path / "clip.mp4").symlink_to(REAL)  # a face: its curves are plotted
    home = tmp_path / "home"
    home.write_text("a file: no folder can be made in it, whoever runs the test (root too)")
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(tmp_path / "config"))  # merstudio's own settings: elsewhere
    done = subprocess.run([sys.executable, "-m", "merstudio", "analyze", "clip.mp4", "-o", "out", "--plot", "-q"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-1500:]
    assert (tmp_path / "out" / "clip.png").is_file()
    assert "matplotlib" not in done.stderr.lower(), done.stderr
