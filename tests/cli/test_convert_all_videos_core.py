"""`convert --project P --export FILE.csv --video all` writes through interchange.export_all_events (as the app's
File > Export > Events of all videos does): the stored frame times of videos analysed to their ends, no video
decoded; --status filters; videos sharing a file name get a note."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.cli_run import run
from support.cli_run import tiny_video as _video
from support.stored_runs import analysed_to_the_end

import merstudio.io
from merstudio.project import Event, Project


def _project(tmp_path: Path, second: str = "b.avi") -> Path:
    proj = tmp_path / "study.merproj"
    (tmp_path / "x").mkdir()
    with Project.create(proj) as p:
        a = p.add_video(_video(tmp_path / "a.avi", n=30), fps=30.0, frame_count=30, width=64, height=48)
        b = p.add_video(_video(tmp_path / "x" / second, n=40), fps=30.0, frame_count=40, width=64, height=48)
        p.add_events([Event(a.id, 3, 5, 8, emotion="happiness", coder="ann"),
                      Event(b.id, 25, 26, 30, source="model", status="proposal", confidence=0.4)])
    return proj


def test_export_all_decodes_no_video(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    proj = _project(tmp_path)
    analysed_to_the_end(proj)

    def no_decoding(*a: object, **k: object) -> None:
        raise AssertionError("a video was opened: the project's stored times serve")

    monkeypatch.setattr(merstudio.io, "open_source", no_decoding)
    out = tmp_path / "all.csv"
    code, stdout, err = run(capsys, "convert", "--project", proj, "--export", out, "--video", "all",
                            "--status", "proposal")
    assert code == 0, err
    assert "wrote 1 event(s) of 1 of the 2 videos" in stdout
    with out.open(newline="", encoding="utf-8") as fh:
        assert [(r["video"], r["onset"]) for r in csv.DictReader(fh)] == [("b.avi", "25")]


def test_videos_sharing_a_name_get_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = _project(tmp_path, second="a.avi")
    code, stdout, err = run(capsys, "convert", "--project", proj, "--export", tmp_path / "all.csv", "--video", "all")
    assert code == 0 and "wrote 2 event(s) of 2 of the 2 videos" in stdout, err
    assert "note: videos a.avi share a file name" in err
    code, _, err = run(capsys, "convert", "--project", proj, "--import", tmp_path / "all.csv", "--video", "all")
    assert code == 2 and "share a file name" in err and "--video ID" in err
