"""The readout above the timeline, wrapped onto more lines than the lanes leave it room for (a 1366x768 laptop at
125 %): the lines past the room were dropped silently ("... or the face going back to" and nothing more). The last
line kept now ends with "…" and the whole readout is in its tooltip; with room again it is whole, no tooltip."""

from __future__ import annotations

import math

import pytest
from gui_fixtures import wrapped_readout

pytestmark = pytest.mark.gui

REASON = ("class p <i>not asked: too little motion (the model's motion gate; in a blink or under a hand, of the rest "
          "of the face), a turning head, or the face going back to rest (its release gate)</i>")


def _wrapped(qtbot):
    text = "<b>frame 0</b> | AU " + " ".join(f"<b>{n}</b> 0.00" for n in (1, 2, 4, 5, 6, 7, 9, 10))
    return wrapped_readout(qtbot, f"{text} {REASON}", f"{text}<br>{REASON}")


def test_a_cut_readout_ends_with_an_ellipsis_and_tells_the_whole_text(qtbot) -> None:
    r = _wrapped(qtbot)
    whole = r.item.document().toPlainText()
    assert whole.rstrip().endswith("(its release gate)")
    r.set_room(r._two_px + 1)  # room for the two lines, not for the rest
    shown = r.item.document().toPlainText()
    assert shown.endswith("\u2026") and not shown[:-1][-1].isspace(), shown
    assert "(its release gate)" not in shown
    assert r.item.boundingRect().height() <= r._two_px + 1 + 2 * r.item.document().documentMargin()
    assert "(its release gate)" in r.toolTip()  # the whole readout, as plain text
    assert "<i>" not in r.toolTip()

    r.set_room(math.inf)  # room again (a taller window): the whole text, nothing cut, no tooltip
    assert r.item.document().toPlainText() == whole
    assert r.toolTip() == ""


def test_a_readout_that_fits_is_not_cut(qtbot) -> None:
    r = _wrapped(qtbot)
    whole = r.item.document().toPlainText()
    r.set_room(r.item.boundingRect().height() + 5)
    assert r.item.document().toPlainText() == whole
    assert "\u2026" not in whole and r.toolTip() == ""
