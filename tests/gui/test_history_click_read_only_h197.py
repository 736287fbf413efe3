"""A click in View > Undo history on a project turned read-only (opened elsewhere, h197 item 2): the status bar says
in one line that nothing was undone and why, the same words as a failed Ctrl+Z (h194), never the old line."""

from __future__ import annotations

import pytest
from helpers import stored_spans

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_history_click_in_a_read_only_project_says_nothing_was_undone(qtbot, three_events, monkeypatch, index):
    win = three_events
    old = win.statusBar().currentMessage()
    monkeypatch.setattr(type(win.project), "read_only_reason", property(lambda self: "opened elsewhere"))
    lines: list[str] = []
    win.coding.message.connect(lambda text, ms: lines.append(text))
    win.undo_stack.setIndex(index)  # the history's row clicked: 3, 2 or 1 step(s) back
    qtbot.waitUntil(lambda: bool(win.errors))
    assert stored_spans(win) == [(5, 9), (20, 24), (40, 44)]
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("Could not undo “Add event 40-44”: "), line
    assert "read-only" in line and "\n" not in line and line.endswith("; nothing changed")
    assert win.statusBar().currentMessage() == line != old
