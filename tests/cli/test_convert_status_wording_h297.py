"""`merstudio convert IN OUT --status S` (file to file) says what it left out and skipped as an import into a
project does (h297 item 2, after h265/h289): its note read "2 event(s) not accepted left out (--status)", last,
where the import's reads "--status accepted: 2 row(s) of other statuses left out", first; and its done line did not
say what --yes skipped (the import's: "; skipped 2")."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

from merstudio.project import Project

HEADER = ("video,face_id,onset,apex,offset,onset_time,apex_time,offset_time,emotion,aus,coder,confidence,source,"
          "status,model_confidence,model,note\n")
ROWS = ("clip.avi,0,10,12,14,,,,happiness,6+12,bob,,manual,accepted,,,\n"
        "clip.avi,0,20,22,24,,,,anger,4,bob,,manual,rejected,,,\n"
        "clip.avi,0,25,26,28,,,,anger,4,bob,,manual,proposal,,,\n"
        "clip.avi,0,x,,,,,,anger,4,carol,,manual,accepted,,,\n"  # a bad row of a kept status: a skip
        "clip.avi,0,50,52,54,,,,anger,4,carol,,manual,accepted,,,\n")  # past the video's 40 frames: a skip


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    video = tiny_video(tmp_path / "clip.avi", n=40)
    proj = tmp_path / "study.merproj"
    with Project.create(proj) as p:
        p.add_video(video, fps=30.0, frame_count=40, width=64, height=48)
    src = tmp_path / "two.events.csv"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    return proj, src, video


def _notes(err: str) -> list[str]:
    return [line.strip() for line in err.splitlines() if line.strip().startswith(("note:", "- skip"))]


def test_a_conversion_says_what_it_left_out_and_skipped_as_an_import(files, tmp_path, capsys) -> None:
    proj, src, video = files
    code, out, imported = run(capsys, "convert", "--project", proj, "--import", src, "--status", "accepted",
                              "--yes")
    assert code == 0, imported
    assert out.strip() == f"imported 1 event(s) into video 1 of {proj}; skipped 2"
    code, out, converted = run(capsys, "convert", src, tmp_path / "out.csv", "--status", "accepted", "--media",
                               video, "--yes")
    assert code == 0, converted
    assert out.strip() == f"wrote 1 event(s) to {tmp_path / 'out.csv'}; skipped 2"
    # the same note, first among the notes, and the same skips
    assert _notes(converted) == _notes(imported), converted
    assert [n for n in _notes(converted) if n.startswith("note:")][0] == \
        "note: --status accepted: 2 row(s) of other statuses left out"


def test_an_elan_file_counts_annotations(files, tmp_path, capsys) -> None:
    _proj, src, video = files
    eaf = tmp_path / "two.eaf"
    assert run(capsys, "convert", src, eaf, "--media", video, "--yes")[0] == 0
    code, _out, err = run(capsys, "convert", eaf, tmp_path / "out.csv", "--status", "accepted", "--yes")
    assert code == 0, err
    assert "note: --status accepted: 2 annotation(s) of other statuses left out" in err
