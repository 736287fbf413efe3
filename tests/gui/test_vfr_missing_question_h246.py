"""File > Import events of an events CSV exported from a variable-rate video, onto a video whose file is missing
(h246): its frames fit no rate, and with the video's own frame times unknown the file may be that very video's or
one written before it was re-encoded. The question said "ev.csv was coded at 27.6 fps; this video has 30 fps": the
file has no one rate. It now says the file came from a variable-rate video, that the video's file must be found to
place its events right, or that they can be imported by their times at this video's rate if it was re-encoded."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from gui_fixtures import open_video
from support.vfr_clips import write_vfr_clip

from merstudio.gui import commands as C
from merstudio.interchange import Media, write_events_csv
from merstudio.io import open_source
from merstudio.io.reencode import reencode
from merstudio.project import Event, Project


def _reencoded_with_events(folder: Path) -> tuple[Path, Path]:
    """(phone.mp4 re-encoded in place to a constant 30 fps, ev.csv written from its variable-rate original)."""
    folder.mkdir(parents=True)
    phone = write_vfr_clip(folder / "phone.mp4", n=72, w=64, h=48)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the source's "variable frame rate" note
        with Project.create(folder.parent / "coded.merproj") as proj, open_source(phone) as src:
            proj.add_source(src)
            csv = write_events_csv([Event(1, 45, 50, 60, emotion="happiness", coder="ann")], folder.parent / "ev.csv",
                                   Media(str(phone), fps=proj.video(1).fps, frame_count=72, times=proj.video_times(1)))
        reencode(phone, folder / "phone.tmp.mp4")
    os.replace(folder / "phone.tmp.mp4", phone)
    return phone, csv


def test_the_question_says_the_file_is_a_variable_rate_videos(window, tmp_path: Path, monkeypatch) -> None:
    win = window
    phone, csv = _reencoded_with_events(tmp_path / "videos")
    video = open_video(win, phone)
    assert video.fps == 30.0
    (tmp_path / "away").mkdir()
    os.replace(phone, tmp_path / "away" / "phone.mp4")  # the video's file is missing now
    asked: list[str] = []
    monkeypatch.setattr(win, "confirm", lambda q: asked.append(q) or False)
    assert not win.ctx.execute(C.ImportEvents, path=str(csv))
    assert len(asked) == 1 and win.project.events(video.id) == []
    q = asked[0]
    assert "coded at" not in q  # the file has no one rate
    assert "ev.csv was exported from a variable-rate video (frame / time " in q, q
    assert "phone.mp4's file is missing" in q and "locate its file (File > Open video… of it)" in q, q
    assert "if phone.mp4 was re-encoded to a constant rate since, import them by their times at its 30 fps?" in q, q
