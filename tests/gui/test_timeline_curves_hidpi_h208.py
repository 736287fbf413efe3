"""The timeline's curves at 200 % (a 1080p laptop at 200 %, QT_SCALE_FACTOR=2: a device pixel ratio of 2). Qt draws a
cosmetic pen of 1 px 1 device px wide, so our 1-px curves were half as thick as at 100 % and their dash patterns
(counted in pen widths) half as long: dotted AUs read as sparse single dots. An overlay's 2-px dashed pen, drawn as
two 1-px passes, had its second pass 1 logical px = 2 device px up: two hairlines with a blank row between and
staggered dashes. Now each looks as it does at 100 %, twice the size; at 100 % nothing changed."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import painted_ink

from merstudio.gui.state import CurveBuffer

pytestmark = pytest.mark.gui

FRAMES = 60


def _buffer(columns: dict[str, float]) -> CurveBuffer:
    buf = CurveBuffer(FRAMES)
    for col, value in columns.items():
        buf._array(0, col)[:] = value
    buf.version += 1
    return buf


def _timeline(qtbot):
    from gui_fixtures import shown_timeline

    # AU12 solid, AU05 dotted (palette.au_dash: 1 px on, 2 off); OpenFace's AU25 an overlay (2 px, dashed)
    tl = shown_timeline(qtbot, FRAMES, buffer=_buffer({"AU12_r": 1.0, "AU05_r": 2.0, "AU25_r": 0.5}))
    tl.overlays["OpenFace"] = _buffer({"AU25_r": 4.0})
    tl.refresh()
    tl.au_plot.setXRange(0, FRAMES, padding=0)
    tl.au_plot.setYRange(0, 5, padding=0)
    tl.grab()
    return tl




def _rows(ink: np.ndarray) -> np.ndarray:
    """The rows with ink (a flat line's), in its middle third's columns (clear of the ends)."""
    w = ink.shape[1]
    return np.flatnonzero(ink[:, w // 3: 2 * w // 3].any(axis=1))


def _runs(row: np.ndarray) -> list[int]:
    """The lengths of a row's ink and gaps, without the first and last (cut by the ends)."""
    edges = np.flatnonzero(np.diff(row.astype(np.int8)))
    return np.diff(edges).tolist()[1:-1]


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_a_solid_curve_is_one_logical_px_thick(qtbot, ratio) -> None:
    tl = _timeline(qtbot)
    rows = _rows(painted_ink(tl, tl._curves["AU12_r"].curve, ratio))
    assert len(rows) == ratio and np.ptp(rows) == ratio - 1, rows  # (at 200 %: 2 device rows, side by side)


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_a_dotted_curve_has_its_100_percent_dots_at_twice_the_size(qtbot, ratio) -> None:
    tl = _timeline(qtbot)
    ink = painted_ink(tl, tl._curves["AU05_r"].curve, ratio)
    rows = _rows(ink)
    assert len(rows) == ratio and np.ptp(rows) == ratio - 1, rows
    r = round(ratio)
    for row in rows:
        runs = _runs(ink[row])
        assert len(runs) > 20 and set(runs) == {r, 2 * r}, runs  # 1 on, 2 off at 100 %: 2 on, 4 off at 200 %
        assert runs[::2] == [r] * len(runs[::2]) or runs[1::2] == [r] * len(runs[1::2])


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_an_overlay_is_one_band_two_logical_px_thick_dashed_as_at_100_percent(qtbot, ratio) -> None:
    tl = _timeline(qtbot)
    ink = painted_ink(tl, tl.overlay_curve("OpenFace", "AU25_r").curve, ratio)
    rows = _rows(ink)
    # 2 px at 100 %: 2 rows; at 200 % 4 rows side by side (were 2, a blank row between)
    assert len(rows) == 2 * ratio and np.ptp(rows) == 2 * ratio - 1, rows
    r = round(ratio)
    for row in rows:
        runs = _runs(ink[row])
        assert len(runs) > 10 and set(runs) == {10 * r, 2 * r}, runs  # Qt's 2-px DashLine: 10 on, 2 off


def test_a_legend_sample_is_as_thick_as_its_curve_at_200_percent(qtbot) -> None:
    tl = _timeline(qtbot)
    samples = {label.text: sample for sample, label in tl.au_plot.legend.items}
    thick = {}
    for name in ("12", "5"):
        sample = next(s for text, s in samples.items() if text.strip() == name)
        thick[name] = {ratio: len(np.flatnonzero(painted_ink(tl, sample, ratio).any(axis=1))) for ratio in (1.0, 2.0)}
    assert thick == {"12": {1.0: 1, 2.0: 2}, "5": {1.0: 1, 2.0: 2}}, thick
