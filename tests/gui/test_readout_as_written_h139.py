"""The timeline's readout and a photo's bar labels say the number the CSV says (h139): the views keep float32
copies, and float32(0.215) = 0.21500000357... rounds to "0.22" where the CSV's 0.215 reads 0.21."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from gui_fixtures import shown_timeline

from merstudio.features.aus import AUS
from merstudio.gui.state import CurveBuffer

pytestmark = pytest.mark.gui


def _csv_text(value: float) -> str:
    """The value as a CSV of the analysis' float64 rows writes it, two decimals as a reader rounds that text."""
    out = io.StringIO()
    pd.DataFrame({"AU10_r": [value]}).to_csv(out, index=False)
    return f"{float(out.getvalue().splitlines()[1]):.2f}"


def test_the_readout_says_the_csvs_two_decimals_not_the_float32s(qtbot):
    assert _csv_text(0.215) == "0.21"  # the world's answer (float64 0.215 is just under)
    buf = CurveBuffer(10)
    buf.add_rows([{"frame": i, "face_id": 0, "AU10_r": 0.215, "AU12_r": 0.957} for i in range(10)])
    tl = shown_timeline(qtbot, 10, buffer=buf)
    tl.set_playhead(3)
    assert tl.readout_values()["AU10_r"] == 0.215
    text = tl.readout.text
    assert f"10</b></span>&nbsp;{_csv_text(0.215)}" in text and "&nbsp;0.22" not in text
    assert f"AU10 {_csv_text(0.215)}" in tl._description  # what a screen reader says too
    assert f"12</b></span>&nbsp;{_csv_text(0.957)}" in text


def test_a_photos_bar_says_two_decimals_as_the_cli_chart(qtbot):
    from merstudio.gui.photo_chart import PhotoChart

    chart = PhotoChart()
    qtbot.addWidget(chart)
    chart.resize(900, 300)
    buf = CurveBuffer(1)
    buf.add_rows([{"frame": 0, "face_id": 0} | {f"AU{a:02d}_r": 0.0 for a in AUS} | {"AU10_r": 0.957,
                                                                                       "AU12_r": 0.215}])
    chart.show_face(buf, 0)
    texts = [i.textItem.toPlainText() for i in chart._items if hasattr(i, "textItem")]
    # 0.957 is under the dashed "present from 1" line: "1.0" said it was on it
    assert f"{0.957:.2f}" == "0.96" and "0.96" in texts and "1.0" not in texts
    assert _csv_text(0.215) in texts and "0.22" not in texts
    # hovering the bar says the same
    from PySide6.QtCore import QPointF

    chart._hover(chart.getPlotItem().vb.mapViewToScene(QPointF(list(AUS).index(12), 2.0)))
    assert f": {_csv_text(0.215)}" in chart.toolTip()
