"""A coder's corrected file in the app: the import preview offers to replace their events on the video (one undo
step that puts them back), and a file of a coder who found nothing records them."""

from __future__ import annotations

import pytest
from gui_fixtures import FPS, N_FRAMES

from merstudio.gui import commands as C
from merstudio.interchange import Media, preview_import, write_events
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _open(win, video_path):
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    return win.video


def _write(tmp_path, video_path, name, events):
    return write_events(events, tmp_path / name, Media(str(video_path), fps=FPS, frame_count=N_FRAMES))


def test_a_corrected_file_replaces_the_coders_events_as_one_undo_step(window, video_path, tmp_path, monkeypatch):
    from merstudio.gui.dialogs import ImportPreviewDialog

    win = window
    video = _open(win, video_path)
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
    assert dlg.replace_box is not None and "Replace the events of alice" in dlg.replace_box.text()
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
    video = _open(win, video_path)
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
