"""Timeline._pin, called by a signal after the C++ GraphicsLayout of the lanes is gone while the view itself is not
yet (app shutdown: the scene's items deleted first), does nothing; it raised "Internal C++ object (GraphicsLayout)
already deleted" (h215 saw it at shutdown; h226 item 6)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_the_pin_after_the_lanes_layout_is_gone_does_nothing(qtbot) -> None:
    from shiboken6 import delete, isValid

    from merstudio.gui.timeline import Timeline

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(600, 300)
    tl.show()
    qtbot.waitExposed(tl)
    delete(tl.ci)  # the lanes' layout gone, the view not yet
    assert isValid(tl) and not isValid(tl.ci)
    tl._pin()  # raised RuntimeError: ... (GraphicsLayout) already deleted
