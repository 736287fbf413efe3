"""The face label over the video names an AU read on its side in view alone ("AU R12+25  brows, eyes hidden" for a
portrait whose left lip corner is beyond the frame's edge, AU12_R 5.0): the app's curves kept no AUxx_L / AUxx_R,
so the label read "AU 25  brows, eyes hidden" whatever features.aus.face_note made of the sides (h216)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from merstudio.gui.state import CurveBuffer

pytestmark = pytest.mark.gui

NAN = math.nan
CUT = {"frame": 0, "face_id": 0, "AU12_r": NAN, "AU12_c": None, "AU12_L": NAN, "AU12_R": 5.0,
       "AU25_r": 3.0, "AU25_c": 1, **{f"AU{a:02d}_r": NAN for a in (1, 2, 4, 5, 6, 7, 45)},
       **{f"AU{a:02d}_c": None for a in (1, 2, 4, 5, 6, 7, 45)}, "pose_Rx": 0.1}


def test_the_curves_keep_the_sides_streamed_and_stored() -> None:
    streamed = CurveBuffer(2)
    streamed.add_rows([CUT])
    stored = CurveBuffer.from_frame(pd.DataFrame([{k: (NAN if v is None else v) for k, v in CUT.items()}]), 2)
    for buf in (streamed, stored):
        assert buf.get(0, "AU12_R")[0] == 5.0 and math.isnan(buf.get(0, "AU12_L")[0])
        assert buf.get(0, "pose_Rx") is None  # no view shows the pose
        assert buf.au_columns() == sorted(f"AU{a:02d}_r" for a in (1, 2, 4, 5, 6, 7, 12, 25, 45))  # never a side


def test_the_face_label_names_the_side_in_view(window) -> None:
    buf = CurveBuffer(2)
    buf.add_rows([CUT])
    window.analysis.buffer = buf
    assert window._face_note(0, 0) == "AU R12+25  brows, eyes hidden"
