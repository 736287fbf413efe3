"""`merstudio convert` to a BORIS project prints one note line naming what the project cannot hold (confidence, event
source), where the events have them; other formats, and events without them, print none."""

from __future__ import annotations

from dataclasses import replace

from ix_helpers import sample_events
from support.cli_run import run

from merstudio.interchange import Media, write_events


def lost_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.startswith("note: a BORIS project holds no")]


def test_a_file_conversion_to_boris_says_what_is_lost(tmp_path, capsys):
    events = sample_events()  # confidences 0.8 and 0.125; manual and model sources
    src = write_events(events, tmp_path / "in.csv", Media("/v/clip.mp4", fps=30.0, frame_count=100))
    code, out, err = run(capsys, "convert", src, tmp_path / "out.boris", "--fps", 30)
    assert code == 0, err
    [line] = lost_lines(err)
    assert "confidence of 2 event(s)" in line and "source of 6 manual/model event(s)" in line
    code, out, err = run(capsys, "convert", src, tmp_path / "out.tsv", "--fps", 30)  # the table keeps both
    assert code == 0 and not lost_lines(err), err


def test_nothing_said_when_the_events_have_neither(tmp_path, capsys):
    plain = [replace(e, confidence=None, source="imported") for e in sample_events()]
    src = write_events(plain, tmp_path / "in.csv", Media("/v/clip.mp4", fps=30.0, frame_count=100))
    code, out, err = run(capsys, "convert", src, tmp_path / "out.boris", "--fps", 30)
    assert code == 0 and not lost_lines(err), err


def test_a_project_export_to_boris_says_it_too(tmp_path, capsys, project):
    vid = project.videos()[0].id
    project.add_events(sample_events(vid))
    path = project.path
    project.close()
    code, out, err = run(capsys, "convert", "--project", path, "--export", tmp_path / "p.boris", "--video", vid)
    assert code == 0, err
    [line] = lost_lines(err)
    assert "confidence of 2 event(s)" in line
    code, out, err = run(capsys, "convert", "--project", path, "--export", tmp_path / "p2.boris", "--video", vid,
                         "--status", "rejected")  # bob's one rejected event: manual, no confidence
    assert code == 0, err
    [line] = lost_lines(err)
    assert "confidence" not in line and "source of 1 manual event(s)" in line
