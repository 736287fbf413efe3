"""The readout (the class lane's words at the play head, in its tooltip where cut) says why the model was not asked
about a frame whose face has no frame a span back (h320's FramePrediction.no_onset: the face's first 0.2 s, or back
from a gap): it named only the motion gate, a turning head and the release gate (h323)."""

from __future__ import annotations

import numpy as np
import pytest
from gui_fixtures import shown_timeline
from support.curve_buffers import CLASSES, lanes_frame

from merstudio.gui.state import CurveBuffer
from merstudio.io.timebase import Timebase

pytestmark = pytest.mark.gui

NO_ONSET = "not asked: the face has no frame 0.2 s back to compare it with (its first 0.2 s in view, or back from a gap)"


def _readout_at(qtbot, tl, f: int) -> str:
    tl.set_playhead(f)
    qtbot.wait(20)
    return tl.readout.text


def test_the_readout_names_no_frame_a_span_back_where_that_is_why(qtbot) -> None:
    df = lanes_frame(300)
    df = df[(df["frame"] < 100) | (df["frame"] >= 110)].copy()  # the face gone for frames 100-109
    unasked = df["frame"].isin([*range(6), *range(110, 116), 200])  # its first 0.2 s, 0.2 s back, the motion gate
    for c in CLASSES:
        df.loc[unasked, f"p_{c}"] = np.nan
    tl = shown_timeline(qtbot, 300, buffer=CurveBuffer.from_frame(df, 300))
    for f in (0, 5, 110, 115):
        text = _readout_at(qtbot, tl, f)
        assert NO_ONSET in text, (f, text)
        assert "motion gate" not in text
    text = _readout_at(qtbot, tl, 200)  # a face in view for long: the gates
    assert "not asked: too little motion (the model's motion gate" in text and "0.2 s back" not in text
    assert "not asked" not in _readout_at(qtbot, tl, 150)  # asked: its classes
    assert "not asked" not in _readout_at(qtbot, tl, 105)  # no face: nothing to ask
    assert "not in this frame" in tl.readout.text


def test_no_onset_follows_the_model_s_rule() -> None:
    from merstudio.gui.timeline import MODEL_SPAN_S, SPAN_SLACK_S, no_onset
    from merstudio.model import inference
    from merstudio.model.inputs import InputSettings

    assert SPAN_SLACK_S == inference.SPAN_SLACK_S and MODEL_SPAN_S == InputSettings().span_s
    seen = np.ones(60)
    seen[20:27] = np.nan  # 30 fps: gone for frames 20-26
    rate = Timebase(30.0)
    # its first 6 frames; a frame missed one frame further back is still a span (the slack), two are not
    assert [f for f in range(60) if no_onset(seen, f, rate)] == [0, 1, 2, 3, 4, 5, 27, 28, 29, 30, 31, 32]
    # the analysis's own (tests/cli/test_analyze_not_asked_reason_h323.py): gone for frames 14-17, not asked 21-23
    seen = np.ones(30)
    seen[14:18] = np.nan
    assert [f for f in range(30) if no_onset(seen, f, rate)] == [0, 1, 2, 3, 4, 5, 21, 22, 23]
    # a variable rate, by the frames' times: 60 fps for 1 s, then 10 fps; the face at every frame from 0
    times = np.r_[np.arange(60) / 60, 1 + np.arange(1, 11) / 10]
    vfr = Timebase(30.0, times)
    assert [f for f in range(70) if no_onset(np.ones(70), f, vfr)] == list(range(12))  # its first 0.2 s
    gone = np.ones(70)
    gone[57:60] = np.nan  # not in the last three 60 fps frames: frame 61 (1.2 s) has none from 0.95 to 1.0 s
    assert [f for f in range(12, 70) if no_onset(gone, f, vfr)] == [61]
