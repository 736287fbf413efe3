"""File > Import events says, as `convert --import` does, which emotions are none of the classes of the model the
video was analysed with (h287 item 1): in the preview and in the status line after the import (the note's one home:
interchange.class_note)."""

from __future__ import annotations

import pytest
from gui_fixtures import open_video
from helpers import accepted_previews

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_the_apps_import_names_the_emotions_no_class_of_the_model(window, video_path, tmp_path, monkeypatch):
    win = window
    video = open_video(win, video_path)
    p = win.project
    aid = p.begin_analysis(video.id, model="five.pt")
    p.append_frames(aid, [{"frame": f, "face_id": 0, "timestamp": f / 30, "confidence": 1.0, "success": 1,
                           "p_disgust": .5, "p_happiness": .3, "p_none": .2} for f in range(10)])
    p.finish_analysis(aid)
    shown = accepted_previews(monkeypatch, lambda dlg: dlg.preview.summary(limit=200))
    path = tmp_path / "zoe.events.csv"
    path.write_text("video,face,onset,apex,offset,emotion,aus,coder\nclip.avi,0,3,5,8,Happy,12,zoe\n"
                    "clip.avi,0,10,12,14,disgust,9,zoe\n", encoding="utf-8")
    assert win.ctx.execute(C.ImportEvents, path=str(path)), win.errors
    note = "1 event(s) name no class of the model five.pt (Happy; its classes: disgust, happiness)"
    assert note in shown[0]
    line = win.statusBar().currentMessage()
    assert line.startswith("Imported 2 events from zoe.events.csv") and note in line, line
