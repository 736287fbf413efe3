"""The timeline's readout (the AU numbers a coder reads at the play head) at a coder's big font: it was a fixed 7 pt
while the lanes' text follows the app font, so a 16-pt user read 7-pt numbers. It is now 7/9 of the app font's
size: 7 pt at the default 9 pt (as it was), 12.4 pt at 16, 15.6 pt at 20."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


def _readout_line_px(qtbot) -> float:
    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(1200, 400)
    tl.readout.setText("<b>frame 12</b> AU 12 4.99")
    item = tl.readout.item
    return item.boundingRect().height() - 2 * item.document().documentMargin()


@pytest.mark.parametrize("pt", [16.0, 20.0])
def test_the_readout_grows_with_the_app_font(qtbot, qapp, pt) -> None:
    old = QApplication.font()
    f = QFont(old)
    f.setPointSizeF(pt)
    QApplication.setFont(f)
    try:
        line = _readout_line_px(qtbot)
        want = QFont(old)
        want.setPointSizeF(pt * 7 / 9)  # the default look's 7 pt at 9 pt, in proportion
        assert line >= QFontMetricsF(want).height() - 1
    finally:
        QApplication.setFont(old)


def test_the_default_font_keeps_a_7_pt_readout(qtbot, qapp) -> None:
    assert QApplication.font().pointSizeF() == 9.0
    seven = QFont(QApplication.font())
    seven.setPointSizeF(7.0)
    assert _readout_line_px(qtbot) == pytest.approx(QFontMetricsF(seven).height(), abs=1)
