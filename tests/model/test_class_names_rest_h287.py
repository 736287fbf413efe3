"""Class names, the rest (h287, after h280/h281): SAMM's 'other' is the FACS class 'others' (model.columns.class_key),
an import's note on emotions none of the model's classes has one Qt-free home (interchange, the app's import too), an
older run's p_class_i columns read back as the checkpoint's 'class i', an older open proposal's FACS emotion is the
run's model's class, and a raw class map's classes sort by class_key."""

from __future__ import annotations

from merstudio.analysis.proposals import model_class
from merstudio.model.columns import class_key

SAMM5 = ["anger", "contempt", "happiness", "surprise", "other"]


def test_samm_other_is_the_facs_class_others() -> None:
    assert class_key("Other") == class_key("others") == class_key("OTHERS")
    assert model_class("others", [*SAMM5, "none"]) == "other"  # the model's own spelling
    assert model_class("other", ["negative", "positive", "surprise", "others"]) == "others"
