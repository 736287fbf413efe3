"""The readout above the lanes, cut short (more wrapped lines than the lanes leave it room for: 16 pt at 1366x768,
or 200 % on a 1080p screen): every later frame's readout was drawn as the first cut one ("frame 0 … AU4 1.27"
at every play head), because the whole text kept to restore it after a cut was put back over each new text.
These check what is drawn (the text item's document), not ``readout.text``, which was always the new one."""

from __future__ import annotations

import pytest
from gui_fixtures import wrapped_readout

pytestmark = pytest.mark.gui

REASON = ("class p <i>not asked: too little motion (the model's motion gate; in a blink or under a hand, of the rest "
          "of the face), a turning head, or the face going back to rest (its release gate)</i>")


def _lines(frame: int, value: str) -> tuple[str, str]:
    text = f"<b>frame {frame}</b> | AU " + " ".join(f"<b>{n}</b> {value}" for n in (1, 2, 4, 5, 6, 7, 9, 10))
    return f"{text} {REASON}", f"{text}<br>{REASON}"


@pytest.fixture
def cut_readout(qtbot):
    """A timeline's readout with frame 0's lines wrapped, then cut to room for two of them (with a tooltip)."""
    r = wrapped_readout(qtbot, *_lines(0, "1.27"))
    r.set_room(r._two_px + 1)  # room for two lines, not for the rest: cut
    assert r.item.document().toPlainText().endswith("\u2026") and r.toolTip() != ""
    return r


def test_a_cut_readout_draws_each_new_frame(cut_readout) -> None:
    r = cut_readout
    for frame, value in ((50, "2.09"), (120, "0.50")):
        r.set_lines(*_lines(frame, value))
        drawn = r.item.document().toPlainText()
        assert drawn.startswith(f"frame {frame} "), drawn
        assert f"4 {value}" in drawn and "1.27" not in drawn, drawn
        assert drawn.endswith("\u2026"), drawn  # still cut at the room
        assert f"frame {frame} " in r.toolTip() and "(its release gate)" in r.toolTip()


def test_a_short_readout_after_a_cut_one_is_whole_and_has_no_tooltip(cut_readout) -> None:
    r = cut_readout
    r.set_lines("<b>frame 9</b>", "<b>frame 9</b>")  # fits on one line
    assert r.item.document().toPlainText() == "frame 9"
    assert r.toolTip() == ""
