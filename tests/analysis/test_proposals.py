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


def test_a_learned_au_that_rises_is_suggested_a_jitter_or_a_held_one_is_not():
    # AU12 rises from 0 to 2.5 on three frames; AU4 jumps on one frame only (jitter); AU15 is held throughout.
    s = describe_interval(_rows(AU12_r=[0.0, 2.5, 2.6, 2.4, 0.2], AU04_r=[0.5, 0.5, 2.0, 0.5, 0.5],
                                AU15_r=[3.0, 3.1, 3.0, 3.2, 3.0]))
    assert s.aus == "12" and s.emotion == "happiness" and s.confidence is None


def test_micro_motion_names_the_au_at_the_apex():
    # Brows up at the apex (AU1/AU2 micro-motion), moving back down after it (read as AU4: ignored).
    s = describe_interval(_rows(n=7, AU01_m=[0, 0.3, 1.2, 0.8, 0, 0, 0], AU02_m=[0, 0.2, 0.9, 0.6, 0, 0, 0],
                                AU04_m=[0, 0, 0, 0, 1.4, 1.5, 0.2], AU12_m=[0, 0.1, 0.2, 0.1, 0, 0, 0]),
                          apex=2)
    assert s.aus == "1+2" and s.emotion == "surprise"


def test_model_class_wins_and_none_is_not_a_label():
    # none is never the suggested emotion; a class above none and MIN_LABEL_P is (see test_proposal_labels.py)
    s = describe_interval(_rows(AU01_r=[0, 2, 2, 0, 0], AU02_r=[0, 2, 2, 0, 0],
                                p_negative=[.1] * 5, p_surprise=[.6] * 5, p_none=[.3] * 5))
    assert s.aus == "1+2" and s.emotion == "surprise" and s.confidence == 0.6


def test_blinks_and_failed_frames_do_not_count():
    s = describe_interval(_rows(success=[0, 0, 0, 1, 1], AU12_r=[0, 3, 3, 0, 0]))
    assert s.aus == "" and s.emotion == ""
    s = describe_interval(_rows(AU45_r=[0, 4, 5, 4, 0]))
    assert s.aus == ""
