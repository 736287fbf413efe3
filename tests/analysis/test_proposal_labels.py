"""Issue 11: a class below the `none` class or below MIN_LABEL_P is never presented as a suggested label."""

import pandas as pd
import pytest

from merstudio.analysis.proposals import MIN_LABEL_P, describe_interval


def _rows(n=5, **cols):
    base = {"frame": range(n), "face_id": [0] * n, "success": [1] * n}
    base.update(cols)
    return pd.DataFrame(base)


def test_a_class_below_none_is_not_a_label():
    # the starter model on real footage: "negative" at p = 0.06, none far above
    s = describe_interval(_rows(p_negative=[.06] * 5, p_positive=[.02] * 5, p_none=[.92] * 5))
    assert s.emotion == "" and s.confidence is None
    assert "negative" in s.uncertain and "none" in s.uncertain


def test_a_class_above_none_but_below_the_threshold_is_not_a_label():
    p = MIN_LABEL_P - 0.05
    s = describe_interval(_rows(p_negative=[p] * 5, p_positive=[p - 0.1] * 5, p_none=[0.1] * 5))
    assert s.emotion == "" and s.confidence is None and s.uncertain


def test_a_low_class_without_none_column_is_not_a_label():
    s = describe_interval(_rows(p_negative=[.06] * 5, p_positive=[.03] * 5))
    assert s.emotion == "" and s.confidence is None


def test_the_none_comparison_uses_the_interval_means():
    # frame by frame none wins early, surprise later; over the interval surprise's mean (0.6) beats none's (0.38)
    s = describe_interval(_rows(p_surprise=[.3, .5, .7, .75, .75], p_none=[.6, .4, .3, .3, .3]))
    assert s.emotion == "surprise" and s.confidence == pytest.approx(0.6) and not s.uncertain


def test_a_confident_class_is_still_a_label():
    s = describe_interval(_rows(p_negative=[.1] * 5, p_positive=[.7] * 5, p_none=[.2] * 5))
    assert s.emotion == "positive" and s.confidence == 0.7 and s.uncertain == ""


def test_frames_under_the_motion_gate_do_not_vote():
    # the weak onset and offset frames stayed under the model's motion gate (NaN: not asked); the frames it saw
    # say surprise. Counted as "none" they would have outvoted it.
    nan = float("nan")
    s = describe_interval(_rows(6, p_negative=[nan, .04, .25, .1, .08, nan], p_surprise=[nan, .03, .27, .79, .86, nan],
                                p_none=[nan, .92, .46, .1, .04, nan]))
    assert s.emotion == "surprise" and s.confidence == pytest.approx(0.4875, abs=1e-3)


def test_an_interval_entirely_under_the_gate_falls_back_to_the_facs_class_and_says_so():
    nan = float("nan")
    s = describe_interval(_rows(4, AU01_r=[0, 3, 3, 3], AU02_r=[0, 3, 3, 3], p_surprise=[nan] * 4,
                                p_none=[nan] * 4))
    assert s.aus == "1+2" and s.emotion == "surprise" and s.confidence is None
    assert "motion gate" in s.uncertain



def test_the_label_is_the_class_name_not_its_column():
    # a class map's names may hold spaces or punctuation; the table's column is p_happily_surprised, the label
    # the coder sees is the model's own name
    names = ["happily surprised", "none"]
    s = describe_interval(_rows(p_happily_surprised=[.8] * 5, p_none=[.2] * 5), class_names=names)
    assert s.emotion == "happily surprised" and s.confidence == 0.8
    s = describe_interval(_rows(p_happily_surprised=[.2] * 5, p_none=[.8] * 5), class_names=names)
    assert s.emotion == "" and s.uncertain.startswith("happily surprised p=0.20")
