"""Moving between a project's videos from the keyboard (Return in the Videos list opens the video, its Home / End
move in the list, View > Next / Previous video), switching back to a video goes back to where the coder was, and
Tab in the event dialog's note moves on rather than typing a tab."""

import pytest
from gui_fixtures import write_video
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from merstudio.gui import commands as C
from merstudio.gui.dialogs import EventDialog
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _three_videos(win, video_path, tmp_path):
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    for p in (video_path, write_video(tmp_path / "media" / "b.avi", n=40), write_video(tmp_path / "media" / "c.avi",
                                                                                       n=50)):
        assert win.ctx.execute(C.OpenVideo, path=str(p)), win.errors
    return [v.id for v in win.project.videos()]


def _focus_list(qtbot, win):
    win.videos_dock.show()
    win.videos_dock.raise_()
    win.activateWindow()
    win.video_list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.video_list)


def test_return_in_the_videos_list_opens_the_video_not_the_event_editor(qtbot, window, video_path, tmp_path,
                                                                          monkeypatch):
    win = window
    ids = _three_videos(win, video_path, tmp_path)
    edits = []
    monkeypatch.setattr(C.EditEvent, "ask", staticmethod(lambda ctx, params: edits.append(1) or False))
    _focus_list(qtbot, win)
    assert win.video_list.currentRow() == 2  # the row of the video shown: the keyboard moves on from there
    qtbot.keyClick(win.video_list, Qt.Key.Key_Home)
    assert win.video_list.currentRow() == 0 and win.video.id == ids[2]  # moved in the list, not the play head
    qtbot.keyClick(win.video_list, Qt.Key.Key_Return)
    assert win.video.id == ids[0] and not edits and not win.errors
    qtbot.keyClick(win.video_list, Qt.Key.Key_End)
    assert win.video_list.currentRow() == 2
    qtbot.keyClick(win.video_list, Qt.Key.Key_Up)
    qtbot.keyClick(win.video_list, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert win.video.id == ids[1] and not edits
    # elsewhere Return is still the window's "Edit event"
    win.timeline.setFocus()
    qtbot.keyClick(win.timeline, Qt.Key.Key_Return)
    assert edits == [1]


def test_next_and_previous_video_from_anywhere(qtbot, window, video_path, tmp_path):
    win = window
    ids = _three_videos(win, video_path, tmp_path)
    acts = {a.text().replace("&", ""): a for a in win.actions()}  # by the plain text
    assert acts["Next video"].shortcut() == QKeySequence("Ctrl+PgDown")
    assert acts["Previous video"].shortcut() == QKeySequence("Ctrl+PgUp")
    win.activateWindow()
    win.timeline.setFocus()
    qtbot.keyClick(win.timeline, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert win.video.id == ids[1]
    qtbot.keyClick(win.timeline, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert win.video.id == ids[0]
    qtbot.keyClick(win.timeline, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert win.video.id == ids[0] and "first video" in win.statusBar().currentMessage()
    _focus_list(qtbot, win)  # the list's own PgDown is not Ctrl+PgDown
    qtbot.keyClick(win.video_list, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert win.video.id == ids[1] and win.video_list.currentRow() == 1
    # every shortcut is one action's: none of these keys was taken already
    keys = [s.toString() for a in win.actions() for s in a.shortcuts()]
    assert keys.count("Ctrl+PgDown") == 1 and keys.count("Ctrl+PgUp") == 1


def test_switching_back_to_a_video_keeps_its_frame_and_zoom(qtbot, window, video_path, tmp_path):
    win = window
    ids = _three_videos(win, video_path, tmp_path)
    win.session.select_video(ids[0])
    win.transport.go_to(37)
    win.timeline.au_plot.setXRange(30, 50, padding=0)
    win.session.select_video(ids[1])
    assert win.current_frame == 0  # a video not shown before starts at its first frame, whole
    lo, hi = win.timeline.au_plot.viewRange()[0]
    assert lo < 0 and hi > 39
    win.transport.go_to(12)
    win.session.select_video(ids[0])
    qtbot.wait(200)  # whatever a switch does later (the stored analysis loading) does not move them again
    assert win.current_frame == 37 and win.slider.value() == 37
    assert win.timeline.au_plot.viewRange()[0] == pytest.approx([30, 50], abs=0.01)
    win.session.select_video(ids[1])
    assert win.current_frame == 12
    # a project opened again goes back there too (kept in the project: tests/gui/test_view_place_persists.py)
    path = win.project.path
    win.session.close_project()
    assert win.ctx.execute(C.OpenProject, path=str(path)), win.errors
    assert win.video.id == ids[1] and win.current_frame == 12  # on the video left (merstudio.gui.places)
    win.session.select_video(ids[0])
    assert win.current_frame == 37


def test_tab_in_the_event_dialogs_note_moves_on(qtbot):
    dlg = EventDialog(Event(1, 2, 3, 4, note="hand at mouth"), frame_count=10)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    dlg.note.setFocus()
    dlg.note.moveCursor(dlg.note.textCursor().MoveOperation.End)
    qtbot.waitUntil(dlg.note.hasFocus)
    qtbot.keyClick(dlg.note, Qt.Key.Key_Tab)
    assert dlg.note.toPlainText() == "hand at mouth" and not dlg.note.hasFocus()
    assert dlg.result_event().note == "hand at mouth"
