"""A screen reader's view of the timeline (h99): it was a nameless "Client", and its readout (the AU intensities and
class probabilities at the play head) painted text no reader reads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from merstudio.gui.state import CurveBuffer

pytestmark = pytest.mark.gui

N = 90


def _ramp() -> CurveBuffer:
    """AU12 at frame f is f / 100, AU04 is 2 - f / 50; the class negative's probability f / 200."""
    f = np.arange(N)
    return CurveBuffer.from_frame(pd.DataFrame({"frame": f, "face_id": 0, "timestamp": f / 30.0, "success": 1,
                                                "AU04_r": 2 - f / 50, "AU12_r": f / 100, "p_negative": f / 200}), N)


def test_the_timeline_has_a_name(qtbot):
    from gui_fixtures import shown_timeline

    tl = shown_timeline(qtbot, N)
    assert tl.accessibleName() == "Timeline"


def test_its_description_says_the_values_at_the_play_head(qtbot):
    from gui_fixtures import shown_timeline

    tl = shown_timeline(qtbot, N)
    tl.set_buffer(_ramp(), 0)
    tl.set_playhead(36)
    qtbot.waitUntil(lambda: "frame 36" in tl.accessibleDescription())
    text = tl.accessibleDescription()
    assert "AU12 0.36" in text and "AU04 1.28" in text and "negative 0.18" in text, text  # 36/100, 2-36/50, 36/200
    # playing: many frames in a row; it says where the play head stopped
    for f in range(40, 61):
        tl.set_playhead(f)
    qtbot.waitUntil(lambda: "frame 60" in tl.accessibleDescription())
    assert "AU12 0.60" in tl.accessibleDescription()
