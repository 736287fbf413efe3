"""While a video's stored analysis is read, or a long one's curves are drawn in turns, the class lane says it is
loading, as the heat-map and motion lanes do: it was blank (its curves blanked, its note still hidden by the video
shown before, which had classes) until the class curves' turn came."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gui_fixtures import shown_timeline

from merstudio.gui.state import CurveBuffer
from merstudio.gui.timeline import NO_MODEL, STEP_FRAMES

pytestmark = pytest.mark.gui


def _buffer(classes: bool) -> CurveBuffer:
    n = STEP_FRAMES  # drawn in turns on a shown timeline, the class curves last
    t = np.arange(n)
    cols = {"frame": t, "face_id": 0, "success": 1, "AU01_r": np.sin(t / 50.0) + 1.0,
            "AU12_r": np.cos(t / 70.0) + 1.0, "motion_brows": np.abs(np.sin(t / 30.0))}
    if classes:
        cols.update({"p_happy": (np.sin(t / 40.0) + 1.0) / 2.0, "p_other": (1.0 - np.sin(t / 40.0)) / 2.0})
    return CurveBuffer.from_frame(pd.DataFrame(cols), n)


def _note(tl) -> str | None:
    """The class lane's note as shown (None: hidden)."""
    return tl._no_model.toPlainText() if tl._no_model.isVisible() else None


def _loading(note: str | None) -> bool:
    return note is not None and "class confidence" in note and "loading the stored analysis" in note


def test_class_lane_says_loading_while_the_stored_analysis_is_read_and_drawn(qtbot):
    tl = shown_timeline(qtbot, STEP_FRAMES)
    tl.set_buffer(_buffer(classes=True), 0)
    tl.refresh()
    assert _note(tl) is None and tl._class_curves  # a video with classes, drawn
    height = tl.class_plot.geometry().height()
    tl.set_loading(True)  # another video: its stored analysis is being read, no buffer yet
    tl.set_buffer(None)
    assert _loading(_note(tl)), _note(tl)
    # while read the lane keeps its height (thinned, then widened again, the lanes below would jump)
    assert tl.class_plot not in tl.collapsed
    qtbot.waitUntil(lambda: tl.class_plot.geometry().height() == height, timeout=2000)
    tl.set_loading(False)
    tl.set_buffer(_buffer(classes=True), 0)  # it came: the AU curves first, the class curves in a later turn
    assert tl._step_timer.isActive()
    assert _loading(_note(tl)), _note(tl)
    assert tl.class_plot not in tl.collapsed  # it has classes: full height
    tl.refresh()  # every turn done
    assert _note(tl) is None
    tl.set_buffer(None)  # no analysis (and none on its way): the lane's own note again
    assert _note(tl) == NO_MODEL


def test_a_long_buffer_without_classes_says_no_model_once_drawn(qtbot):
    tl = shown_timeline(qtbot, STEP_FRAMES)
    tl.set_loading(True)
    tl.set_buffer(None)
    assert _loading(_note(tl)), _note(tl)
    tl.set_loading(False)
    tl.set_buffer(_buffer(classes=False), 0)  # a run without a checkpoint: nothing to load for this lane
    assert _note(tl) == NO_MODEL
    tl.refresh()
    assert _note(tl) == NO_MODEL and tl.class_plot in tl.collapsed  # the thin strip that keeps its note
