"""An event's tag on the timeline ("positive" on its bar) follows the app's font as the readout does (7 pt at the
default 9 pt): a fixed 7 pt stayed 7 pt beside a 16-pt window."""

from __future__ import annotations

import pytest

from merstudio.gui.look import SMALL_SHARE

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("pt", [9, 16])
def test_an_event_tag_is_the_readouts_share_of_the_apps_font(window, app_pt, pt):
    from merstudio.gui.timeline_items import EventRegion

    app_pt(pt)
    region = EventRegion(window.timeline)
    assert region.tag.textItem.font().pointSizeF() == pytest.approx(max(7.0, round(pt * SMALL_SHARE, 1)))
    assert region._tag_fm.height() >= 0.9 * pt * SMALL_SHARE * 96 / 72  # measured in that font
