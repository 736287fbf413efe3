"""A class is one colour and one name wherever it is drawn (h280, audit a105 findings 2, 5 and 10): its curve, the
events coded with it and the legends key on model.columns.class_key (case, spacing and '_' ignored; SAMM's 'Other'
is 'others'); the Event dialog offers the model's classes as the checkpoint spells them, the project's own labels,
never the model's `none` class."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gui_fixtures import shown_timeline

from merstudio.gui.state import CurveBuffer
from merstudio.model.columns import class_column
from merstudio.palette import EMOTION_COLOURS, class_colour, class_dash, emotion_colour

pytestmark = pytest.mark.gui

LAB = ["Class I", "Class II", "Class III", "positive surprise", "Other"]


def test_an_emotion_is_coloured_as_its_class_curve_whatever_its_case() -> None:
    assert emotion_colour("Surprise") == emotion_colour("surprise") == class_colour("p_Surprise")
    assert emotion_colour("Happiness") == class_colour("p_Happiness") == EMOTION_COLOURS["happiness"]
    assert emotion_colour("Other") == emotion_colour("others") == class_colour("p_Other")  # SAMM's spelling
    for name in ("class i", "Class VII", "positive surprise"):
        col = class_colour(class_column(name))
        # the event, the curve, the spelling an older column had, and a coder's capitals: one colour, one dash
        assert emotion_colour(name) == col == class_colour("p_" + name.replace(" ", "_")) == \
            emotion_colour(name.upper())
        assert class_dash(class_column(name)) == class_dash("p_" + name.lower().replace(" ", "_"))
    assert class_colour("p_class vii") != class_colour("p_class ii")  # vii was drawn in ii's colour
    assert emotion_colour("none") == class_colour("p_none")


def test_the_class_lane_names_and_colours_a_labs_classes_as_the_model_does(qtbot, tmp_path) -> None:
    n = 90
    t = np.arange(n)
    cols = {"frame": t, "face_id": 0, "success": 1, "AU12_r": np.sin(t / 9.0) + 1.0}
    for k, name in enumerate([*LAB, "none"]):
        cols[class_column(name)] = (np.sin(t / 7.0 + k) + 1.0) / 7.0
    tl = shown_timeline(qtbot, n, size=(1100, 420), buffer=CurveBuffer.from_frame(pd.DataFrame(cols), n))
    tl.refresh()
    legend = {label.text: sample.item for sample, label in tl.class_plot.legend.items}
    assert set(legend) == {*LAB, "none"}  # 'Class I', not 'Class_I'
    for name, curve in legend.items():
        assert curve.opts["pen"].color().name() == emotion_colour(name).lower(), name
    tl.grab().save(str(tmp_path / "class_lane.png"))


def _stored(*cols: str) -> CurveBuffer:
    """A stored analysis' curves with these class columns."""
    return CurveBuffer.from_frame(pd.DataFrame({"frame": [0, 1], "face_id": 0, "success": 1,
                                                **{c: [0.5, 0.5] for c in cols}}), 2)


def test_the_event_dialog_offers_the_models_spelling_the_projects_labels_and_not_none(window, video_path,
                                                                                      monkeypatch) -> None:
    from merstudio.gui import commands as C
    from merstudio.project import Event

    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    vid = window.video.id
    window.project.add_events([Event(vid, 10, 12, 15, emotion="Contempt", coder="ann"),
                               Event(vid, 20, 22, 25, emotion="class_i", coder="ann"),
                               Event(vid, 30, 32, 35, emotion="Happy", coder="ann", status="rejected")])
    monkeypatch.setattr(window.analysis, "buffer", _stored("p_class_i", "p_class_ii", "p_none"))  # an older run's
    monkeypatch.setattr(window.analysis, "checkpoint_meta", {"class_names": ["class i", "class ii", "none"]})
    names = window.analysis.emotion_names()
    assert names[:3] == ("class i", "class ii", "Contempt")
    assert "none" not in names and "class_i" not in names and "class_ii" not in names
    assert "Happy" not in names  # only a rejected event has it
    assert "contempt" not in names  # the default list's spelling of the project's label: once
    # reopened without the checkpoint: the stored columns name the classes (a new run's column is the name itself)
    monkeypatch.setattr(window.analysis, "checkpoint_meta", None)
    monkeypatch.setattr(window.analysis, "buffer", _stored("p_class i", "p_class ii", "p_none"))
    assert window.analysis.emotion_names()[:2] == ("class i", "class ii")
