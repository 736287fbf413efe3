"""`convert --project P --import F.events.csv --status accepted`: a row no event can be made of (a frame `x`) whose
status cell names a status the import leaves out is left out with the others, not a skip to confirm with --yes
(h289 item 3, h265): the events-CSV reader dropped it as bad before its status was known, and the import of the
accepted rows alone was refused ("row 3: bad or missing frame ... confirm skipping 1 item(s)")."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

from merstudio import interchange as ix
from merstudio.project import Project

HEADER = ("video,face_id,onset,apex,offset,onset_time,apex_time,offset_time,emotion,aus,coder,confidence,source,"
          "status,model_confidence,model,note\n")
GOOD = "clip.avi,0,10,12,14,0.333,0.4,0.467,happiness,6+12,bob,,manual,accepted,,,\n"


def _bad(status: str) -> str:
    return f"clip.avi,0,x,,,,,,anger,4,carol,,manual,{status},,,\n"


def _setup(tmp_path: Path, *rows: str) -> tuple[Path, Path]:
    proj = tmp_path / "study.merproj"
    with Project.create(proj) as p:
        p.add_video(tiny_video(tmp_path / "clip.avi", n=40), fps=30.0, frame_count=40, width=64, height=48)
    src = tmp_path / "badrow.events.csv"
    src.write_text(HEADER + "".join(rows), encoding="utf-8")
    return proj, src


def _events(proj: Path) -> list[tuple]:
    with Project.open(proj, read_only=True) as p:
        return sorted((e.onset, e.offset, e.coder, e.status) for e in p.events(1))


@pytest.mark.parametrize("video", ["1", "all"])
def test_a_bad_row_of_another_status_is_left_out_not_skipped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], video: str) -> None:
    proj, src = _setup(tmp_path, GOOD, _bad("rejected"))
    code, out, err = run(capsys, "convert", "--project", proj, "--import", src, "--video", video, "--status",
                         "accepted")
    assert code == 0, err  # before: exit 2, "row 3: bad or missing frame ... confirm skipping 1 item(s)"
    assert "skip" not in err and "row 3" not in err, err
    assert "--status accepted: 1 row(s) of other statuses left out" in err, err
    assert _events(proj) == [(10, 14, "bob", "accepted")]


def test_the_core_counts_it_as_left_out(tmp_path: Path) -> None:
    proj, src = _setup(tmp_path, GOOD, _bad("rejected"), _bad("proposal"))
    with Project.open(proj) as p:
        prev = ix.preview_import(p, src, 1, statuses=["accepted"])
    assert prev.left_out == 2 and prev.skipped == [] and len(prev.events) == 1
    with Project.open(proj) as p:  # without --status the bad rows are skips, as before
        prev = ix.preview_import(p, src, 1)
    assert [s.where for s in prev.skipped] == ["badrow.events.csv: row 3", "badrow.events.csv: row 4"]
    assert prev.left_out == 0


@pytest.mark.parametrize("status", ["", "accepted", "Rejected?"])
def test_a_bad_row_that_may_be_kept_is_still_a_skip(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], status: str) -> None:
    # an empty status cell is an accepted event's; one that names no status cannot be told to be another's
    proj, src = _setup(tmp_path, GOOD, _bad(status))
    code, out, err = run(capsys, "convert", "--project", proj, "--import", src, "--video", "1", "--status",
                         "accepted")
    assert code == 2 and out == ""
    assert "confirm skipping 1 item(s)" in err.strip().splitlines()[-1], err
    assert _events(proj) == []


def test_a_file_to_file_conversion_leaves_it_out_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`convert IN OUT --status accepted` (no project): the same bad row of another status is left out, counted in
    the --status note, not a skip to confirm (the conversion filtered after reading)."""
    _, src = _setup(tmp_path, GOOD, _bad("rejected"))
    code, out, err = run(capsys, "convert", src, tmp_path / "out.csv", "--status", "accepted", "--fps", "30")
    assert code == 0, err
    assert "skip" not in err and "--status accepted: 1 row(s) of other statuses left out" in err, err
    assert "bob" in (tmp_path / "out.csv").read_text(encoding="utf-8")
