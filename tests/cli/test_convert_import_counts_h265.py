"""`convert --project P --import FILE --video N`: its lines count what it imports and what it leaves out (h265).

1. The done line repeats the preview's count of the file's open model proposals left out because this project
   reviewed them already (before: the preview said it, the last line did not: read alone, they seemed imported).
2. `--status` leaves the other statuses' rows out before anything is counted: the preview, the done line and the
   --yes refusal counted rows the filter dropped (carol's rejected rows past the video's end: "skipped 3", and an
   import of the accepted rows alone refused until --yes), and their coders were recorded as having coded the
   video; one note says how many rows the filter left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run, tiny_video
from support.model_proposals import proposal

from merstudio.interchange import Media, write_events_csv
from merstudio.project import Event, Project

N = 40  # frames of the video


def _project(tmp_path: Path, *more: str) -> tuple[Path, Path]:
    """A project whose video alice reviewed: she rejected the model's 20-25 and accepted its 30-35; and the file of a
    copy of it: bob accepted the model's 2-6 and coded 10-14 himself, rejected 8-9; the model's 20-25 and 30-35 still
    open there, alice's rejection as here; carol's three rejected rows past the video's end (a longer cut)."""
    proj = tmp_path / "study.merproj"
    with Project.create(proj) as p:
        vid = p.add_video(tiny_video(tmp_path / "clip.avi", n=N), fps=30.0, frame_count=N, width=64, height=48).id
        rejected = Event(vid, 20, 22, 25, emotion="surprise", aus="1+2", coder="alice", source="model",
                         status="rejected")
        p.add_events([proposal(vid, 2, 6), rejected,
                      Event(vid, 30, 32, 35, emotion="surprise", aus="1+2", coder="alice", source="model",
                            status="accepted")])
        file_events = [Event(vid, 2, 4, 6, emotion="surprise", aus="1+2", coder="bob", source="model",
                             status="accepted"),
                       Event(vid, 10, 12, 14, emotion="happiness", aus="6+12", coder="bob", source="manual",
                             status="accepted"),
                       Event(vid, 8, 8, 9, emotion="anger", aus="4", coder="bob", source="manual", status="rejected"),
                       proposal(vid, 20, 25), proposal(vid, 30, 35), rejected]
        file_events += [Event(vid, on, on + 1, on + 3, emotion="anger", aus="4", coder="carol", source="manual",
                              status="rejected") for on in (50, 60, 70)]
    src = write_events_csv(file_events, tmp_path / "copy.events.csv", Media("clip.avi", fps=30.0))
    return proj, src


def _events(proj: Path) -> list[tuple]:
    with Project.open(proj, read_only=True) as p:
        return sorted((e.onset, e.offset, e.coder, e.status) for e in p.events(1))


def _coders(proj: Path) -> tuple[list[str], list[str]]:
    with Project.open(proj, read_only=True) as p:
        return sorted(p.coders()), sorted(p.coded_by(1))


def test_done_line_says_the_open_proposals_reviewed_here_that_were_left_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj, src = _project(tmp_path)
    code, out, err = run(capsys, "convert", "--project", proj, "--import", src, "--video", "1", "--yes")
    assert code == 0, err
    said = "2 open proposals in the file skipped: reviewed here already"
    assert said in err  # the preview said it before too
    done = out.strip().splitlines()[-1]
    assert done.startswith("imported 3 event(s) into video 1") and f"; {said}" in done, done
    assert "; skipped 3" in done  # carol's rows past the end: imported without --status, so skipped, and said
    assert (20, 25, "model", "proposal") not in _events(proj) and (30, 35, "model", "proposal") not in _events(proj)


def test_status_counts_only_the_rows_it_keeps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj, src = _project(tmp_path)
    before = _coders(proj)
    # no --yes: only the rows of other statuses lie past the end; nothing of what it imports is skipped
    code, out, err = run(capsys, "convert", "--project", proj, "--import", src, "--video", "1", "--status",
                         "accepted")
    assert code == 0, err
    head = err.splitlines()[0]
    assert head.endswith("2 event(s) to import from coder(s) bob"), head  # no "3 item(s) to skip", no duplicates
    assert "skip" not in err and "already" not in err and "reviewed here" not in err, err
    assert err.count("--status accepted: 7 row(s) of other statuses left out") == 1, err
    done = out.strip().splitlines()[-1]
    assert done == (f"imported 2 event(s) into video 1 of {proj}; 1 open proposal replaced by the imported reviewed "
                    "events"), done
    assert _events(proj) == [(2, 6, "bob", "accepted"), (10, 14, "bob", "accepted"), (20, 25, "alice", "rejected"),
                             (30, 35, "alice", "accepted")]
    coders, coded = _coders(proj)
    assert "carol" not in coders and "carol" not in coded and "model" not in coded  # none of theirs imported
    assert coders == sorted({*before[0], "bob"}) and coded == sorted({*before[1], "bob"})


def test_status_refusal_counts_only_the_rows_it_keeps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj, src = _project(tmp_path)
    before = _events(proj)
    code, out, err = run(capsys, "convert", "--project", proj, "--import", src, "--video", "1", "--status",
                         "rejected")
    assert code == 2 and out == ""
    assert err.splitlines()[0].endswith("1 event(s) to import from coder(s) bob, 3 item(s) to skip, 1 already in "
                                        "the project (not imported again)"), err
    assert "--status rejected: 4 row(s) of other statuses left out" in err
    last = err.strip().splitlines()[-1]
    assert "confirm skipping 3 item(s)" in last and "reviewed here" not in err, last
    assert _events(proj) == before


def test_status_of_no_row_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj, src = _project(tmp_path)
    before = _events(proj), _coders(proj)
    bob = tmp_path / "bob.events.csv"  # bob's and carol's rows only: none of them open
    bob.write_text("".join(line for i, line in enumerate(src.read_text(encoding="utf-8").splitlines(True))
                           if i == 0 or ",proposal," not in line), encoding="utf-8")
    code, out, err = run(capsys, "convert", "--project", proj, "--import", bob, "--video", "1", "--status",
                         "proposal", "--yes")
    assert code == 2 and out == ""
    last = err.strip().splitlines()[-1]
    assert last.endswith(f"{bob}: --status proposal: all 7 row(s) of the file are of other statuses: nothing to "
                         "import (leave --status out to import them)"), last
    assert (_events(proj), _coders(proj)) == before  # before: carol and bob were recorded as having coded it


def test_all_videos_line_says_the_proposals_reviewed_here_and_counts_the_kept_rows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj, src = _project(tmp_path)
    code, out, err = run(capsys, "convert", "--project", proj, "--import", src, "--video", "all", "--yes")
    assert code == 0, err
    done = out.strip().splitlines()[-1]
    assert done.startswith("imported 3 into video 1 (clip.avi), skipped 3, ") and done.endswith(
        f", 2 open proposals in the file skipped: reviewed here already of {proj}"), done
    (tmp_path / "again").mkdir()
    proj2, src2 = _project(tmp_path / "again")
    code, out, err = run(capsys, "convert", "--project", proj2, "--import", src2, "--video", "all", "--status",
                         "accepted")
    assert code == 0, err
    assert "--status accepted: 7 row(s) of other statuses left out" in err and "skip" not in err, err
    # what --status left out said in the done line too (h297)
    assert out.strip().splitlines()[-1] == (f"imported 2 into video 1 (clip.avi), 1 open proposal replaced by the "
                                            f"imported reviewed events of {proj2}; --status accepted: 7 row(s) of "
                                            "other statuses left out"), out
