"""File > Export > Summary says in the status bar which characters of its PNG's text no installed font has (audit
a111 finding 8: "Lächeln □□.mp4" drawn, the status bar said "Exported …" alone, a Python warning went to stderr),
as `analyze --plot` says it (analysis.plot.missing_glyphs_line)."""

from __future__ import annotations

import dataclasses

import pytest
from matplotlib import font_manager, ft2font

from merstudio.gui import commands as C

pytestmark = [pytest.mark.gui]

NAME = "Lächeln 笑顔.mp4"


def test_the_summary_export_says_what_was_drawn_as_boxes(qtbot, window, video_path, tmp_path, monkeypatch):
    from merstudio import mpl_config
    from merstudio.project import export as ex

    monkeypatch.setattr(mpl_config, "CJK_FAMILIES", (), raising=False)  # as without a CJK font (CI), whatever is here
    font = ft2font.FT2Font(font_manager.findfont(font_manager.FontProperties()))
    lacking = "".join(c for c in "笑顔" if font.get_char_index(ord(c)) == 0)
    if not lacking:
        pytest.skip("matplotlib's configured font here has CJK glyphs: nothing is drawn as a box")
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    real = ex.summary_data
    # the video's name as a Japanese user's file is named (the file itself need not be)
    monkeypatch.setattr(ex, "summary_data", lambda *a, **k: dataclasses.replace(real(*a, **k), video=NAME))
    out = tmp_path / "s.csv"
    assert window.ctx.execute(C.Export, kind="summary", path=str(out)), window.errors
    qtbot.waitUntil(lambda: not window.exports.running, timeout=20000)
    qtbot.waitUntil(lambda: "drawn as boxes" in window.statusBar().currentMessage(), timeout=5000)
    said = window.statusBar().currentMessage()
    assert said.startswith(f"Exported {out} and s.png; "), said
    assert f"; s.png: 2 character(s) of its text ({lacking})" in said and not window.errors
