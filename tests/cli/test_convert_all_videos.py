"""`convert --project P --export FILE.csv --video all` writes every video's events to one events CSV, each row
naming its video; `--import FILE.csv --video all` puts each row back into the video it names. ELAN and BORIS files
hold one video's events: refused for all, in one line; so is a project export without --video on several videos
(naming --video all)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.cli_run import run
from support.cli_run import tiny_video as _video

from merstudio.project import Event, Project


def _project(tmp_path: Path) -> Path:
    proj = tmp_path / "study.merproj"
    with Project.create(proj) as p:
        a = p.add_video(_video(tmp_path / "a.avi", n=30), fps=30.0, frame_count=30, width=64, height=48)
        b = p.add_video(_video(tmp_path / "b clip.avi", n=40), fps=30.0, frame_count=40, width=64, height=48)
        p.add_events([Event(a.id, 3, 5, 8, emotion="happiness", coder="ann"),
                      Event(b.id, 10, 12, 20, emotion="surprise", coder="ann"),
                      Event(b.id, 25, 26, 30, source="model", status="proposal", confidence=0.4)])
    return proj


def test_export_all_and_import_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = _project(tmp_path)
    out = tmp_path / "out" / "all.csv"
    code, stdout, err = run(capsys, "convert", "--project", proj, "--export", out, "--video", "all")
    assert code == 0, err
    assert "wrote 3 event(s) of 2 of the 2 videos" in stdout
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["video"], r["onset"], r["offset"]) for r in rows] == [("a.avi", "3", "8"), ("b clip.avi", "10", "20"),
                                                                      ("b clip.avi", "25", "30")]
    fresh = tmp_path / "fresh.merproj"
    with Project.create(fresh) as p:
        for name, n in (("a.avi", 30), ("b clip.avi", 40)):
            p.add_video(tmp_path / name, fps=30.0, frame_count=n, width=64, height=48)
    code, stdout, err = run(capsys, "convert", "--project", fresh, "--import", out, "--video", "all")
    assert code == 0, err
    assert "imported 1 into video 1 (a.avi); 2 into video 2 (b clip.avi)" in stdout, stdout
    with Project.open(fresh, read_only=True) as p:
        assert [(e.onset, e.offset) for e in p.events(1)] == [(3, 8)]
        assert [(e.onset, e.offset, e.status) for e in p.events(2)] == [(10, 20, "accepted"), (25, 30, "proposal")]
    code, stdout, err = run(capsys, "convert", "--project", fresh, "--import", out, "--video", "all")
    assert code == 0 and "imported 0 into video 1 (a.avi), 1 already there; 0 into video 2" in stdout, stdout
    with Project.open(fresh, read_only=True) as p:  # the same file again: nothing doubled
        assert len(p.events(1)) == 1 and len(p.events(2)) == 2


def test_all_is_refused_for_per_video_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = _project(tmp_path)
    for name in ("all.eaf", "all.tsv", "all.boris", "all.boris.csv"):
        code, _, err = run(capsys, "convert", "--project", proj, "--export", tmp_path / name, "--video", "all")
        assert code == 2 and err.count("\n") == 1 and "one video's events" in err, (name, err)
        assert not (tmp_path / name).exists()


def test_no_video_names_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = _project(tmp_path)
    code, _, err = run(capsys, "convert", "--project", proj, "--export", tmp_path / "x.csv")
    assert code == 2 and "holds 2 videos" in err and "--video all" in err, err


def test_import_all_refuses_a_video_not_in_the_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = _project(tmp_path)
    f = tmp_path / "other.csv"
    f.write_text("video,onset,apex,offset,coder\na.avi,1,2,3,bob\nzzz.mp4,1,2,3,bob\n", encoding="utf-8")
    code, _, err = run(capsys, "convert", "--project", proj, "--import", f, "--video", "all")
    assert code == 2 and "zzz.mp4" in err and "nothing imported" in err, err
    with Project.open(proj, read_only=True) as p:
        assert len(p.events(1)) == 1
