"""interchange.preview_all_events: an events CSV of several videos previewed for each project video it names (what
`merstudio convert --import FILE --video all` and the app's Import events import), names matching no video listed;
each video's rate estimated from its own rows (a project's videos can each have their own rate)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import tiny_video

from merstudio.errors import InputError
from merstudio.interchange import export_all_events, preview_all_events, read_events_csv
from merstudio.project import Event, Project


def _project(path: Path, tmp_path: Path, events: bool = True) -> Project:
    p = Project.create(path)
    a = p.add_video(tiny_video(tmp_path / "a.avi", n=60, fps=25.0), fps=25.0, frame_count=60, width=64, height=48)
    b = p.add_video(tiny_video(tmp_path / "b.avi", n=60), fps=30.0, frame_count=60, width=64, height=48)
    if events:
        p.add_events([Event(a.id, 30, 35, 40, emotion="happiness", coder="ann"),
                      Event(b.id, 10, 12, 20, emotion="surprise", coder="ann"),
                      Event(b.id, 50, 52, 55, emotion="fear", coder="bob")])
    return p


def test_each_video_previewed_from_its_rows_at_its_own_rate(tmp_path: Path) -> None:
    with _project(tmp_path / "src.merproj", tmp_path) as src:
        export_all_events(src, tmp_path / "all.csv")
    with open(tmp_path / "all.csv", "a", encoding="utf-8") as fh:
        fh.write("zzz.mp4,0,1,2,3,,,,,,carl,,,,\n")
    # a's rows alone give its rate: 25 fps, not the file's median over both videos (30 fps: refused before)
    prev = read_events_csv(tmp_path / "all.csv", fps=25.0, video_name="a.avi", only_video=True)
    assert [(e.onset, e.offset) for e in prev.events] == [(30, 40)] and prev.fps == 25.0
    with _project(tmp_path / "dst.merproj", tmp_path, events=False) as dst:
        a, b = dst.videos()
        dst.add_events([Event(b.id, 10, 12, 20, emotion="surprise", coder="ann")])
        found = preview_all_events(dst, tmp_path / "all.csv")
        assert [(v.id, [e.onset for e in p.events], len(p.duplicates)) for v, p in found.parts] == \
            [(a.id, [30], 0), (b.id, [50], 1)]
        assert all(e.video_id == v.id for v, p in found.parts for e in p.events)
        assert found.unknown == ["zzz.mp4"]
        assert found.lines() == ["a.avi: 1 new", "b.avi: 1 new, 1 already there",
                                 "matching no video in the project (their rows left out): zzz.mp4"]


def test_a_file_without_a_video_column_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "one.csv"
    f.write_text("onset,apex,offset,coder\n1,2,3,ann\n", encoding="utf-8")
    with _project(tmp_path / "p.merproj", tmp_path, events=False) as p, pytest.raises(InputError, match="no video"):
        preview_all_events(p, f)
