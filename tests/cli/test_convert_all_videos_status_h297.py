"""`convert --project P --import F --video all --status S` counts what --status left out as a one-video import of
the file does (h297 item 3): each video's preview counts its own rows and every row naming no video, so their sum
refused a file of 3 such rows as 'all 4 row(s) of the file'; the done line said '0 into video 2 (b.avi)' for a
video whose rows were all of other statuses, and nothing of what was left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

from merstudio import interchange as ix
from merstudio.project import Project

HEADER = ("video,face_id,onset,apex,offset,onset_time,apex_time,offset_time,emotion,aus,coder,confidence,source,"
          "status,model_confidence,model,note\n")
A_KEPT = "a.avi,0,10,12,14,,,,happiness,6+12,bob,,manual,accepted,,,\n"
A_OUT = "a.avi,0,20,22,24,,,,anger,4,bob,,manual,rejected,,,\n"
B_OUT = ("b.avi,0,20,22,24,,,,anger,4,bob,,manual,rejected,,,\n"
         "b.avi,0,25,26,28,,,,anger,4,bob,,manual,proposal,,,\n")
NO_VIDEO_OUT = ",0,30,32,34,,,,anger,4,bob,,manual,rejected,,,\n"


def _setup(tmp_path: Path, *rows: str) -> tuple[Path, Path]:
    proj = tmp_path / "study.merproj"
    with Project.create(proj) as p:
        p.add_video(tiny_video(tmp_path / "a.avi", n=40), fps=30.0, frame_count=40, width=64, height=48)
        p.add_video(tiny_video(tmp_path / "b.avi", n=41), fps=30.0, frame_count=41, width=64, height=48)
    src = tmp_path / "two.events.csv"
    src.write_text(HEADER + "".join(rows), encoding="utf-8")
    return proj, src


def _refusal(capsys: pytest.CaptureFixture[str], proj: Path, src: Path, video: str) -> str:
    code, out, err = run(capsys, "convert", "--project", proj, "--import", src, "--video", video, "--status",
                         "accepted")
    assert code == 2 and out == "", err
    return err.strip().splitlines()[-1]


def test_a_row_naming_no_video_is_counted_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj, src = _setup(tmp_path, A_OUT, B_OUT, NO_VIDEO_OUT)
    one = _refusal(capsys, proj, src, "1")
    assert one.endswith("--status accepted: all 4 row(s) of the file are of other statuses: nothing to import "
                        "(leave --status out to import them)"), one
    assert _refusal(capsys, proj, src, "all") == one  # before: 'all 5 row(s)' (the row of no video twice)
    with Project.open(proj, read_only=True) as p:
        assert ix.preview_all_events(p, src, statuses=["accepted"]).left_out == 4


def test_the_done_line_says_what_was_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj, src = _setup(tmp_path, A_KEPT, A_OUT, B_OUT)
    code, out, err = run(capsys, "convert", "--project", proj, "--import", src, "--video", "all", "--status",
                         "accepted")
    assert code == 0, err
    # each video's preview counts its own rows
    assert "a.avi: " in err and err.count("note: --status accepted: ") == 2, err
    assert "note: --status accepted: 1 row(s) of other statuses left out" in err
    assert "note: --status accepted: 2 row(s) of other statuses left out" in err
    # the done line: what each video kept, b.avi's nothing with why, and the file's count as one video's note has it
    assert out.strip() == (f"imported 1 into video 1 (a.avi); nothing into video 2 (b.avi: its 2 row(s) all of "
                           f"other statuses) of {proj}; --status accepted: 3 row(s) of other statuses left out")
    with Project.open(proj, read_only=True) as p:
        assert [(e.video_id, e.onset, e.status) for e in p.events()] == [(1, 10, "accepted")]
    (tmp_path / "one").mkdir()
    proj1, src1 = _setup(tmp_path / "one", A_KEPT, A_OUT, B_OUT)
    code, _out, err = run(capsys, "convert", "--project", proj1, "--import", src1, "--video", "1", "--status",
                          "accepted", "--yes")
    assert code == 0 and "note: --status accepted: 3 row(s) of other statuses left out" in err, err
