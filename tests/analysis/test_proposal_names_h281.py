"""A proposal names only the loaded model's classes (audit a105, findings 3 and 4).

- An interval the model was not asked about (every frame under its gates, blank p_ columns) took the AUs' FACS
  class whatever the model: a CASME II 5-class model's proposal read `anger`, the composite's `happiness` for its
  `positive`, labels fine-tuning then leaves out. Now that class as one of the model's, or no emotion.
- The "model uncertain" bar was a fixed 0.40: 1.2 x chance for the starter's 3 classes, but it left a 5-class
  model's p 0.30 (1.5 x chance) and nearly all of a 7-class model's proposals unnamed. Now it scales with the
  number of classes (chance 1/N plus a tenth of the rest), and the note says what the bar was made of."""

from __future__ import annotations

import pandas as pd
import pytest

from merstudio.analysis import proposals
from merstudio.analysis.proposals import describe_interval
from merstudio.project import Project
from merstudio.project.events import Event

NAN = float("nan")
CASME2_5 = ["disgust", "happiness", "others", "repression", "surprise"]
STARTER = ["negative", "positive", "surprise", "none"]


def _rows(n: int = 4, **cols) -> pd.DataFrame:
    base = {"frame": range(n), "face_id": [0] * n, "success": [1] * n}
    base.update(cols)
    return pd.DataFrame(base)


def _unasked(classes: list[str], **aus) -> pd.DataFrame:
    """An interval whose AUs rise (`aus`: AU number -> True) and whose every frame stayed under the model's gates."""
    cols = {f"AU{a:02d}_r": [0, 3, 3, 3] for a in aus.get("au", ())}
    cols.update({"p_" + c.replace(" ", "_"): [NAN] * 4 for c in classes})
    return _rows(**cols)


def test_an_unasked_anger_is_no_emotion_of_a_casme2_model_and_the_note_says_why() -> None:
    s = describe_interval(_unasked(CASME2_5, au=(4,)), class_names=CASME2_5)
    assert s.aus == "4" and s.emotion == "" and s.confidence is None
    assert "anger" in s.uncertain and "none of the model's classes" in s.uncertain
    assert "FACS class" not in s.uncertain  # the phrase a project reads by the FACS rule (event_store._FACS_NOTE)


def test_an_unasked_proposal_takes_the_models_name_for_the_facs_class() -> None:
    # the composite's classes (megc2019 map): happiness is positive, anger negative
    s = describe_interval(_unasked(STARTER, au=(12,)), class_names=STARTER)
    assert s.emotion == "positive" and "happiness" in s.uncertain
    assert describe_interval(_unasked(STARTER, au=(4,)), class_names=STARTER).emotion == "negative"
    # the same class by name keeps it (1+2 is surprise in both)
    assert describe_interval(_unasked(STARTER, au=(1, 2)), class_names=STARTER).emotion == "surprise"
    # CASME II's 5 classes: sadness (AU15) is others in its merged map, happiness its own
    assert describe_interval(_unasked(CASME2_5, au=(15,)), class_names=CASME2_5).emotion == "others"
    assert describe_interval(_unasked(CASME2_5, au=(12,)), class_names=CASME2_5).emotion == "happiness"
    # a lab's model of the objective classes themselves: happiness is its Class I
    objective = ["Class I", "Class II", "Class III", "Class IV", "Class VII"]
    assert describe_interval(_unasked(objective, au=(12,)), class_names=objective).emotion == "Class I"


def test_without_a_model_the_facs_class_stays() -> None:
    assert describe_interval(_rows(AU04_r=[0, 3, 3, 3])).emotion == "anger"


def test_an_empty_suggestion_stays_empty_in_the_project(tmp_path) -> None:
    """The project reads an open proposal stored with no emotion whose note says "FACS class" by the FACS rule
    (h201): the note of one whose FACS class the model lacks must not bring `anger` back."""
    s = describe_interval(_unasked(CASME2_5, au=(4,)), class_names=CASME2_5)
    with Project.create(tmp_path / "p.merproj") as p:
        v = p.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=72, width=64, height=48)
        p.add_event(Event(v.id, 10, 12, 14, face_id=0, emotion=s.emotion, aus=s.aus, source="model",
                          status="proposal", coder="model", note=f"model uncertain: {s.uncertain}"))
        assert [e.emotion for e in p.events(v.id)] == [""]


@pytest.mark.parametrize(("n", "bar"), [(2, 0.55), (3, 0.40), (4, 0.33), (5, 0.28), (7, 0.23)])
def test_the_bar_scales_with_the_number_of_classes(n: int, bar: float) -> None:
    assert proposals.label_bar(n) == pytest.approx(bar)


def test_a_five_class_models_top_class_at_one_and_a_half_times_chance_is_named() -> None:
    # five25.pt on the interview: disgust p=0.30 was "model uncertain" under the fixed 0.40
    p = {"p_disgust": [.30] * 5, "p_happiness": [.2] * 5, "p_others": [.2] * 5, "p_repression": [.15] * 5,
         "p_surprise": [.15] * 5}
    s = describe_interval(_rows(5, **p), class_names=CASME2_5)
    assert s.emotion == "disgust" and s.confidence == pytest.approx(0.30)
    p["p_disgust"], p["p_happiness"] = [.25] * 5, [.25] * 5  # still under its bar (0.28): said with the bar's sense
    s = describe_interval(_rows(5, **p), class_names=CASME2_5)
    assert s.emotion == "" and s.uncertain.startswith("disgust p=0.25 < 0.28")
    assert s.uncertain == "disgust p=0.25 < 0.28 for 5 classes: chance 0.20 + a tenth of the rest"


def test_the_starters_bar_counts_its_none_class() -> None:
    # 4 outputs (negative, positive, surprise, none) share the probability: chance 0.25, bar 0.33
    for p, named in ((0.32, False), (0.34, True)):
        s = describe_interval(_rows(5, p_negative=[p] * 5, p_positive=[.3] * 5, p_surprise=[.1] * 5,
                                    p_none=[.6 - p] * 5), class_names=STARTER)
        assert (s.emotion == "negative") is named, s
        if not named:
            assert s.uncertain == "negative p=0.32 < 0.33 for 4 classes: chance 0.25 + a tenth of the rest"
