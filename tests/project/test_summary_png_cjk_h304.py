"""The summary PNG (File > Export > Summary) draws with the plots' one style (analysis.plot.drawing: CJK fallback
fonts where installed) and says which characters of its text no font here has (audit a111 finding 8: "Lächeln
□□.mp4", only a Python warning per character on stderr): one line, given to the caller's ``notes`` (the app's
status bar) or, without, warned once, as `analyze --plot` warns."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager, ft2font

from merstudio import mpl_config
from merstudio.io.timebase import Timebase
from merstudio.project.export import SummaryData, write_summary

NAME = "Lächeln 笑顔.mp4"


@pytest.fixture(autouse=True)
def _no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine without a CJK font (CI's), whatever is installed here."""
    monkeypatch.setattr(mpl_config, "CJK_FAMILIES", (), raising=False)


def _data(name: str, n: int = 20) -> SummaryData:
    frames = pd.DataFrame({"frame": np.arange(n), "face_id": 0, "success": 1, "AU12_r": np.linspace(0, 5, n)})
    return SummaryData(name, n, frames, (), Timebase(30.0))


def _lacking(text: str) -> str:
    font = ft2font.FT2Font(font_manager.findfont(font_manager.FontProperties()))
    return "".join(c for c in text if ord(c) > 0x7E and font.get_char_index(ord(c)) == 0)


@pytest.mark.parametrize("frames", [20, 1])  # a video's timeline, a photo's bars
def test_characters_drawn_as_boxes_are_said_once(tmp_path: Path, frames: int) -> None:
    lacking = _lacking(NAME)
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        paths = write_summary(_data(NAME, frames), tmp_path / "s.csv", tmp_path / "s.png", notes=notes)
    assert [p.name for p in paths] == ["s.csv", "s.png"]
    assert not [str(w.message) for w in seen if "Glyph" in str(w.message)]  # matplotlib's, one per character
    if lacking:  # (a machine with a CJK font has none)
        assert len(notes) == 1 and f"({lacking})" in notes[0] and "s.png" in notes[0] and "s.png." not in notes[0]
        assert "drawn as boxes" in notes[0], notes
        assert not seen, [str(w.message) for w in seen]  # said to the caller, not also on stderr
    else:
        assert notes == []


def test_without_notes_it_is_warned(tmp_path: Path) -> None:
    lacking = _lacking(NAME)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        write_summary(_data(NAME), tmp_path / "s.csv", tmp_path / "s.png")
    said = [str(w.message) for w in seen]
    assert len(said) == (1 if lacking else 0), said


def test_the_summary_draws_with_the_fallback_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """STIXGeneral stands in for an installed CJK font: what the figure is drawn with names it after the default."""
    from matplotlib.figure import Figure

    monkeypatch.setattr(mpl_config, "CJK_FAMILIES", ("STIXGeneral",), raising=False)
    families: list[list[str]] = []
    real = Figure.savefig

    def savefig(self, *args, **kwargs):
        families.append(list(matplotlib.rcParams["font.family"]))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    before = list(matplotlib.rcParams["font.family"])
    write_summary(_data("a \u210a.mp4"), tmp_path / "s.csv", tmp_path / "s.png", notes=(notes := []))
    assert families == [[*before, "STIXGeneral"]]
    assert notes == []  # SCRIPT SMALL G is STIXGeneral's: drawn, not a box
