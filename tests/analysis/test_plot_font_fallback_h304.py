"""CJK text in merstudio's plots (audit a111 finding 8): no font fallback was configured, so a Chinese user's
installed Noto Sans CJK / WenQuanYi went unused and a title "Lächeln 笑顔.mp4" was drawn "Lächeln □□.mp4". The
drawings' one style (mpl_config.drawing) puts each installed CJK family after the configured one in font.family
(matplotlib's per-glyph fallback), and the missing-glyph warning counts a character any of them has as drawn. This
machine has no CJK font: STIXGeneral (matplotlib's own, which has glyphs DejaVu Sans lacks) stands in for one."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib import font_manager, ft2font

from merstudio import mpl_config
from merstudio.analysis import plot
from merstudio.analysis.plot import plot_au_curves

SCRIPT_G = "\u210a"  # SCRIPT SMALL G: in STIXGeneral, not in DejaVu Sans


def _table(n: int) -> pd.DataFrame:
    return pd.DataFrame([{"frame": i, "face_id": 0, "timestamp": i / 30, "confidence": 0.9, "success": 1,
                          "AU12_r": 1.0 + i / n, "AU12_c": 1} for i in range(n)])


def _has(family: str, char: str) -> bool:
    path = font_manager.findfont(font_manager.FontProperties(family=[family]), fallback_to_default=False)
    return ft2font.FT2Font(path).get_char_index(ord(char)) != 0


def test_the_usual_cjk_families_are_the_fallbacks() -> None:
    for family in ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
                   "WenQuanYi Micro Hei", "Droid Sans Fallback", "Microsoft YaHei", "PingFang SC"):
        assert family in mpl_config.CJK_FAMILIES


def test_installed_fallbacks_follow_the_configured_family(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mpl_config, "CJK_FAMILIES", ("Not Installed Sans", "STIXGeneral"))
    # only installed ones are named: matplotlib logs a warning at every draw for a family it cannot find
    assert mpl_config.font_families() == [*matplotlib.rcParams["font.family"], "STIXGeneral"]
    before = list(matplotlib.rcParams["font.family"])
    with plot.drawing():
        assert list(matplotlib.rcParams["font.family"]) == [*before, "STIXGeneral"]
    assert list(matplotlib.rcParams["font.family"]) == before  # a notebook's style is left as it was


def test_a_glyph_of_a_fallback_font_is_drawn_and_not_called_missing(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    assert _has("STIXGeneral", SCRIPT_G) and not _has("DejaVu Sans", SCRIPT_G)  # the stand-in's premise
    monkeypatch.setattr(mpl_config, "CJK_FAMILIES", ("STIXGeneral",), raising=False)
    lacking = "".join(c for c in "笑顔" if not _has("STIXGeneral", c) and not _has("DejaVu Sans", c))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        png = plot_au_curves(_table(20), tmp_path / "p.png", 0, title=f"Lächeln {SCRIPT_G} 笑顔.mp4")
    assert png.stat().st_size > 0
    said = [str(w.message) for w in seen]
    assert len(said) == (1 if lacking else 0), said
    if lacking:  # the CJK characters no font here has, not the one the fallback drew
        assert f"2 character(s) of its text ({lacking})" in said[0] and SCRIPT_G not in said[0], said
        assert "p.png" in said[0] and "drawn as boxes" in said[0]


def test_matplotlib_itself_draws_the_glyph_from_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only our own check: matplotlib, drawing inside drawing(), finds the glyph (it warns 'Glyph … missing'
    for one it draws as a box)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def glyph_warnings() -> list[str]:
        with plot.drawing(), warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            fig = Figure()
            FigureCanvasAgg(fig)
            fig.suptitle(f"a {SCRIPT_G}")
            fig.canvas.draw()
        return [str(w.message) for w in seen if "missing from" in str(w.message)]

    assert glyph_warnings()  # DejaVu Sans alone: drawn as a box
    monkeypatch.setattr(mpl_config, "CJK_FAMILIES", ("STIXGeneral",), raising=False)
    assert not glyph_warnings()
