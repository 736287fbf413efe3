"""A face's label on the video ("face 0  AU 4+12+25") at the app's font: a fixed 12 px stayed 12 px beside a 16-pt
window (menus, lists and the transport all twice its size)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QFontMetricsF

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("pt", [9, 16])
def test_a_face_label_is_drawn_in_the_apps_font(qapp, app_pt, pt):
    from merstudio.gui.video_view import _label

    app_pt(pt)
    plate = _label("face 0  AU 4+12+25", QColor("#00e5ff"))
    text = plate.childItems()[0]
    assert text.font().pointSizeF() == pytest.approx(pt) and text.font().bold()
    fm = QFontMetricsF(text.font())
    # the plate holds the whole text at that size
    assert plate.rect().width() >= fm.horizontalAdvance("face 0  AU 4+12+25")
    assert plate.rect().height() >= fm.height()

