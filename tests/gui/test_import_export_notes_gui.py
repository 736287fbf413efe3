"""What the app says of files a coder brings or takes: a dataset's own annotation sheet given to File > Import
events is named as such with the command that reads it (it said only that the file is no table merstudio reads),
and an export to a BORIS project says what that format cannot hold (a confidence), as `merstudio convert` does."""

from __future__ import annotations

import pytest
from gui_fixtures import open_video

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def test_a_casme2_sheet_given_to_import_events_is_named_with_what_reads_it(window, video_path, tmp_path):
    win = window
    video = open_video(win, video_path)
    sheet = tmp_path / "CASME2-coding.csv"  # CASME II's own header row, as its sheet has it
    sheet.write_text("Subject,Filename,OnsetFrame,ApexFrame,OffsetFrame,Action Units,Estimated Emotion\n"
                     "01,EP02_01f,46,59,86,12,happiness\n", encoding="utf-8")
    assert not win.ctx.execute(C.ImportEvents, path=str(sheet), confirmed=True)
    assert win.errors and "CASME II annotation sheet" in win.errors[-1] and "--dataset casme2" in win.errors[-1]
    assert win.project.events(video.id) == []


def test_an_export_to_a_boris_project_says_the_confidence_is_not_kept(window, video_path, tmp_path):
    win = window
    video = open_video(win, video_path)
    win.project.add_event(Event(video.id, 10, 12, 15, emotion="happiness", aus="12", coder="alice",
                                confidence=0.9))
    out = tmp_path / "coded.boris"
    assert win.ctx.execute(C.ExportEvents, path=str(out)), win.errors
    assert out.is_file()
    shown = win.statusBar().currentMessage()
    assert "coded.boris" in shown and "no confidence" in shown, shown
