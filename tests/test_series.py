"""merstudio.series: the per-frame series helpers."""

import numpy as np

from merstudio.series import lone_finite


def test_lone_finite_marks_values_with_no_finite_neighbour():
    nan = np.nan
    y = np.array([1.0, nan, 2.0, 3.0, nan, 4.0, nan, nan, 5.0])
    assert lone_finite(y).tolist() == [True, False, False, False, False, True, False, False, True]
    assert lone_finite(np.array([nan, nan])).tolist() == [False, False]
    assert lone_finite(np.zeros(0)).tolist() == []
