"""One home for "every video's events in one events CSV" (interchange.export_all_events, used by `merstudio convert
--video all` and the app's File > Export > Events of all videos) and for reading such a file back one video at a
time (events_csv_videos, read_events_csv(only_video=True))."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from support.cli_run import tiny_video
from support.stored_runs import analysed_to_the_end

import merstudio.io
from merstudio.interchange import events_csv_videos, export_all_events, preview_import, read_events_csv
from merstudio.project import Event, Project


def _project(tmp_path: Path, same_name: bool = False) -> Path:
    path = tmp_path / "study.merproj"
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
    with Project.create(path) as p:
        a = p.add_video(tiny_video(tmp_path / "x" / "a.avi", n=30), fps=30.0, frame_count=30, width=64, height=48)
        b = p.add_video(tiny_video(tmp_path / "y" / ("a.avi" if same_name else "b.avi"), n=40), fps=30.0,
                        frame_count=40, width=64, height=48)
        p.add_events([Event(a.id, 3, 5, 8, emotion="happiness", coder="ann"),
                      Event(b.id, 10, 12, 20, emotion="surprise", coder="ann"),
                      Event(b.id, 25, 26, 30, source="model", status="proposal", confidence=0.4)])
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_statuses_times_and_no_video_decoded(tmp_path, monkeypatch):
    proj = _project(tmp_path)
    analysed_to_the_end(proj)

    def no_decoding(*a, **k):
        raise AssertionError("a video was opened: the project's stored times serve")

    monkeypatch.setattr(merstudio.io, "open_source", no_decoding)
    monkeypatch.setattr(merstudio.io.frames, "open_source", no_decoding)
    with Project.open(proj) as p:
        done = export_all_events(p, tmp_path / "all.csv", statuses=["accepted"])
        assert (done.events, done.videos_with_events, done.videos, done.notes) == (2, 2, 2, [])
        assert done.summary() == f"wrote 2 event(s) of 2 of the 2 videos to {tmp_path / 'all.csv'}"
        assert [(r["video"], r["onset"], r["status"]) for r in _rows(done.path)] == [
            ("a.avi", "3", "accepted"), ("b.avi", "10", "accepted")]
        # a player's times for one video (variable rate): its rows' times are those; the other's frame / fps
        times = np.arange(40, dtype=np.float64) / 30.0
        times[10:] += 0.5
        done = export_all_events(p, tmp_path / "all2.csv", times={2: times})
        rows = _rows(done.path)
        assert done.events == 3 and [r["onset_time"] for r in rows] == [repr(3 / 30), repr(float(times[10])),
                                                                         repr(float(times[25]))]


def test_videos_sharing_a_name_are_written_with_a_note(tmp_path):
    with Project.open(_project(tmp_path, same_name=True)) as p:
        done = export_all_events(p, tmp_path / "all.csv")
    assert done.events == 3 and len(done.notes) == 1
    assert "videos a.avi share a file name" in done.notes[0] and "cannot be imported back" in done.notes[0]


def test_the_files_videos_and_one_videos_rows(tmp_path):
    f = tmp_path / "mixed.csv"
    f.write_text("video,onset,apex,offset,coder\na.avi,1,2,3,bob\nb.avi,4,5,6,bob\n,7,8,9,bob\n", encoding="utf-8")
    assert events_csv_videos(f) == ["a.avi", "b.avi"]
    g = tmp_path / "plain.csv"
    g.write_text("onset,apex,offset\n1,2,3\n", encoding="utf-8")
    assert events_csv_videos(g) == []
    prev = read_events_csv(f, video_name="a.avi")
    assert [s.reason for s in prev.skipped] == ["video 'b.avi' is not 'a.avi'", "video '' is not 'a.avi'"]
    # only that video's rows: the other videos' are theirs, a row of no video is still a skipped item
    prev = read_events_csv(f, video_name="a.avi", only_video=True)
    assert [e.onset for e in prev.events] == [1] and [s.reason for s in prev.skipped] == ["video '' is not 'a.avi'"]
    with Project.open(_project(tmp_path)) as p:
        prev = preview_import(p, f, 2, fmt="events-csv", only_video=True)
    assert [e.onset for e in prev.events] == [4] and len(prev.skipped) == 1


def test_an_unreadable_file_is_one_line(tmp_path):
    from merstudio.errors import InputError

    with pytest.raises(InputError, match="not found"):
        events_csv_videos(tmp_path / "nope.csv")
