"""h306: the import preview names coders as people read them (names.name_sort_key: alice, Änne, Bob, Zoë; was Bob,
Zoë, alice, Änne): the button that records a file's coders as having coded the video, the Coder field's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.gui.dialogs import CoderField, ImportPreviewDialog
from merstudio.interchange import ProjectImport
from merstudio.project.events import Event

pytestmark = pytest.mark.gui

NAMES = ["Bob", "Zoë", "alice", "Änne"]


def test_the_record_button_names_coders_as_read(qtbot) -> None:
    dlg = ImportPreviewDialog(ProjectImport(Path("empty.eaf"), "ELAN", video_id=1, file_coders=NAMES))
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
    assert ok.text() == "Record alice, Änne, Bob, Zoë as having coded this video"


def test_the_coder_fields_line_names_coders_as_read(qtbot) -> None:
    evs = [Event(1, 2 + k, 3 + k, 4 + k, coder=c) for k, c in enumerate([*NAMES, ""])]
    field = CoderField(None, "read", lambda _c: "read", lambda _r: evs, lambda _r: None, coder="ann")
    qtbot.addWidget(field)
    assert "names coder(s) alice, Änne, Bob, Zoë for some of its events" in field.note_label.text()
