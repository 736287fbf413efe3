"""An ElidedLabel at its narrowest shows its `least` whole, padding and all: minimumSizeHint left out the padding a
style sheet gives (the model badge's 6 px a side), which _elide counts, so the badge squeezed to its minimum (a
1400 px window busy compacting and opening, h195) drew "starter model: synthetic f…" instead of its short form."""

from __future__ import annotations

import pytest

from merstudio.gui.look import ElidedLabel

pytestmark = pytest.mark.gui


def test_the_narrowest_label_shows_its_least_whole(qtbot) -> None:
    label = ElidedLabel("starter model: synthetic faces only — not evidence")
    label.setStyleSheet("QLabel { padding: 0 6px; }")
    label.short = label.least = "synthetic only — not evidence"
    qtbot.addWidget(label)
    label.show()
    label.resize(label.minimumSizeHint().width(), label.sizeHint().height())
    qtbot.waitUntil(lambda: label.width() == label.minimumSizeHint().width())
    assert label.contentsMargins().left() == 6
    assert super(ElidedLabel, label).text() == "synthetic only — not evidence"
