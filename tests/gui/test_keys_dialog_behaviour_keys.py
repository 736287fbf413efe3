"""F1 lists the project's own behaviour keys too: gui/behaviours.py puts them on the window, in no menu, and the
list read the menus only (a behaviour "gaze away" on key 1 had no row, though docs/gui.md promised it). While the
list is open it follows the behaviours: one added or re-keyed shows at once, the filter kept."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from merstudio.gui import commands as C
from merstudio.project import Behaviour

pytestmark = pytest.mark.gui


def _open_keys(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: win.keys_dialog is not None and win.keys_dialog.isVisible())
    return win.keys_dialog


def test_f1_names_each_behaviour_key_and_follows_changes(qtbot, window, video_path):
    win = window
    win.show()
    qtbot.waitExposed(win)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    gaze = win.behaviours.add(Behaviour("gaze away", key="1", kind="state"))
    dlg = _open_keys(qtbot, win)
    assert ("Behaviours", "Code gaze away", "1") in dlg.rows
    dlg.filter.setText("gaze")
    assert ("Behaviours", "Code gaze away", "1") in dlg.shown_rows()
    # the list open beside the video: a behaviour added and one given another key show without reopening it
    win.behaviours.add(Behaviour("nod", key="2", kind="point"))
    win.behaviours.edit(replace(gaze, key="3"))
    qtbot.waitUntil(lambda: ("Behaviours", "Code nod", "2") in dlg.rows)
    qtbot.waitUntil(lambda: ("Behaviours", "Code gaze away", "3") in dlg.rows)
    assert ("Behaviours", "Code gaze away", "1") not in dlg.rows
    shown = dlg.shown_rows()  # the filter still applies to the rows read again
    assert dlg.filter.text() == "gaze" and ("Behaviours", "Code gaze away", "3") in shown
    assert all("gaze" in " ".join(r).lower() for r in shown) and len(shown) < len(dlg.rows)
    # the row's key is the key the window answers: pressing it codes that behaviour at the play head
    n = len(win.project.behaviour_events(win.video.id))
    dlg.close()
    win.activateWindow()  # the shortcut goes to the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    qtbot.keyClick(win, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: len(win.project.behaviour_events(win.video.id)) == n + 1)
    (ev,) = win.project.behaviour_events(win.video.id)
    assert ev.behaviour_id == gaze.id
