"""Importing merstudio's ELAN file into a project whose video is shorter (h241): its behaviour events past the
video's end were cut at the last frame (or skipped) without a word, where its events got a note. They are cut by the
rule `convert --media` uses (interchange.fit_to_video, h239) and said the same way: a note for a cut, a skip naming
the coder for one starting past the end."""

from __future__ import annotations

from pathlib import Path

from support.cli_run import run
from support.merge_copies import behaviours_past_frame_71

from merstudio import interchange as ix
from merstudio.project import Project

FRAMES = 72  # the shorter video: frames 0..71


def _eaf_and_short_project(tmp_path: Path) -> tuple[Path, Path]:
    """(support.merge_copies.behaviours_past_frame_71's ELAN file, a project of a 72-frame video of its name)."""
    eaf = behaviours_past_frame_71(tmp_path)
    (tmp_path / "B").mkdir()
    short = tmp_path / "B" / "clip.avi"
    short.write_bytes(b"\0" * 1000)  # only its name and length are used
    with Project.create(tmp_path / "B" / "short.merproj") as p:
        p.add_video(short, 30.0, FRAMES, 64, 48)
    return eaf, tmp_path / "B" / "short.merproj"


CUT = ("v.eaf: behaviour 'gaze away' of bob frames 60-80: ends past the end of clip.avi (72 frames); offset moved "
       "to its last frame 71")
SKIP = "v.eaf: behaviour 'gaze away' of bob frames 90-95: starts past the end of clip.avi (72 frames)"


def test_a_behaviour_event_cut_at_the_video_s_end_is_said(tmp_path: Path) -> None:
    eaf, b = _eaf_and_short_project(tmp_path)
    with Project.open(b, read_only=True) as p:
        prev = ix.preview_import(p, eaf, p.videos()[0].id)
    assert sorted((r[3].coder, r[3].onset, r[3].offset) for r in prev.behaviour_rows) == [
        ("alice", 50, 60), ("bob", 60, 71)]
    assert CUT in prev.notes  # was: cut without a word
    assert "v.eaf: alice frames 65-85: ends past the end of clip.avi (72 frames); offset moved to its last " \
           "frame 71" in prev.notes  # the event's note, as before
    assert SKIP in [str(s) for s in prev.skipped]  # the coder named, as convert --media says it


def test_the_import_command_says_it(tmp_path: Path, capsys) -> None:
    eaf, b = _eaf_and_short_project(tmp_path)
    code, _, err = run(capsys, "convert", "--project", b, "--import", eaf, "--video", "1", "--yes")
    assert code == 0, err
    assert CUT in err and SKIP in err
    with Project.open(b, read_only=True) as p:
        assert sorted((e.coder, e.onset, e.offset) for e in p.behaviour_events()) == [("alice", 50, 60),
                                                                                     ("bob", 60, 71)]
