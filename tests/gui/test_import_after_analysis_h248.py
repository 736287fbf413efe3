"""The app's import of a colleague's reviewed events into a video analysed already (h248, audit a100 item 2): the
open proposals their accepted and rejected copies cover are replaced in the import's one undo step, the preview and
the status line saying so; before, they stayed open beside them and N / "left to review" met them again. A coder's
own events are never touched."""

from __future__ import annotations

import pytest
from gui_fixtures import open_video
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from merstudio.gui import commands as C
from merstudio.interchange import Media, write_events_csv
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _proposal(vid, on, off, aus="12"):
    return Event(vid, on, (on + off) // 2, off, emotion="happiness", aus=aus, coder="model", source="model",
                 status="proposal")


def _open(win, video):
    return sorted((e.onset, e.offset) for e in win.project.events(video.id)
                  if e.status == "proposal" and e.source == "model")


def test_import_after_analysis_resolves_the_reviewed_proposals(window, video_path, tmp_path, monkeypatch):
    win = window
    video = open_video(win, video_path)
    vid = video.id
    # the analysis' proposals, and a coder's own event of status proposal on one of them (never touched)
    win.project.replace_proposals(vid, [_proposal(vid, 10, 17), _proposal(vid, 40, 49, "4"), _proposal(vid, 70, 75)])
    win.project.add_event(Event(vid, 40, 44, 49, emotion="anger", aus="4", coder="bob", source="manual",
                                status="proposal"))
    win.coding.reload()
    src = write_events_csv(
        [Event(vid, 10, 13, 17, emotion="happiness", aus="L12+R6", coder="aud", source="model", status="accepted"),
         Event(vid, 41, 45, 49, emotion="anger", aus="4", coder="aud", source="model", status="rejected")],
        tmp_path / "A.events.csv", Media("clip.avi", fps=30.0))
    from merstudio.gui.dialogs import ImportPreviewDialog

    shown: list[str] = []

    def confirm(self):  # the preview, as the coder reads it before confirming (its button enabled)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        shown.append(f"{self.text.toPlainText()}\n[{ok.text()}]" if ok.isEnabled() else "[disabled]")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", confirm)
    before = sorted((e.onset, e.status, e.coder) for e in win.project.events(vid))
    assert win.ctx.execute(C.ImportEvents, path=str(src)), win.errors
    assert "2 open proposals replaced by the imported reviewed events" in shown[0]
    assert "2 open proposals replaced by the imported reviewed events" in win.statusBar().currentMessage()
    assert _open(win, video) == [(70, 75)]
    assert ("bob", "proposal") in {(e.coder, e.status) for e in win.project.events(vid)}  # the coder's own
    assert sum(e.status == "proposal" for e in win.coding.events) == 2  # what N and "left to review" count

    stack = win.coding.undo_stack
    stack.undo()  # one step: the imported events go and the proposals come back
    assert sorted((e.onset, e.status, e.coder) for e in win.project.events(vid)) == before
    stack.redo()
    assert _open(win, video) == [(70, 75)]
    assert len(win.project.events(vid)) == 4  # 70-75, bob's and the two imported
    # the proposals open again beside their reviews (as an import before h248 left them): the same file resolves them
    win.project.replace_proposals(vid, [_proposal(vid, 10, 17), _proposal(vid, 40, 49, "4"), _proposal(vid, 70, 75)])
    win.coding.reload()
    assert win.ctx.execute(C.ImportEvents, path=str(src)), win.errors
    assert "[Replace 2 open proposals]" in shown[1]
    assert _open(win, video) == [(70, 75)]
    assert "Imported 0 events" in win.statusBar().currentMessage()
    assert "2 open proposals replaced" in stack.undoText()


def test_an_events_csv_of_several_videos_resolves_in_each(qtbot, window, tmp_path, monkeypatch):
    from gui_fixtures import two_video_project

    a, b = two_video_project(window, tmp_path)
    for v in (a, b):
        window.project.replace_proposals(v.id, [_proposal(v.id, 3, 9), _proposal(v.id, 20, 25)])
    window.coding.reload()
    rows = []
    for v, status in ((a, "accepted"), (b, "rejected")):
        part = write_events_csv([Event(v.id, 3, 6, 9, emotion="happiness", aus="12", coder="aud", source="model",
                                       status=status)], tmp_path / f"{v.id}.events.csv", Media(v.name, fps=30.0))
        rows += part.read_text(encoding="utf-8").splitlines(keepends=True)[1 if rows else 0:]
    out = tmp_path / "all.events.csv"
    out.write_text("".join(rows), encoding="utf-8")
    monkeypatch.setattr(window, "confirm", lambda q: True)
    steps = window.undo_stack.count()
    assert window.ctx.execute(C.ImportEvents, path=str(out)), window.errors
    assert "2 open proposals replaced by the imported reviewed events" in window.statusBar().currentMessage()
    assert [_open(window, v) for v in (a, b)] == [[(20, 25)], [(20, 25)]]
    assert window.undo_stack.count() == steps + 1
    window.undo_stack.undo()
    assert [_open(window, v) for v in (a, b)] == [[(3, 9), (20, 25)]] * 2
