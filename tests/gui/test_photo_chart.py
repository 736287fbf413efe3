"""The bars a photo shows in the timeline's place."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from merstudio.features.aus import AUS, STILL_UNRELIABLE_AU
from merstudio.gui.state import CurveBuffer


@pytest.fixture
def chart(qtbot):
    from merstudio.gui.photo_chart import PhotoChart

    c = PhotoChart()
    qtbot.addWidget(c)
    c.resize(900, 300)
    return c


def _photo(values: dict[int, float]) -> CurveBuffer:
    buf = CurveBuffer(1)
    buf.add_rows([{"frame": 0, "face_id": 3} | {f"AU{a:02d}_r": values.get(a, 0.0) for a in AUS}])
    return buf


def test_each_au_is_a_bar_with_its_value_unknown_ones_a_question_mark(chart):
    buf = _photo({12: 4.5, 6: 3.0, 45: float("nan")})
    chart.show_face(buf, 3)
    values = dict(chart.shown)
    assert values[12] == pytest.approx(4.5) and values[6] == pytest.approx(3.0) and np.isnan(values[45])
    ticks = dict(chart.getPlotItem().getAxis("bottom")._tickLevels[0])
    assert ticks[list(AUS).index(STILL_UNRELIABLE_AU)] == f"{STILL_UNRELIABLE_AU}?"  # a photo's AU4 with doubt
    texts = [i.textItem.toPlainText() for i in chart._items if hasattr(i, "textItem")]
    assert "4.50" in texts and "3.00" in texts and "?" in texts  # the unknown AU45 is a "?", not a 0.0 bar
    assert texts.count("?") == 1


def test_another_face_or_none_redraws(chart):
    buf = _photo({12: 4.5})
    buf.add_rows([{"frame": 0, "face_id": 5, "AU12_r": 1.0}])
    chart.show_face(buf, 5, shown=["AU12_r"])
    assert chart.shown == [(12, 1.0)]
    chart.show_face(CurveBuffer(1, frames_done=1), None)
    assert chart.shown == [] and "no face" in chart.title
    chart.show_face(None, None)  # a photo not analysed yet: say how, not a blank chart
    assert "Press Ctrl+R to analyse this photo" in chart.title


def test_a_photo_is_listed_as_one_and_has_nothing_to_play(qtbot, window, tmp_path):
    import cv2

    from merstudio.gui import commands as C

    photo = tmp_path / "still.png"
    cv2.imwrite(str(photo), np.full((120, 160, 3), 90, np.uint8))
    assert window.ctx.execute(C.OpenVideo, path=str(photo)), window.errors
    window.first_run.update()
    assert not window.first_run.play.isEnabled() and not window.play_button.isEnabled()
    assert window.project is not None  # opening a file puts it in a project
    window.refresh_video_list()
    assert window.video_list.item(0).text() == "still.png  (photo)"


def test_hovering_a_bar_names_its_au(chart, qtbot):
    chart.show_face(_photo({12: 4.5, 45: float("nan")}), 3)
    chart.show()
    qtbot.waitExposed(chart)
    vb = chart.getPlotItem().vb

    def hover(au: int) -> str:
        chart._hover(vb.mapViewToScene(QPointF(list(AUS).index(au), 2.0)))
        return chart.toolTip()

    assert hover(12) == "AU12 lip corner puller: 4.50"
    assert hover(45).startswith("AU45 blink: unknown")
    assert "relaxed brows that sit low" in hover(STILL_UNRELIABLE_AU)


def test_another_tools_values_stand_beside_ours(chart, qtbot):
    ours = _photo({12: 4.5})
    feat = CurveBuffer(1)
    feat.add_rows([{"frame": 0, "face_id": 0, "AU12_p": 0.93, "AU43_p": 0.1}])  # py-feat: probabilities
    openface = CurveBuffer(1)
    openface.add_rows([{"frame": 0, "face_id": 3, "AU12_r": 2.0}])  # OpenFace: intensities, the same face id
    chart.show_face(ours, 3, overlays={"py-feat": feat, "OpenFace": openface})
    assert chart.theirs["py-feat"][12] == pytest.approx(4.65)  # x5 onto the 0-5 scale (its own face id 0)
    assert chart.theirs["OpenFace"] == {12: pytest.approx(2.0)}
    assert "ours filled, py-feat dashed (probabilities x5), OpenFace dashed;" in chart.title
    chart.show()
    qtbot.waitExposed(chart)
    chart._hover(chart.getPlotItem().vb.mapViewToScene(QPointF(list(AUS).index(12), 2.0)))
    assert chart.toolTip() == "AU12 lip corner puller: 4.50; py-feat 4.65; OpenFace 2.00"
    chart.show_face(ours, 3, overlays={})
    assert chart.theirs == {} and "ours filled" not in chart.title
