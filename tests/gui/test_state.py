"""The plain-Python state behind the views (no QApplication needed)."""

import numpy as np
import pandas as pd

from merstudio.gui.state import CurveBuffer, Marks, next_proposal, next_speed, peak, timecode
from merstudio.project import Event


def test_timecode_and_speeds():
    assert timecode(0, 30) == "00:00:00.000"
    assert timecode(45, 30) == "00:00:01.500"
    assert timecode(200 * 3725, 200) == "01:02:05.000"
    assert next_speed(1.0, -1) == 0.5 and next_speed(0.1, -1) == 0.1 and next_speed(2.0, 1) == 2.0
    assert next_speed(0.5, 1) == 1.0


def test_marks_and_peak():
    sig = np.zeros(50)
    sig[23] = 5
    m = Marks()
    m.set("offset", 20)
    assert not m.ready()
    m.set("onset", 30)
    assert m.interval(sig) == (20, 23, 30)  # ordered; apex at the signal's peak
    m.set("apex", 25)
    assert m.interval(sig) == (20, 25, 30)
    m.set("apex", 40)  # an apex outside the interval is ignored
    assert m.interval(sig) == (20, 23, 30)
    assert peak(None, 10, 20) == 15 and peak(np.full(50, np.nan), 10, 20) == 15


def test_curve_buffer_streams_and_loads():
    buf = CurveBuffer(10)
    buf.add_rows([{"frame": 0, "face_id": -1, "success": 0, "AU12_r": 0.0},
                  {"frame": 1, "face_id": 0, "AU12_r": 2.0, "AU12_c": 1, "p_pos": 0.7},
                  {"frame": 1, "face_id": 3, "AU12_r": 1.0}])
    assert buf.frames_done == 2 and buf.face_ids() == [0, 3]
    y = buf.get(0, "AU12_r")
    assert y[1] == 2.0 and np.isnan(y[0]) and np.isnan(y[2:]).all()
    assert buf.au_columns() == ["AU12_r"] and buf.class_columns() == ["p_pos"]
    df = pd.DataFrame({"frame": [0, 1, 2, 2], "face_id": [0, 0, 0, 1], "AU01_r": [1, 2, 3, 4.0],
                       "AU02_r": [0, 0, 1, 1.0], "timestamp": [0, 0.1, 0.2, 0.2]})
    b2 = CurveBuffer.from_frame(df, 5)
    assert b2.main_face() == 0 and b2.frames_done == 3
    np.testing.assert_allclose(b2.activity(0)[:3], [1, 2, 4])


def test_next_proposal_wraps():
    evs = [Event(1, 50, 52, 55, status="proposal", id=2), Event(1, 10, 12, 15, status="proposal", id=1),
           Event(1, 30, 32, 35, status="accepted", id=3)]
    assert next_proposal(evs, 0).id == 1
    assert next_proposal(evs, 10).id == 2
    assert next_proposal(evs, 60).id == 1
    assert next_proposal([], 0) is None


def test_a_variable_rate_video_reads_and_goes_to_its_frames_own_times():
    import numpy as np

    from merstudio.gui.state import parse_goto
    from merstudio.io.timebase import Timebase

    tb = Timebase(26.4, np.r_[np.arange(30) / 30.0, 1.0 + np.arange(60) / 24.0])  # 30 fps, then 24
    assert timecode(42, 26.4, tb) == "00:00:01.500"  # frame / fps would say 1.591
    assert parse_goto("1.5", 26.4, 90, tb) == 42 and parse_goto("1.5", 26.4, 90) == 39
    assert parse_goto("42", 26.4, 90, tb) == 42  # a frame number is a frame number
