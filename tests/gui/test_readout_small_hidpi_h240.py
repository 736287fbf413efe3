"""The readout over the lanes on a small screen at 200 % (a 960x540 window: its timeline 794x215, the same layout at
any scale): the values went onto wrapped lines cut at the room with "…" (the model's "not asked" reason took the
lines, the AU values past it only in the tooltip). Now the readout takes the lines it needs up to a share of the
timeline's height, and where even that is short its values go into columns of compact cells ("AU12 1.80"), the AUs
present at the frame kept first and "+N more" saying what was left out; the frame and its time always show, the
tooltip has the whole."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from gui_fixtures import shown_timeline
from support.curve_buffers import ALL_AUS, CLASSES, lanes_frame

pytestmark = pytest.mark.gui

# the timeline of a 960x540 window (200 % of a 1920x1080 screen) is 794x215: the analysed demo's lanes left its
# readout 37 px there (three lines, the reason cut "(its…"); these lanes leave it that at 794x200
PANE = (794, 200)


def _buffer(not_asked: bool = False, present: tuple[int, ...] = ()):
    """lanes_frame's 300 frames; the model not asked anywhere (its classes unknown on a face's frames), or AUxx_c
    1 for the AUs `present` (at a lower value than the others': kept for being present, not for their value)."""
    from merstudio.gui.state import CurveBuffer

    df = lanes_frame(300)
    if not_asked:
        for c in CLASSES:
            df[f"p_{c}"] = np.nan
    if present:
        for a in ALL_AUS:
            df[f"AU{a:02d}_r"] = 0.5 if a in present else 0.9
            df[f"AU{a:02d}_c"] = int(a in present)
    return CurveBuffer.from_frame(pd.DataFrame(df), 300)


def _drawn(tl) -> str:
    return " ".join(tl.readout.item.document().toPlainText().replace("\xa0", " ").split())


def test_every_au_value_shows_at_200_percent_on_a_small_screen(qtbot) -> None:
    tl = shown_timeline(qtbot, 300, PANE, buffer=_buffer(not_asked=True))
    tl.set_playhead(120)
    qtbot.wait(20)
    drawn = _drawn(tl)
    assert drawn.startswith("frame 120 (4.000 s)"), drawn
    for col, v in tl.readout_values().items():  # every AU, by its compact name, with its value
        if col.startswith("p_"):
            continue
        assert re.search(rf"(^|\s|AU){int(col[2:4])} {v:.2f}", drawn), (col, drawn)
    assert "\u2026" not in drawn and "more" not in drawn, drawn  # nothing cut, nothing left out
    # the model's reason whole, or said short with the whole in the tooltip
    assert "(its release gate)" in drawn or ("not asked" in drawn and "(its release gate)" in tl.readout.toolTip())
    # within its share of the timeline: the lanes keep the rest
    assert tl.readout.size().height() <= 0.3 * tl.viewport().height() + 1


def test_where_rows_run_out_the_present_aus_stay_and_the_rest_are_counted(qtbot) -> None:
    # a narrow, short timeline (the pane dragged small beside and under the video): not room for every value
    tl = shown_timeline(qtbot, 300, (300, 120), buffer=_buffer(present=(25, 45)))
    tl.set_playhead(30)
    qtbot.wait(20)
    r = tl.readout
    drawn = _drawn(tl)
    assert drawn.startswith("frame 30 (1.000 s)"), drawn
    # the present AUs, last in AU order, kept (before: the lines were cut at "14 0.90…")
    assert all(re.search(rf"(\s|AU){a} 0\.50", drawn) for a in (25, 45)), drawn
    shown = re.findall(r"AU(\d+) ", drawn)
    more = re.search(r"\+(\d+) more", drawn)
    classes_left = 0 if "class p" in drawn else len(CLASSES)
    assert more is not None and int(more.group(1)) == len(ALL_AUS) - len(shown) + classes_left, drawn
    assert len(shown) < len(ALL_AUS)
    tip = r.toolTip()
    assert tip.startswith("frame 30 (1.000 s)") and all(f"{a} 0.90" in tip for a in (1, 2, 26)), tip
    assert "positive 0.20" in tip

    tl.resize(300, 600)  # room again: every value, no tooltip
    qtbot.wait(50)
    drawn = _drawn(tl)
    assert all(re.search(rf"(\s|AU){a} 0\.[59]0", drawn) for a in ALL_AUS), drawn
    assert "more" not in drawn and "\u2026" not in drawn and r.toolTip() == "", drawn


def test_a_wide_timeline_keeps_its_one_or_two_lines(qtbot) -> None:
    """At 100 % on a big screen the readout is text on one or two lines, as before: no grid, nothing cut."""
    tl = shown_timeline(qtbot, 300, (1500, 420), buffer=_buffer(not_asked=True))
    tl.set_playhead(120)
    qtbot.wait(20)
    r = tl.readout
    assert "<table" not in r.text and r.item.textWidth() < 0 and r.toolTip() == ""
    assert "(its release gate)" in _drawn(tl)
