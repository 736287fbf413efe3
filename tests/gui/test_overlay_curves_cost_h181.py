"""An overlay's curves (an imported OpenFace/py-feat table, a previous run) cost what ours do at any zoom (h181): both
are decimated and clipped to the view by their plot, but the overlay's 2-px dashed pen went through Qt's general
stroker, ~100 times the cost of our 1-px cosmetic pens (17 overlay curves on 100k frames: 2.4 CPU-s a whole-video
render against 21 ms without them). It is drawn as two 1-px dashed passes a pixel apart now: the same look (h178:
2 px wide, told from ours by its width), on Qt's fast path."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from merstudio.gui.state import CurveBuffer

pytestmark = pytest.mark.gui


class _PenLog(QPainter):
    """A painter that keeps each pen it is given (pyqtgraph's paint code calls setPen from Python)."""

    def __init__(self, device: QImage) -> None:
        super().__init__(device)
        self.pens: list[QPen] = []

    def setPen(self, pen) -> None:  # noqa: N802 - Qt's name
        self.pens.append(QPen(pen))
        super().setPen(pen)


def _paint(tl, item, paint=None) -> tuple[np.ndarray, list[QPen]]:
    """`item` painted alone where the timeline shows it, on white: (True where ink, the pens set)."""
    vp = tl.viewport()
    img = QImage(vp.width(), vp.height(), QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = _PenLog(img)
    p.setTransform(item.deviceTransform(tl.viewportTransform()))
    (paint or item.paint)(p, None, None)
    pens = p.pens
    p.end()
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)[:, :vp.width()]
    return a[..., :3].min(axis=2) < 200, pens


def _buffer(y: np.ndarray) -> CurveBuffer:
    buf = CurveBuffer(len(y))
    buf._array(0, "AU12_r")[:] = y
    buf.version += 1
    return buf


def _shown(qtbot, ours: np.ndarray, theirs: np.ndarray):
    from gui_fixtures import shown_timeline

    tl = shown_timeline(qtbot, len(ours), buffer=_buffer(ours))
    tl.overlays["OpenFace"] = _buffer(theirs)
    tl.refresh()
    return tl


def test_at_full_zoom_out_an_overlay_hands_qt_as_few_points_as_ours_and_only_1px_pens(qtbot):
    frames = 50_000
    rng = np.random.default_rng(0)
    walk = np.abs(np.cumsum(rng.normal(0, 0.05, (2, frames)), axis=1)) % 5
    tl = _shown(qtbot, walk[0], walk[1])
    tl.au_plot.setXRange(0, frames, padding=0)
    tl.grab()  # drawn once: the view's range reaches the curves
    theirs, ours = tl.overlay_curve("OpenFace", "AU12_r"), tl._curves["AU12_r"]
    assert theirs is not None and theirs.opts["pen"].widthF() == 2.0
    # decimated to the view's width as ours (peak: a min and a max each of 5 columns a px, a whole number of frames
    # each: under 20 points a px)
    n = len(theirs.curve.xData)
    assert n == len(ours.curve.xData) and n < 20 * tl.au_plot.vb.width() < frames, (n, frames)
    ink, pens = _paint(tl, theirs.curve)
    assert ink.sum() > 1000  # it drew its zigzag
    # Qt's fast path: cosmetic pens of 1 px (its 2-px dashed pen: 150 ms a curve here, 1.5 as two 1-px passes)
    assert pens and all(p.isCosmetic() and p.widthF() <= 1.0 for p in pens), [p.widthF() for p in pens]


def test_the_two_passes_draw_the_overlays_2px_dashes_as_qt_does(qtbot):
    import pyqtgraph as pg

    frames = 60
    step = np.where(np.arange(frames) < 30, 1.0, 4.0)  # a horizontal run, a vertical rise, a horizontal run
    tl = _shown(qtbot, np.full(frames, 2.5), step)
    item = tl.overlay_curve("OpenFace", "AU12_r").curve
    passes, pens = _paint(tl, item)
    qt, _ = _paint(tl, item, lambda p, o, w: pg.PlotCurveItem.paint(item, p, o, w))
    assert all(p.widthF() == 1.0 for p in pens)
    # the ink Qt's 2-px pen lays (a pixel's rounding apart: the passes' second row is above, Qt's may be below)
    assert abs(int(passes.sum()) - int(qt.sum())) <= 0.1 * qt.sum(), (passes.sum(), qt.sum())
    rows = np.flatnonzero(passes.any(axis=1))
    low = rows.max()  # the first run, at 1.0: the lowest ink
    run = passes[low - 3: low + 1][:, ~passes[: low - 3].any(axis=0)]  # its columns clear of the rise
    assert run.sum(axis=0).max() == 2, run.sum(axis=0).max()  # 2 px thick
    # dashed as Qt's DashLine at 2 px with its square caps: 10 px on, 2 off, on each of its rows
    for row in run[run.any(axis=1)]:
        lengths = np.diff(np.flatnonzero(np.diff(row.astype(np.int8))))
        assert len(lengths) > 20 and set(lengths[1:-1]) == {10, 2}, lengths
    # the rise between the runs: 2 px wide too
    rise = passes[rows.min() + 4: low - 4]
    assert np.median(rise.sum(axis=1)) == 2
