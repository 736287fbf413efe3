"""`merstudio convert IN OUT` with the file's video here (72 frames at 30 fps: frame i starts at i / 30 s, the video
ends at 72 / 30 = 2.4 s) clips an event that ends past the last frame at frame 71, with a note, as an import into a
project does, in every target: it wrote a BORIS STOP at 2.434 s (image index 73, past the media length 2.401 s,
which BORIS drops), an events CSV offset 72 (a frame the video lacks), an ELAN end at 2434 ms. The same file
imported into a project (the command line's --project --import, the app's Import events) gets the same frames."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video
from support.elan_files import spans_eaf

from merstudio.project import Project
from merstudio.project.apex import apex_imputed

FRAMES = 72


def _eaf(path: Path, spans: list[tuple[int, int]], video: str = "smile.avi") -> Path:
    media = (f'<MEDIA_DESCRIPTOR MEDIA_URL="file:///nowhere/{video}" MIME_TYPE="video/x-msvideo" '
             f'RELATIVE_MEDIA_URL="./{video}"/>')
    return spans_eaf(path, media, spans, tier="erin/event", value="happiness | 12")


@pytest.fixture
def erin(tmp_path):
    tiny_video(tmp_path / "smile.avi", n=FRAMES)
    return _eaf(tmp_path / "erin.eaf", [(2000, 2415)])  # frames 60..72: 15 ms past the end


def _boris_events(path: Path) -> tuple[float, list]:
    raw = path.read_bytes()
    doc = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    (obs,) = doc["observations"].values()
    (length,) = obs["media_info"]["length"].values()
    return float(length), obs["events"]


def test_a_boris_project_stops_the_state_at_the_video_s_end(tmp_path, capsys, erin):
    code, _, err = run(capsys, "convert", erin, tmp_path / "erin.boris")
    assert code == 0, err
    assert "offset moved to its last frame 71" in err
    length, events = _boris_events(tmp_path / "erin.boris")
    start, *_, stop = sorted(events)  # the state's START and STOP (an apex point between them)
    assert start[0] == 2.0 and stop[0] == FRAMES / 30 == 2.4  # the end of frame 71
    assert stop[0] <= length  # inside the media length BORIS keeps entries up to
    assert stop[-1] == FRAMES  # image index: the frame at 2.4 s, not 73


def test_every_target_gets_the_last_frame(tmp_path, capsys, erin):
    assert run(capsys, "convert", erin, tmp_path / "erin.events.csv")[0] == 0
    row = next(csv.DictReader((tmp_path / "erin.events.csv").open(newline="", encoding="utf-8")))
    assert (row["onset"], row["apex"], row["offset"]) == ("60", str((60 + 71) // 2), "71")
    assert run(capsys, "convert", erin, tmp_path / "erin.tsv")[0] == 0
    row = next(csv.DictReader((tmp_path / "erin.tsv").open(newline="", encoding="utf-8"), delimiter="\t"))
    assert (row["Stop frame"], row["Stop (s)"]) == ("71", "2.400")
    assert run(capsys, "convert", erin, tmp_path / "out.eaf")[0] == 0
    text = (tmp_path / "out.eaf").read_text(encoding="utf-8")
    assert 'TIME_VALUE="2400"' in text and 'TIME_VALUE="2415"' not in text and 'TIME_VALUE="2434"' not in text


def test_an_event_starting_past_the_end_is_skipped_as_an_import_skips_it(tmp_path, capsys):
    tiny_video(tmp_path / "smile.avi", n=FRAMES)
    eaf = _eaf(tmp_path / "late.eaf", [(1000, 1100), (2420, 2500)])  # the second starts at frame 72
    code, _, err = run(capsys, "convert", eaf, tmp_path / "late.events.csv")
    assert code != 0 and "starts past the end of smile.avi (72 frames)" in err
    assert not (tmp_path / "late.events.csv").exists()
    assert run(capsys, "convert", eaf, tmp_path / "late.events.csv", "--yes")[0] == 0
    rows = list(csv.DictReader((tmp_path / "late.events.csv").open(newline="", encoding="utf-8")))
    assert [(r["onset"], r["offset"]) for r in rows] == [("30", "32")]


def test_without_the_video_nothing_is_clipped(tmp_path, capsys):
    eaf = _eaf(tmp_path / "erin.eaf", [(2000, 2415)])  # its video is not here: its length is unknown
    assert run(capsys, "convert", eaf, tmp_path / "erin.events.csv", "--fps", "30")[0] == 0
    row = next(csv.DictReader((tmp_path / "erin.events.csv").open(newline="", encoding="utf-8")))
    assert row["offset"] == "72"


def test_a_project_import_on_the_command_line_reimputes_the_cut_apex(tmp_path, capsys, erin):
    code, _, err = run(capsys, "project", "new", tmp_path / "s.merproj", tmp_path / "smile.avi")
    assert code == 0, err
    code, _, err = run(capsys, "convert", "--project", tmp_path / "s.merproj", "--import", erin)
    assert code == 0, err
    with Project.open(tmp_path / "s.merproj") as p:
        (e,) = p.events(p.videos()[0].id)
    assert (e.onset, e.apex, e.offset) == (60, 65, 71) and apex_imputed(e)
