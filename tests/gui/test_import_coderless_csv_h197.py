"""The app's import of a file whose events name no coder (h197 item 1, h193's note): an events CSV with an empty
coder column was imported with no coder at all. The preview has the Coder field BORIS files have (h193), filled with
the app's coder, the file read for it; a change reads it again; emptied, the events have no coder, as before."""

from __future__ import annotations

import pytest
from gui_fixtures import open_video
from PySide6.QtWidgets import QDialog

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

HEAD = "video,face,onset,apex,offset,emotion,aus,coder\n"


def _csv(path, *rows):
    path.write_text(HEAD + "".join(f"clip.avi,0,{r},happiness,,{c}\n" for r, c in rows), encoding="utf-8")
    return path


def _as(monkeypatch, typed, seen):
    """The preview dialog as a user: looks at the Coder field, types ``typed`` (None: leaves it) and confirms."""
    from merstudio.gui.dialogs import ImportPreviewDialog

    def confirm(self):
        box = self.coder_box
        seen.append({"field": box is not None})
        if box is not None:
            seen[-1].update(filled=box.currentText(), placeholder=box.lineEdit().placeholderText())
            if typed is not None:
                box.setCurrentText(typed)
                box.lineEdit().editingFinished.emit()  # the field left: the file read again
        seen[-1].update(coders=sorted({e.coder for e in self.preview.events}), note=self.coder_note.text())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", confirm)


def coders(win, video):
    return sorted((e.coder, e.onset) for e in win.project.events(video.id))


def test_a_csv_naming_no_coder_is_the_app_coders(window, video_path, tmp_path, monkeypatch):
    win = window
    video = open_video(win, video_path)
    win.set_coder("alice")
    seen: list[dict] = []
    _as(monkeypatch, None, seen)
    assert win.ctx.execute(C.ImportEvents, path=str(_csv(tmp_path / "x.events.csv", ("10,12,15", "")))), win.errors
    assert seen[0]["field"] and seen[0]["filled"] == "alice" and seen[0]["coders"] == ["alice"]
    assert "names no coder" in seen[0]["note"]
    assert coders(win, video) == [("alice", 10)]
    assert "alice" in win.project.coded_by(video.id)
    # another name typed: the file read again for it
    _as(monkeypatch, "bob", seen)
    assert win.ctx.execute(C.ImportEvents, path=str(_csv(tmp_path / "y.events.csv", ("20,22,25", "")))), win.errors
    assert seen[1]["filled"] == "alice" and seen[1]["coders"] == ["bob"]
    assert coders(win, video) == [("alice", 10), ("bob", 20)]


def test_emptied_no_coder_and_a_files_own_coder_kept(window, video_path, tmp_path, monkeypatch):
    win = window
    video = open_video(win, video_path)
    win.set_coder("alice")
    seen: list[dict] = []
    _as(monkeypatch, "", seen)  # emptied: no coder, as before
    assert win.ctx.execute(C.ImportEvents, path=str(_csv(tmp_path / "x.events.csv", ("10,12,15", "")))), win.errors
    assert seen[0]["placeholder"] == "no coder" and seen[0]["coders"] == [""]
    assert coders(win, video) == [("", 10)]
    # some rows name a coder: they keep it, the others are the field's, and the line says so
    _as(monkeypatch, None, seen)
    path = _csv(tmp_path / "m.events.csv", ("30,32,35", "zoe"), ("40,42,45", ""))
    assert win.ctx.execute(C.ImportEvents, path=str(path)), win.errors
    assert seen[1]["coders"] == ["alice", "zoe"] and "zoe for some of its events" in seen[1]["note"]
    assert coders(win, video) == [("", 10), ("alice", 40), ("zoe", 30)]


def test_a_csv_naming_its_coders_has_no_field(window, video_path, tmp_path, monkeypatch):
    win = window
    video = open_video(win, video_path)
    win.set_coder("alice")
    seen: list[dict] = []
    _as(monkeypatch, None, seen)
    assert win.ctx.execute(C.ImportEvents, path=str(_csv(tmp_path / "z.events.csv", ("10,12,15", "zoe")))), win.errors
    assert seen == [{"field": False, "coders": ["zoe"], "note": ""}]
    assert coders(win, video) == [("zoe", 10)]
