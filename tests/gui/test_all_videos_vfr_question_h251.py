"""File > Import events of an events CSV holding several videos' rows, one of them exported from a variable-rate
video whose file is missing now (h251): the all-videos import asked "rows of a video were coded at 27.6 fps; that
video has 30 fps", though those rows have no one rate. It now asks what the one-video import asks (h246,
commands._rate_question), naming the video: its file must be located to place them right, or, if it was
re-encoded to a constant rate since, they are imported by their times."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from gui_fixtures import open_video, write_video
from support.vfr_clips import write_vfr_clip

from merstudio.gui import commands as C
from merstudio.interchange import Media, write_events_csv
from merstudio.io import open_source
from merstudio.io.reencode import reencode
from merstudio.project import Event, Project

pytestmark = pytest.mark.gui


def _two_videos_file(folder: Path) -> tuple[Path, Path, Path]:
    """(phone.mp4 re-encoded in place to a constant 30 fps, desk.avi, both.csv: the rows of phone.mp4 written from
    its variable-rate original, then those of desk.avi)."""
    folder.mkdir(parents=True)
    phone = write_vfr_clip(folder / "phone.mp4", n=72, w=64, h=48)
    desk = folder / "desk.avi"
    write_video(desk, n=40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the source's "variable frame rate" note
        with Project.create(folder.parent / "coded.merproj") as proj:
            for path in (phone, desk):
                with open_source(path) as src:
                    proj.add_source(src)
            parts = [write_events_csv([Event(vid, onset, onset + 5, onset + 15, emotion="happiness", coder="ann")],
                                      folder.parent / f"v{vid}.csv",
                                      Media(str(path), fps=proj.video(vid).fps, frame_count=count,
                                            times=proj.video_times(vid)))
                     for vid, path, onset, count in ((1, phone, 45, 72), (2, desk, 10, 40))]
        reencode(phone, folder / "phone.tmp.mp4")
    os.replace(folder / "phone.tmp.mp4", phone)
    first, second = (p.read_text(encoding="utf-8").splitlines() for p in parts)
    assert first[0] == second[0] and "video" in first[0]
    both = folder.parent / "both.csv"
    both.write_text("\n".join([*first, *second[1:]]) + "\n", encoding="utf-8")
    return phone, desk, both


def test_the_question_names_the_video_and_says_its_file_is_a_variable_rate_videos(window, tmp_path: Path,
                                                                                   monkeypatch) -> None:
    win = window
    phone, desk, both = _two_videos_file(tmp_path / "videos")
    assert open_video(win, phone).fps == 30.0
    current = open_video(win, desk)
    (tmp_path / "away").mkdir()
    os.replace(phone, tmp_path / "away" / "phone.mp4")  # phone.mp4's file is missing now
    asked: list[str] = []
    monkeypatch.setattr(win, "confirm", lambda q: asked.append(q) or False)
    assert not win.ctx.execute(C.ImportEvents, path=str(both))
    assert len(asked) == 1, asked
    assert all(win.project.events(v.id) == [] for v in win.project.videos()) and win.video.id == current.id
    q = asked[0]
    assert "coded at" not in q  # those rows have no one rate
    assert "both.csv was exported from a variable-rate video (frame / time " in q, q
    assert "phone.mp4's file is missing" in q and "locate its file (File > Open video… of it)" in q, q
    assert "if phone.mp4 was re-encoded to a constant rate since, import them by their times at its 30 fps?" in q, q


def test_yes_imports_each_videos_rows_by_their_times(window, tmp_path: Path, monkeypatch) -> None:
    win = window
    phone, desk, both = _two_videos_file(tmp_path / "videos")
    on_phone = open_video(win, phone)
    on_desk = open_video(win, desk)
    (tmp_path / "away").mkdir()
    os.replace(phone, tmp_path / "away" / "phone.mp4")
    asked: list[str] = []
    monkeypatch.setattr(win, "confirm", lambda q: asked.append(q) or True)
    assert win.ctx.execute(C.ImportEvents, path=str(both)), win.errors
    assert len(asked) == 2 and "re-encoded to a constant rate since" in asked[0], asked  # then the confirmation
    assert [(e.onset, e.apex, e.offset) for e in win.project.events(on_desk.id)] == [(10, 15, 25)]
    # by their times: frame 45 of the variable-rate original (24 fps after frame 30) lies at 1.606 s, frame 48 at
    # the re-encoded video's 30 fps (not frame 45)
    assert [(e.onset, e.apex, e.offset) for e in win.project.events(on_phone.id)] == [(48, 54, 66)]
