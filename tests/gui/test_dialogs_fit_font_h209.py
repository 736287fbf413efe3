"""Dialogs at a small screen and a big font (h209): the import preview's Replace box was one unwrapped line of the
file's coders and counts (973 px on a 960 px screen, 1514 px at 14 pt: Import and Cancel off the screen); the
Edit-event note box was a fixed 70 px (about 2 lines at 16 pt)."""

from __future__ import annotations

import pytest
from gui_fixtures import FPS, N_FRAMES, open_video
from PySide6.QtWidgets import QApplication

from merstudio.interchange import Media, preview_import, write_events
from merstudio.project import Event

pytestmark = pytest.mark.gui

LONG = ("Alexandra Konstantinidou-Papadopoulou", "Benedikt Hoffmann-Schulz von Lichtenstein")


def _preview_dialog(win, video_path, tmp_path):
    from merstudio.gui.dialogs import ImportPreviewDialog

    video = open_video(win, video_path)
    events = [Event(video.id, 10 + 20 * i, 12 + 20 * i, 15 + 20 * i, emotion="positive", coder=c)
              for i, c in enumerate(LONG)]
    win.project.add_events(events)
    path = write_events(events, tmp_path / "corrected.eaf", Media(str(video_path), fps=FPS, frame_count=N_FRAMES))
    plain = preview_import(win.project, path, video.id)
    return ImportPreviewDialog(plain, win, replace_preview=preview_import(win.project, path, video.id, replace=True))


@pytest.mark.parametrize("pt", [9, 14])
def test_the_replace_choice_wraps_and_the_buttons_stay_on_the_screen(qtbot, window, video_path, tmp_path, app_pt,
                                                                     pt):
    app_pt(pt)
    dlg = _preview_dialog(window, video_path, tmp_path)
    qtbot.addWidget(dlg)
    assert dlg.replace_box is not None
    avail = dlg.screen().availableGeometry()
    # the dialog can be narrower than the coders' names and than the screen
    names = dlg.fontMetrics().horizontalAdvance(", ".join(LONG))
    assert dlg.minimumSizeHint().width() < min(names, avail.width() - 40)
    dlg.resize(avail.width() + 400, avail.height() + 400)  # a size remembered from a bigger screen
    dlg.show()
    qtbot.waitExposed(dlg)
    QApplication.processEvents()
    frame = dlg.frameGeometry()
    assert avail.contains(frame), (frame, avail)
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
    assert avail.contains(ok.mapToGlobal(ok.rect().bottomRight())), "the Import button is off the screen"
    # the coders' names and the counts are said under the box, wrapped: the box's own text is short
    note = dlg.replace_note.text()
    assert all(name in note for name in LONG) and "removed" in note
    assert dlg.replace_note.wordWrap() and dlg.replace_note.buddy() is dlg.replace_box
    assert not any(name in dlg.replace_box.text() for name in LONG) and "removed" not in dlg.replace_box.text()
    dlg.replace_box.setChecked(True)  # the choice still works
    assert dlg.replace and dlg.replace_note.isVisible()
    dlg.close()


@pytest.mark.parametrize("pt", [9, 16])
def test_the_event_note_shows_its_lines_at_the_apps_font(qtbot, app_pt, pt):
    from merstudio.gui.dialogs import NOTE_LINES, EventDialog

    app_pt(pt)
    dlg = EventDialog(Event(1, 2, 3, 4, note="a long note"), 100)
    qtbot.addWidget(dlg)
    box = dlg.note
    inside = box.maximumHeight() - 2 * (box.frameWidth() + box.document().documentMargin())
    assert inside >= NOTE_LINES * box.fontMetrics().lineSpacing()
    assert inside < (NOTE_LINES + 1) * box.fontMetrics().lineSpacing()  # a few lines, not the whole screen
    dlg.show()
    qtbot.waitExposed(dlg)
    QApplication.processEvents()
    # shown that tall: Qt's first size (2/3 of the screen's height at most) squeezed it to 2 lines at 16 pt
    assert box.height() == box.maximumHeight()
    assert dlg.screen().availableGeometry().contains(dlg.frameGeometry())
