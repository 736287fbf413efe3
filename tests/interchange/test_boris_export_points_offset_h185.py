"""BORIS -> BORIS keeps point events and the observation's time offset (audit a90 finding 6): a point came back as a
one-frame state (START 12.40 / STOP 12.44) plus a new ``apex`` point, and the time offset 10 s became 0, shifting
every time by 10 s against whatever the offset lined up with; no note said either."""

from __future__ import annotations

import json
from pathlib import Path

from support.boris_offset_project import CLIP, offset_boris

from merstudio.cli.main import main
from merstudio.interchange import read_events


def _frames(path: Path) -> list[tuple[int, int, int, str]]:
    return sorted((e.onset, e.apex, e.offset, e.emotion) for e in read_events(path, video_name=CLIP).events)


def test_boris_to_boris_keeps_point_events_and_the_time_offset(tmp_path, capsys):
    src = offset_boris(tmp_path / "in.boris")
    out = tmp_path / "out.boris"
    assert main(["convert", str(src), str(out), "--yes"]) == 0
    pj = json.loads(out.read_text(encoding="ascii"))
    assert sorted((b["code"], b["type"]) for b in pj["behaviors_conf"].values()) == [
        ("apex", "Point event"), ("p", "Point event"), ("s", "State event")]
    (obs,) = pj["observations"].values()
    assert obs["time offset"] == 10.0
    # the point is one entry (no STOP, no apex of its own); every time is media time plus the offset again
    assert [(t, code, index) for t, _, code, _, _, index in obs["events"]] == [
        (22.4, "p", 310), (30.0, "s", 500), (30.48, "apex", 512), (31.0, "s", 525)]
    assert _frames(out) == _frames(src) == [(310, 310, 310, "p"), (500, 512, 524, "s")]


def test_observations_with_different_offsets_are_written_without_one_and_said_so(tmp_path):
    src = offset_boris(tmp_path / "in.boris")
    pj = json.loads(src.read_text(encoding="utf-8"))
    other = json.loads(json.dumps(pj["observations"]["offset positif"]))
    other["time offset"] = 0.0
    other["events"] = [[40.0, "", "s", "", ""], [41.0, "", "s", "", ""]]
    pj["observations"]["no offset"] = other
    src.write_text(json.dumps(pj), encoding="utf-8")
    prev = read_events(src, video_name=CLIP)
    assert prev.time_offset == 0.0
    assert any("time offsets differ ('no offset' 0 s, 'offset positif' 10 s)" in n for n in prev.notes)
