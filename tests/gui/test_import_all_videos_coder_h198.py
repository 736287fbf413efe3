"""The app's import of an events CSV of several videos whose rows name no coder (h198 item 2): its confirmation has
the one-video preview's Coder field (h197), filled with the app's coder, every video's rows read for it; a change
reads them again; emptied, no coder. Before, such rows were imported with no coder at all (no field). A file naming
its coders is confirmed as before, without the field."""

from __future__ import annotations

import pytest
from gui_fixtures import two_video_project
from PySide6.QtWidgets import QDialog

from merstudio.gui import all_videos_import as A
from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _csv(path, *rows):
    """rows: (video name, onset, coder)."""
    path.write_text("video,face_id,onset,apex,offset,emotion,coder\n"
                    + "".join(f"{v},0,{f},{f + 2},{f + 5},happiness,{c}\n" for v, f, c in rows), encoding="utf-8")
    return str(path)


def _as(monkeypatch, typed, seen):
    """The confirmation as a user: looks at the Coder field and the list, types ``typed`` (None: leaves it) and
    confirms."""

    def confirm(self):
        box = self.field.box
        seen.append({"filled": box.currentText(), "placeholder": box.lineEdit().placeholderText()})
        if typed is not None:
            box.setCurrentText(typed)
            box.lineEdit().editingFinished.emit()  # the field left: the file read again
        seen[-1].update(note=self.field.note_label.text(), text=self.text.text(),
                        coders=sorted({e.coder for _, p in self.found.parts for e in p.events}))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(A.CoderQuestion, "exec", confirm)
    monkeypatch.setattr(A.CoderQuestion, "show", lambda self: None)


def _events(win, *videos):
    return sorted((v.name, e.onset, e.coder) for v in videos for e in win.project.events(v.id))


def test_rows_naming_no_coder_are_the_app_coders(qtbot, window, tmp_path, monkeypatch):
    win = window
    a, b = two_video_project(win, tmp_path)
    win.set_coder("alice")
    seen: list[dict] = []
    _as(monkeypatch, None, seen)
    monkeypatch.setattr(win, "confirm", lambda q: pytest.fail(f"asked without the Coder field: {q}"))
    path = _csv(tmp_path / "all.csv", ("a.avi", 3, ""), ("b clip.avi", 10, ""), ("b clip.avi", 20, "zoe"))
    assert win.ctx.execute(C.ImportEvents, path=path), win.errors
    assert seen[0]["filled"] == "alice" and seen[0]["coders"] == ["alice", "zoe"]
    assert "zoe for some of its events" in seen[0]["note"] and "a.avi: 1 new" in seen[0]["text"]
    assert _events(win, a, b) == [("a.avi", 3, "alice"), ("b clip.avi", 10, "alice"), ("b clip.avi", 20, "zoe")]
    assert "alice" in win.project.coded_by(a.id) and "alice" in win.project.coded_by(b.id)
    win.undo_stack.undo()  # one undo step, as before
    assert _events(win, a, b) == []


@pytest.mark.parametrize(("typed", "coder"), [("bob", "bob"), ("", "")])
def test_a_name_typed_reads_the_rows_again(qtbot, window, tmp_path, monkeypatch, typed, coder):
    win = window
    a, b = two_video_project(win, tmp_path)
    win.set_coder("alice")
    seen: list[dict] = []
    _as(monkeypatch, typed, seen)
    assert win.ctx.execute(C.ImportEvents, path=_csv(tmp_path / "all.csv", ("a.avi", 3, ""),
                                                      ("b clip.avi", 10, ""))), win.errors
    assert seen[0]["placeholder"] == "no coder" and seen[0]["coders"] == [coder]
    assert _events(win, a, b) == [("a.avi", 3, coder), ("b clip.avi", 10, coder)]


def test_a_file_naming_its_coders_is_confirmed_without_the_field(qtbot, window, tmp_path, monkeypatch):
    win = window
    a, b = two_video_project(win, tmp_path)
    win.set_coder("alice")
    monkeypatch.setattr(A.CoderQuestion, "exec", lambda self: pytest.fail("the Coder field was shown"))
    asked: list[str] = []
    monkeypatch.setattr(win, "confirm", lambda q: asked.append(q) or True)
    assert win.ctx.execute(C.ImportEvents, path=_csv(tmp_path / "all.csv", ("a.avi", 3, "zoe"),
                                                      ("b clip.avi", 10, "ann"))), win.errors
    assert len(asked) == 1
    assert _events(win, a, b) == [("a.avi", 3, "zoe"), ("b clip.avi", 10, "ann")]
