"""Every AU's curve in the one AU lane is told apart by a colour-blind coder too (h99): AU05/AU15 were 0.7 apart in
CIELAB under protanopia, AU01/AU02 1.0 and AU12/AU45 1.8 under deuteranopia; the motion lane's mouth and chin alike.
Machado et al. (2009)'s published matrices (severity 1.0) on linear sRGB, applied to the curves' pens."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from support.colour_vision import dichromat_sees, srgb_to_lab

pytestmark = pytest.mark.gui

def _rgb(pen) -> np.ndarray:
    c = pen.color()
    return np.array([c.red(), c.green(), c.blue()]) / 255


def _closest(colours: dict[str, np.ndarray]) -> tuple[float, str, str, str]:
    worst = (np.inf, "", "", "")
    for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
        for kind in ("deutan", "protan", "tritan"):
            d = float(np.linalg.norm(srgb_to_lab(dichromat_sees(ca, kind)) - srgb_to_lab(dichromat_sees(cb, kind))))
            worst = min(worst, (d, a, b, kind))
    return worst


def test_every_pair_of_au_curves_differs_to_colour_blind_eyes(qtbot):
    from gui_fixtures import shown_timeline
    from support.curve_buffers import flat_buffer

    tl = shown_timeline(qtbot, 60)
    tl.set_buffer(flat_buffer(), 0)
    colours = {c: _rgb(k.opts["pen"]) for c, k in tl._curves.items()}
    assert len(colours) == 17
    d, a, b, kind = _closest(colours)
    assert d >= 10, (a, b, kind, d)


def test_the_motion_regions_differ_to_colour_blind_eyes():
    from PySide6.QtGui import QColor

    from merstudio.gui.timeline import MOTION_COLOURS

    colours = {r: np.array(QColor(c).getRgbF()[:3]) for r, c in MOTION_COLOURS.items()}
    d, a, b, kind = _closest(colours)
    assert d >= 10, (a, b, kind, d)
