"""merstudio.series: the per-frame series helpers."""

import numpy as np

from merstudio.series import lone_finite


def test_lone_finite_marks_values_with_no_finite_neighbour():
    nan = np.nan
    y = np.array([1.0, nan, 2.0, 3.0, nan, 4.0, nan, nan, 5.0])
    assert lone_finite(y).tolist() == [True, False, False, False, False, True, False, False, True]
    assert lone_finite(np.array([nan, nan])).tolist() == [False, False]
    assert lone_finite(np.zeros(0)).tolist() == []


def test_envelope_keeps_a_one_frame_peak_and_the_gaps_of_a_long_series():
    from merstudio.series import envelope

    n = 36_000  # 20 minutes at 30 fps
    x = np.arange(n) / 30.0
    y = np.zeros(n)
    y[12_345] = 4.5  # a one-frame peak
    y[20_000:21_000] = np.nan  # the face away
    tx, ty = envelope(x, y, points=4000)
    assert len(ty) <= 4000 and np.nanmax(ty) == 4.5 and tx[int(np.nanargmax(ty))] == x[12_345]
    assert np.isnan(ty[(tx >= x[20_100]) & (tx <= x[20_900])]).all()  # a gap stays a gap
    assert np.all(np.diff(tx) > 0)  # in order
    short = np.arange(10.0)
    assert envelope(short, short)[1].tolist() == short.tolist()
