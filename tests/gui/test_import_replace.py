"""A coder's corrected file in the app: the import preview offers to replace their events on the video (one undo
step that puts them back), and a file of a coder who found nothing records them."""

from __future__ import annotations

import pytest
from gui_fixtures import FPS, N_FRAMES, open_video

from merstudio.gui import commands as C
from merstudio.interchange import Media, preview_import, write_events
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _write(tmp_path, video_path, name, events):
    return write_events(events, tmp_path / name, Media(str(video_path), fps=FPS, frame_count=N_FRAMES))


def test_a_corrected_file_replaces_the_coders_events_as_one_undo_step(window, video_path, tmp_path, monkeypatch):
    from merstudio.gui.dialogs import ImportPreviewDialog

    win = window
    video = open_video(win, video_path)
    v1 = [Event(video.id, 10, 12, 15, emotion="positive", aus="12", coder="alice"),
          Event(video.id, 40, 42, 46, emotion="negative", aus="4", coder="alice")]
    bob = Event(video.id, 11, 12, 16, emotion="positive", aus="12", coder="bob")
    assert win.ctx.execute(C.ImportEvents, path=str(_write(tmp_path, video_path, "v1.eaf", [*v1, bob])),
                           confirmed=True), win.errors
    ids = {e.onset: e.id for e in win.project.events(video.id)}
    v2 = _write(tmp_path, video_path, "v2.eaf", [v1[0], Event(video.id, 38, 42, 46, emotion="negative", aus="4",
                                                              coder="alice")])
    # the preview offers the choice: plain import (with a note on the overlap) or replace
    plain = preview_import(win.project, v2, video.id)
    dlg = ImportPreviewDialog(plain, win, replace_preview=preview_import(win.project, v2, video.id, replace=True))
    assert dlg.replace_box is not None and "The events of alice on this video" in dlg.replace_note.text()
    assert "overlap" in dlg.text.toPlainText() and dlg.preview is plain
    dlg.replace_box.setChecked(True)
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
    assert ok.text() == "Replace 1 by 1" and ok.isEnabled() and dlg.replace
    assert "1 event(s) will be REMOVED" in dlg.head.text() and dlg.preview.replaces[0].onset == 40
    dlg.deleteLater()
    n_steps = win.undo_stack.count()
    assert win.ctx.execute(C.ImportEvents, path=str(v2), confirmed=True, replace=True), win.errors
    got = sorted((e.coder, e.onset) for e in win.project.events(video.id))
    assert got == [("alice", 10), ("alice", 38), ("bob", 11)]
    assert win.project.events(video.id, coder="alice")[0].id == ids[10]  # the unchanged event kept its id
    assert win.undo_stack.count() == n_steps + 1 and "Replace 1 event(s) of alice" in win.undo_stack.undoText()
    win.undo_stack.undo()  # the old event back, under its id
    assert sorted((e.coder, e.onset, e.id) for e in win.project.events(video.id)) == \
        sorted((c, o, ids[o]) for c, o in [("alice", 10), ("alice", 40), ("bob", 11)])
    win.undo_stack.redo()
    assert sorted((e.coder, e.onset) for e in win.project.events(video.id)) == got
    # through the dialog, as a user: the box is offered, ticked, and the import replaces
    from PySide6.QtWidgets import QDialog

    seen = []

    def tick(self):
        seen.append(self.replace_box is not None)
        self.replace_box.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", tick)
    v3 = _write(tmp_path, video_path, "v3.eaf", [Event(video.id, 50, 52, 55, emotion="positive", coder="alice")])
    assert win.ctx.execute(C.ImportEvents, path=str(v3)), win.errors
    assert seen == [True]
    assert sorted((e.coder, e.onset) for e in win.project.events(video.id)) == [("alice", 50), ("bob", 11)]


def test_a_file_of_a_coder_who_found_nothing_records_them(window, video_path, tmp_path):
    win = window
    video = open_video(win, video_path)
    path = tmp_path / "carol.events.csv"
    path.write_text("video,face_id,onset,apex,offset,emotion,aus,coder\n")
    assert not win.ctx.execute(C.ImportEvents, path=str(path), confirmed=True)  # nobody to record
    eaf = _write(tmp_path, video_path, "c.eaf", [Event(video.id, 10, 12, 15, emotion="positive", coder="carol")])
    text = eaf.read_text(encoding="utf-8")
    import re

    text = re.sub(r"<ANNOTATION>.*?</ANNOTATION>", "", text, flags=re.S)  # carol's tiers, empty
    eaf.write_text(text, encoding="utf-8")
    assert win.ctx.execute(C.ImportEvents, path=str(eaf), confirmed=True), win.errors
    assert win.project.coded_by(video.id) == ["carol"] and win.project.events(video.id) == []
    assert "Record carol" in win.undo_stack.undoText()
    # the agreement dialog offers her: she is compared, the others' events counting as her misses
    assert "carol" in win.agreement_coders() and "carol" in win.agreement_coders(all_videos=True)
    win.undo_stack.undo()
    assert win.project.coded_by(video.id) == []


