"""The app's import of a BORIS file (h193 item 1): BORIS's own files name no coder, and the observation id they would
take instead names the session (two coders' files of one session share it), so the app credited bob's file to
'session 1' (merged with alice's). The preview has a Coder field, filled with the file's name, the app's coder
offered; a change reads the file again, and the import uses it (the CLI's --coder, h184)."""

from __future__ import annotations

import pytest
from gui_fixtures import open_video
from PySide6.QtWidgets import QDialog

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

# BORIS 7's tabular events export of observation 'session 1' on clip.avi (the test video: 90 frames at 30 fps)
_BLOCK = ("Observation id\tsession 1\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\t\nMedia file(s)\t\t\t\t\t\t\t\t\n"
          "\t\t\t\t\t\t\t\t\nPlayer #1\tclip.avi\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\t\n"
          "Observation date\t2016-11-27 01:57:26\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\t\n"
          "Time offset (s)\t0.0\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\t\nindependent variables\t\t\t\t\t\t\t\t\n"
          "variable\tvalue\t\t\t\t\t\t\t\n{variables}\t\t\t\t\t\t\t\t\n"
          "Time\tMedia file path\tTotal length\tFPS\tSubject\tBehavior\tBehavioral category\tComment\tStatus\n")


def _tabular(path, start, variables="a\t12"):
    rows = [f"{t:.3f}\tclip.avi\t3.000\t30.0\tsubject1\tsmile\t\t\t{flag}" for t, flag in ((start, "START"),
                                                                                            (1.0, "STOP"))]
    path.write_text(_BLOCK.format(variables=variables) + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _as(win, monkeypatch, typed, seen):
    """The preview dialog as a user: looks at the Coder field, types ``typed`` (None: leaves it) and confirms."""
    from merstudio.gui.dialogs import ImportPreviewDialog

    def confirm(self):
        box = self.coder_box
        seen.append({"filled": box.currentText(), "offered": [box.itemText(i) for i in range(box.count())]})
        if typed is not None:
            box.setCurrentText(typed)
            box.lineEdit().editingFinished.emit()  # the field left: the file read again
        seen[-1].update(coders=sorted({e.coder for e in self.preview.events}), note=self.coder_note.text(),
                        replace=self.replace_box is not None and not self.replace_box.isHidden(),
                        replace_text=self.replace_note.text() if self.replace_box is not None else "")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", confirm)


def test_the_preview_asks_whose_coding_a_boris_file_is(window, video_path, tmp_path, monkeypatch):
    win = window
    video = open_video(win, video_path)
    win.set_coder("alice")
    seen: list[dict] = []
    _as(win, monkeypatch, "alice", seen)
    assert win.ctx.execute(C.ImportEvents, path=str(_tabular(tmp_path / "alice.tsv", 0.5))), win.errors
    # filled with what the file says (its observation id), the app's coder offered
    assert seen[0]["filled"] == "session 1" and seen[0]["offered"] == ["session 1", "alice"]
    assert seen[0]["coders"] == ["alice"] and not seen[0]["replace"]
    _as(win, monkeypatch, "bob", seen)
    assert win.ctx.execute(C.ImportEvents, path=str(_tabular(tmp_path / "bob.tsv", 0.6))), win.errors
    assert seen[1]["coders"] == ["bob"] and not seen[1]["replace"]  # nothing of bob's here to replace
    assert sorted((e.coder, e.onset) for e in win.project.events(video.id)) == [("alice", 15), ("bob", 18)]
    # bob's corrected file: typed again, the Replace box offers bob's events (never alice's)
    _as(win, monkeypatch, "bob", seen)
    assert win.ctx.execute(C.ImportEvents, path=str(_tabular(tmp_path / "bob2.tsv", 0.7))), win.errors
    assert seen[2]["replace"] and seen[2]["replace_text"].startswith("The events of bob on this video")


def test_left_as_the_file_says_and_a_files_own_coder(window, video_path, tmp_path, monkeypatch):
    win = window
    video = open_video(win, video_path)
    seen: list[dict] = []
    _as(win, monkeypatch, None, seen)  # left as filled in: the observation id, as before
    assert win.ctx.execute(C.ImportEvents, path=str(_tabular(tmp_path / "a.tsv", 0.5))), win.errors
    assert [e.coder for e in win.project.events(video.id)] == ["session 1"]
    # a file with a Coder variable: filled with it; another name typed leaves its events to it, and says so
    _as(win, monkeypatch, "bob", seen)
    assert win.ctx.execute(C.ImportEvents, path=str(_tabular(tmp_path / "z.tsv", 0.6, "Coder\tzoe"))), win.errors
    assert seen[1]["filled"] == "zoe" and seen[1]["coders"] == ["zoe"]
    assert "names its own coder(s) zoe" in seen[1]["note"]
