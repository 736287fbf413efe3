"""The import preview says the status of each event it imports that is not accepted: a rejected event or a
proposal is imported as one, and is not listed like an accepted event."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.gui.dialogs import ImportPreviewDialog
from merstudio.interchange.common import ImportPreview
from merstudio.project.events import Event

pytestmark = pytest.mark.gui


def test_a_rejected_event_and_a_proposal_say_so(qtbot):
    events = [Event(1, 122, 126, 131, emotion="anger", aus="4", coder="alice", status=status)
              for status in ("accepted", "rejected", "proposal")]
    dlg = ImportPreviewDialog(ImportPreview(Path("ev.xlsx"), "xlsx", events=events))
    qtbot.addWidget(dlg)
    lines = [ln for ln in dlg.text.toPlainText().splitlines() if ln.startswith("  + ")]
    assert lines == ["  + alice face 0: frames 122-126-131 anger 4",
                     "  + alice face 0: frames 122-126-131 anger 4 (rejected)",  # was: as the accepted one
                     "  + alice face 0: frames 122-126-131 anger 4 (proposal)"]


def test_past_the_limit_the_more_line_is_left_as_it_is(qtbot):
    events = [Event(1, i, i, i, coder="bob", status="rejected") for i in range(203)]
    dlg = ImportPreviewDialog(ImportPreview(Path("ev.csv"), "csv", events=events))
    qtbot.addWidget(dlg)
    lines = [ln for ln in dlg.text.toPlainText().splitlines() if ln.startswith("  + ")]
    assert len(lines) == 201 and all(ln.endswith(" (rejected)") for ln in lines[:200])
    assert lines[200] == "  + ... 3 more"
