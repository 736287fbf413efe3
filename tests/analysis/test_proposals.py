import pandas as pd

from merstudio.analysis.proposals import describe_interval, objective_emotion


def _rows(n=5, **cols):
    base = {"frame": range(n), "face_id": [0] * n, "success": [1] * n}
    for a in (1, 2, 4, 12, 15, 17):
        base[f"AU{a:02d}_c"] = [0] * n
    base.update(cols)
    return pd.DataFrame(base)


def test_objective_classes():
    assert objective_emotion({12}) == "happiness"
    assert objective_emotion({1, 2}) == "surprise"
    assert objective_emotion({1, 2, 4}) == "fear"  # the larger combination wins over 1+2
    assert objective_emotion({15, 17}) == "sadness"
    assert objective_emotion({4}) == "anger"
    assert objective_emotion(set()) == ""


def test_aus_present_on_enough_frames_and_facs_emotion():
    s = describe_interval(_rows(AU12_c=[0, 1, 1, 1, 0], AU04_c=[0, 0, 1, 0, 0]))
    assert s.aus == "12" and s.emotion == "happiness" and s.confidence is None


def test_model_class_wins_and_none_is_ignored():
    s = describe_interval(_rows(AU01_c=[1, 1, 1, 0, 0], AU02_c=[1, 1, 1, 0, 0],
                                p_negative=[.1] * 5, p_surprise=[.6] * 5, p_none=[.9] * 5))
    assert s.aus == "1+2" and s.emotion == "surprise" and s.confidence == 0.6


def test_failed_frames_do_not_count():
    s = describe_interval(_rows(success=[0, 0, 0, 1, 1], AU12_c=[1, 1, 1, 0, 0]))
    assert s.aus == "" and s.emotion == ""