def test_an_import_and_a_review_say_what_they_did_in_the_status_bar(window, video_path, tmp_path):
    """The status bar never keeps an earlier message (an analysis' "2 proposals to review") over an import or a
    review: each says what it did, and what is left to review."""
    win = window
    video = open_video(win, video_path)
    for on in (20, 50):
        win.project.add_event(Event(video.id, on, on + 2, on + 5, emotion="positive", source="model",
                                    status="proposal", coder="model"))
    win.coding.reload()
    win.statusBar().showMessage("Analysis complete: 2 proposals to review (N next, Y accept, X reject)")
    win.coding.select(win.project.events(video.id)[0].id)
    assert win.ctx.execute(C.SetProposalStatus, status="accepted"), win.errors
    msg = win.statusBar().currentMessage()
    assert msg.startswith("Accepted positive 20-25") and "1 proposal left to review" in msg
    assert win.ctx.execute(C.SetProposalStatus, status="rejected"), win.errors
    msg = win.statusBar().currentMessage()
    assert msg.startswith("Rejected positive 50-55") and "no proposals left" in msg and "to review (N" not in msg
    # imports: plain, with what was skipped or already there; replace; a coder who found nothing
    v1 = [Event(video.id, 10, 12, 15, emotion="positive", coder="alice"),
          Event(video.id, 30, 32, 35, emotion="negative", coder="alice")]
    assert win.ctx.execute(C.ImportEvents, path=str(_write(tmp_path, video_path, "v1.eaf", v1)),
                           confirmed=True), win.errors
    assert win.statusBar().currentMessage() == "Imported 2 events from v1.eaf"
    v2 = _write(tmp_path, video_path, "v2.eaf", [Event(video.id, 60, 62, 65, emotion="positive", coder="alice")])
    assert win.ctx.execute(C.ImportEvents, path=str(v2), confirmed=True, replace=True), win.errors
    assert win.statusBar().currentMessage() == "Replaced 2 events of alice by 1 from v2.eaf"
    eaf = _write(tmp_path, video_path, "c.eaf", [Event(video.id, 10, 12, 15, emotion="positive", coder="carol")])
    import re

    eaf.write_text(re.sub(r"<ANNOTATION>.*?</ANNOTATION>", "", eaf.read_text(encoding="utf-8"), flags=re.S),
                   encoding="utf-8")
    assert win.ctx.execute(C.ImportEvents, path=str(eaf), confirmed=True), win.errors
    assert win.statusBar().currentMessage().startswith(f"Recorded carol as having coded {video.name}")


def test_the_preview_wraps_its_notes_and_lists_the_events_a_replace_removes(qtbot, window, video_path, tmp_path):
    from merstudio.gui.dialogs import ImportPreviewDialog

    win = window
    video = open_video(win, video_path)
    old = [Event(video.id, 10, 12, 15, emotion="positive", aus="12", coder="alice"),
           Event(video.id, 40, 42, 46, emotion="negative", aus="4+7", coder="alice")]
    assert win.ctx.execute(C.ImportEvents, path=str(_write(tmp_path, video_path, "v1.eaf", old)),
                           confirmed=True), win.errors
    v2 = _write(tmp_path, video_path, "v2.eaf", [Event(video.id, 50, 52, 55, emotion="positive", coder="alice")])
    plain = preview_import(win.project, v2, video.id)
    plain.notes.append("a long note " + "that goes on and on " * 12 + "END")  # as the media notes of an ELAN file
    dlg = ImportPreviewDialog(plain, win, replace_preview=preview_import(win.project, v2, video.id, replace=True))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.text.lineWrapMode() == dlg.text.LineWrapMode.WidgetWidth
    assert dlg.text.horizontalScrollBar().maximum() == 0  # nothing cut off at the right edge
    assert "remove alice" not in dlg.text.toPlainText()
    dlg.replace_box.setChecked(True)
    text = dlg.text.toPlainText()
    assert "remove alice face 0: frames 10-12-15 positive 12 (accepted)" in text
    assert "remove alice face 0: frames 40-42-46 negative 4+7 (accepted)" in text


def test_a_file_without_a_coder_column_is_said_so_in_the_preview(qtbot, window, video_path, tmp_path):
    from merstudio.gui.dialogs import ImportPreviewDialog

    win = window
    video = open_video(win, video_path)
    path = tmp_path / "nocoder.events.csv"
    path.write_text(f"video,face_id,onset,apex,offset,emotion,aus\n{video.name},0,20,30,40,surprise,1+2\n")
    dlg = ImportPreviewDialog(preview_import(win.project, path, video.id), win)
    qtbot.addWidget(dlg)
    first = dlg.text.toPlainText().splitlines()[0]
    assert "1 event(s) to import naming no coder" in first and "coder(s) " not in first, first
