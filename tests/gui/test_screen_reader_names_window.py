"""The controls the main window builds are named for a screen reader (an audit's walk of the accessibility tree read
the play button as its glyph "▶", the events and behaviour tables and the Videos list as nothing, and the face
picker by its current text with no label)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _said(widget) -> str:
    return QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)


def test_the_play_button_tables_and_videos_list_are_named(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert _said(win.play_button) == "play" and "Space" in win.play_button.toolTip()
    win.transport.toggle_play()
    qtbot.waitUntil(lambda: win.transport.playing, timeout=5000)
    assert _said(win.play_button) == "pause"
    win.transport.toggle_play()
    qtbot.waitUntil(lambda: not win.transport.playing, timeout=5000)
    assert _said(win.play_button) == "play"
    assert _said(win.table) == "events"
    assert _said(win.behaviours.table) == "behaviour events"
    assert _said(win.video_list) == "videos"
    (label,) = [w for w in win.findChildren(QLabel) if w.text() == "face"]
    assert label.buddy() is win.face_combo
