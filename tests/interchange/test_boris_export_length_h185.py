"""BORIS -> BORIS keeps the media length the input states (audit a90 finding 5): 179.96 s became 41.84 s (the last
event's end plus 1 s, "the video's length is not known"), a tabular export's Total length 359.96 s became 47.12 s;
BORIS's analyses of the full observation then used a length 4-8 times too short."""

from __future__ import annotations

import json

from support.boris_offset_project import CLIP, offset_boris

from merstudio.cli.main import main


def test_a_boris_projects_media_length_is_kept(tmp_path, capsys):
    out = tmp_path / "out.boris"
    assert main(["convert", str(offset_boris(tmp_path / "in.boris")), str(out), "--yes"]) == 0
    assert "length is not known" not in capsys.readouterr().err
    (obs,) = json.loads(out.read_text(encoding="ascii"))["observations"].values()
    assert obs["media_info"]["length"] == {CLIP: 179.96}


def test_a_tabular_exports_total_length_is_kept(tmp_path, capsys):
    """BORIS's tabular events export (tests/files/test_export_events_tabular.tsv's layout): the block above the
    header, one START / STOP row each with the observation's Total length."""
    table = tmp_path / "tabular.tsv"
    rows = [["Observation id", "observation #1"], [], ["Media file(s)"], [], ["Player #1", "clip_360s.mp4"], [],
            ["Time offset (s)", "0.0"], [],
            ["Time", "Media file path", "Total length", "FPS", "Subject", "Behavior", "Behavioral category",
             "Comment", "Status"],
            ["3.300", "clip_360s.mp4", "359.960", "25.0", "subject1", "s", "", "", "START"],
            ["6.000", "clip_360s.mp4", "359.960", "25.0", "subject1", "s", "", "", "STOP"]]
    table.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.boris"
    assert main(["convert", str(table), str(out), "--yes"]) == 0
    assert "length is not known" not in capsys.readouterr().err
    (obs,) = json.loads(out.read_text(encoding="ascii"))["observations"].values()
    assert obs["media_info"]["length"] == {"clip_360s.mp4": 359.96}
