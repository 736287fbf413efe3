"""AUs that fit no FACS objective class are class VII, "others" (Davison et al. 2018), as the demo's truth codes its
AU14 event; a spot with no AUs gets no emotion (audit a89)."""

import pandas as pd

from merstudio.analysis.proposals import describe_interval, objective_emotion
from merstudio.facs import FACS_OBJECTIVE_CLASSES


def test_aus_fitting_no_class_are_others() -> None:
    assert FACS_OBJECTIVE_CLASSES["VII"] == ("others", ())  # the scheme's class with no combinations of its own
    assert objective_emotion({14}) == "others"  # read ''
    assert objective_emotion({14, 45}) == "others"
    assert objective_emotion({12, 14}) == "happiness"  # a combination that fits wins
    assert objective_emotion(set()) == ""  # nothing moved: no class


def test_the_demo_au14_spot_without_a_model_is_suggested_as_others() -> None:
    n = 5
    rows = pd.DataFrame({"frame": range(n), "face_id": 0, "success": 1,
                         "AU14_r": [0.0, 1.2, 2.5, 2.6, 1.0], "AU12_r": 0.0})
    s = describe_interval(rows)
    assert s.aus == "14" and s.emotion == "others" and s.confidence is None
