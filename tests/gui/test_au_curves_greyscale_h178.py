"""The AU lane's 17 curves are told apart without colour (h178, "AU lane without dash patterns"): in a greyscale
screenshot or print AU06 (#911eb4) and AU12 (#287058) were one grey (81 and 88 of 255), both solid. Each AU's curve
now has a dash pattern as well as its colour (palette.au_dash), the legend's sample draws it, and an AU's directed
motion (the motion lane's AUxx_m) takes its AU curve's pattern. Six patterns since h191 (four dealt 2-4 AUs each
only 16-18 grey levels apart: AU04/AU10 solid, AU02/AU05 dotted were one in greyscale), their AUs at least 21 apart,
the most six patterns allow."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter

from merstudio.features.aus import AUS
from merstudio.palette import au_colour, au_dash, au_linestyle, grey_level

pytestmark = pytest.mark.gui

MIN_GREY_STEP = 21  # of 255: the least grey difference between two AUs of one pattern (six patterns, 17 grey levels:
# AU02..AU20, seven AUs, lie within 21.1, so no dealing does better; four patterns gave 16.4)
PATTERNS = {(), (1.0, 2.0), (4.0, 3.0), (9.0, 3.0), (6.0, 2.0, 2.0, 2.0), (5.0, 2.0, 1.0, 2.0, 1.0, 2.0)}


def _pattern(pen) -> tuple[float, ...]:
    return tuple(pen.dashPattern()) if pen.style() == Qt.PenStyle.CustomDashLine else ()


def _shown(qtbot, buffer=None):
    from gui_fixtures import shown_timeline
    from support.curve_buffers import flat_buffer

    return shown_timeline(qtbot, 60, buffer=buffer if buffer is not None else flat_buffer())


def test_au_curves_shown_together_differ_in_colour_and_pattern_pairs_and_in_greyscale(qtbot):
    tl = _shown(qtbot)
    pens = {c: k.opts["pen"] for c, k in tl._curves.items()}
    assert len(pens) == 17
    pairs = {c: (p.color().name(), _pattern(p)) for c, p in pens.items()}
    assert len(set(pairs.values())) == 17, pairs
    assert {_pattern(p) for p in pens.values()} == PATTERNS
    held = [sum(_pattern(p) == pat for p in pens.values()) for pat in PATTERNS]
    assert sorted(held) == [2, 3, 3, 3, 3, 3], held  # 2-3 AUs a pattern
    # without colour: two curves of one pattern are apart in grey (AU06 and AU12 were 7 apart, both solid)
    for (a, pa), (b, pb) in itertools.combinations(pens.items(), 2):
        if _pattern(pa) == _pattern(pb):
            gap = abs(grey_level(pa.color().name()) - grey_level(pb.color().name()))
            assert gap >= MIN_GREY_STEP, (a, b, gap)
    assert _pattern(pens["AU06_r"]) != _pattern(pens["AU12_r"])
    # the commonest AUs in micro-expression sets drawn whole or in long dashes (dots read as noise on a jagged curve)
    assert _pattern(pens["AU12_r"]) == () and _pattern(pens["AU04_r"]) == (9.0, 3.0)


def test_an_aus_pattern_is_fixed_by_its_number_whatever_is_shown(qtbot):
    from support.curve_buffers import flat_buffer

    tl = _shown(qtbot, flat_buffer(aus=(12, 6)))
    assert {c: _pattern(k.opts["pen"]) for c, k in tl._curves.items()} == {c: au_dash(c) for c in ("AU12_r", "AU06_r")}
    tl.set_visible_aus(["AU06_r"])
    assert _pattern(tl._curves["AU06_r"].opts["pen"]) == au_dash("AU06_r")
    # matplotlib's form of the same pattern (the plots), and one for an AU outside OpenFace's 17
    assert au_linestyle("AU12_r") == "-" and au_linestyle("AU06_r") == (0.0, au_dash("AU06_r")) != "-"
    assert au_dash("AU43_r") == au_dash("AU43_m")


def _sample_row(sample) -> np.ndarray:
    """The legend sample painted alone on white: its darkest row, True where the line's pen drew."""
    r = sample.boundingRect()
    img = QImage(int(r.width()), int(r.height()), QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    sample.paint(p, None, None)
    p.end()
    a = np.array([[QColor(img.pixel(x, y)).lightness() for x in range(img.width())] for y in range(img.height())])
    row = a[int(np.argmin(a.min(axis=1)))]
    return row < 200


def test_the_legend_sample_draws_its_curves_dash_pattern(qtbot):
    tl = _shown(qtbot)
    samples = {sample.item: sample for sample, _label in tl.au_plot.legend.items}
    by_col = {c: samples[k] for c, k in tl._curves.items()}
    assert all(by_col[c].item.opts["pen"] is tl._curves[c].opts["pen"] for c in by_col)
    solid = next(c for c in by_col if not au_dash(c))
    dashed = next(c for c in by_col if au_dash(c) == (9.0, 3.0))
    on_solid, on_dashed = _sample_row(by_col[solid]), _sample_row(by_col[dashed])
    drawn = np.flatnonzero(on_solid)
    assert drawn.size >= 6  # a line across the sample
    assert on_solid[drawn[0]: drawn[-1] + 1].all()  # solid: no gap
    span = on_dashed[drawn[0]: drawn[-1] + 1]
    assert span.any() and not span.all(), (dashed, span)  # dashed: a gap in its sample as on its curve
    # each of the six patterns shows in the 12-px sample, unlike the others (a 13-px period at most)
    rows = {au_dash(c): tuple(_sample_row(s)[drawn[0]: drawn[-1] + 1]) for c, s in by_col.items()}
    assert len(rows) == len(PATTERNS) and len(set(rows.values())) == len(PATTERNS), rows


def test_an_aus_directed_motion_takes_its_au_curves_pattern(qtbot):
    from support.curve_buffers import flat_buffer

    buf = flat_buffer(aus=AUS)
    for a in AUS:
        buf._array(0, f"AU{a:02d}_m")[:] = 0.1
    buf.version += 1
    tl = _shown(qtbot, buf)
    tl.set_motion_by_au(True)
    tl.refresh()
    assert set(tl._motion_curves) == {f"AU{a:02d}_m" for a in AUS}
    for c, k in tl._motion_curves.items():
        assert _pattern(k.opts["pen"]) == _pattern(tl._curves[c[:-2] + "_r"].opts["pen"]) == au_dash(c), c
        assert k.opts["pen"].color().name() == au_colour(c)


def test_an_overlays_curve_is_told_from_ours_by_its_width(qtbot):
    """An imported table's curves are dashed (Qt's DashLine) in our AU colours: at 1.2 px their dashes were ours
    (AU17's 6-on-3-off) to the eye; 2 px now, ours 1."""
    from support.curve_buffers import flat_buffer

    from merstudio.gui.timeline import CURVE_WIDTH

    tl = _shown(qtbot, flat_buffer(aus=(17, 12)))
    tl.overlays["OpenFace"] = flat_buffer(aus=(17, 12))
    tl.refresh()
    for col in ("AU17_r", "AU12_r"):
        theirs, ours = tl.overlay_curve("OpenFace", col).opts["pen"], tl._curves[col].opts["pen"]
        assert theirs.style() == Qt.PenStyle.DashLine and theirs.color() == ours.color()
        assert ours.widthF() == CURVE_WIDTH and theirs.widthF() >= 2 * CURVE_WIDTH, (col, theirs.widthF())


def test_the_narrow_legend_sample_shows_each_pattern_with_a_gap(qtbot):
    """A short lane's legend narrows its samples to 8 px (a column more): the long dashes (9 on, 3 off) drawn from
    their start were one dash there, "########", solid to the eye (h194). Each dashed pattern now starts where its
    8 px show a gap and its last parts, and the six still differ; the 12-px sample is as it was."""
    from merstudio.gui.timeline_items import NARROW_SAMPLE_PX

    tl = _shown(qtbot)
    samples = {sample.item: sample for sample, _label in tl.au_plot.legend.items}
    by_col = {c: samples[k] for c, k in tl._curves.items()}
    wide = {au_dash(c): tuple(_sample_row(s)) for c, s in by_col.items()}
    rows = {}
    for c, s in by_col.items():
        s.set_narrow(True)
        row = _sample_row(s)
        assert s.boundingRect().width() == NARROW_SAMPLE_PX and row.sum() >= 3, (c, row)
        if au_dash(c):
            assert not row.all(), (c, "".join("#" if v else "." for v in row))  # a gap, as on its curve
        rows["".join("#" if v else "." for v in row)] = au_dash(c)
    assert set(rows.values()) == PATTERNS and len(rows) == len(PATTERNS), rows  # each its own
    assert rows["#####..."] == (9.0, 3.0)  # the long dash as long as 8 px show with its gap
    for s in by_col.values():
        s.set_narrow(False)
    assert {au_dash(c): tuple(_sample_row(s)) for c, s in by_col.items()} == wide


def test_a_samples_dash_offset():
    from merstudio.gui.timeline_items import sample_dash_offset

    assert sample_dash_offset((), 8) == sample_dash_offset((4.0, 3.0), 8) == sample_dash_offset((1.0, 2.0), 8) == 0
    assert sample_dash_offset((9.0, 3.0), 8) == 4  # its dash's last 5 px, then its gap
    assert sample_dash_offset((6.0, 2.0, 2.0, 2.0), 8) == 2  # dash, gap, dot
    assert sample_dash_offset((5.0, 2.0, 1.0, 2.0, 1.0, 2.0), 8) == 3  # the dash's end and the two dots
    assert sample_dash_offset((5.0, 2.0, 1.0, 2.0, 1.0, 2.0), 12) == 0  # the 12-px sample: from its start


@pytest.mark.parametrize("narrow", [False, True])
def test_a_sample_draws_its_width_of_the_pattern_and_no_more(qtbot, narrow):
    """Its 1-px line's last pixel fell one past its box (two at a fractional place in its row, as the legend lays
    it): after a long dash's gap the next dash's start, a dot, so long dashes read as dash-dot (h194)."""
    tl = _shown(qtbot)
    samples = {sample.item: sample for sample, _label in tl.au_plot.legend.items}
    s = samples[tl._curves["AU04_r"]]
    s.set_narrow(narrow)
    w = int(s.boundingRect().width())
    own = _sample_row(s)
    for x in (0.0, 0.875, 3.5):
        img = QImage(w + 10, 10, QImage.Format.Format_RGB32)
        img.fill(QColor("white"))
        p = QPainter(img)
        p.translate(x, 0)
        s.paint(p, None, None)
        p.end()
        dark = [x for x in range(img.width()) for y in range(10) if QColor(img.pixel(x, y)).lightness() < 200]
        at = round(x)
        assert dark and min(dark) >= at and max(dark) < at + w, (x, sorted(set(dark)))
        row = [any(QColor(img.pixel(at + i, y)).lightness() < 200 for y in range(10)) for i in range(w)]
        assert row == list(own), (x, row)
