"""BORIS 7's tabular events export writes the observation's time offset in the block above its header
(``Time offset (s)`` / 5.0, export_events), not in a column, and its rows' times as BORIS stores them: media time
plus the offset. Only a column was taken off, so every event landed offset-seconds late and a .boris written from it
had offset 0. A table converted from a .boris wrote no ``Media duration (s)`` where the video's frame count was not
known, though the .boris stated its length."""

from __future__ import annotations

import csv
import json

import pytest
from support.boris_projects import media_observation, write_boris
from support.boris_tables import tabular_tsv

from merstudio.cli.main import main
from merstudio.interchange import read_events
from merstudio.interchange.boris import boris_rows
from merstudio.interchange.common import Media
from merstudio.project.events import Event
from merstudio.xlsx import write_xlsx


def _offset_table(tmp_path, ext):
    """BORIS 7's tabular export of 'obs 1' with time offset 5 s: s from 6 to 7 s of the media, at 11 and 12 s."""
    tsv = tabular_tsv(tmp_path / "obs.tsv", ["clip.mp4"], [("11.000", "clip.mp4", "START"),
                                                            ("12.000", "clip.mp4", "STOP")], "10.0")
    text = tsv.read_text(encoding="utf-8")
    assert "Time offset (s)\t0.0\n" in text
    rows = [ln.split("\t") for ln in text.replace("Time offset (s)\t0.0", "Time offset (s)\t5.0").splitlines()]
    if ext == "tsv":
        tsv.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
        return tsv
    path = tmp_path / f"obs.{ext}"
    if ext == "csv":
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
    else:  # BORIS's workbook: the offset a number cell
        write_xlsx(path, "obs 1", rows[0], [[5.0 if r[:1] == ["Time offset (s)"] and k == 1 else c
                                             for k, c in enumerate(r)] for r in rows[1:]])
    return path


@pytest.mark.parametrize("ext", ["tsv", "csv", "xlsx"])
def test_a_boris7_tabular_exports_block_offset_is_taken_off(tmp_path, ext):
    prev = read_events(_offset_table(tmp_path, ext), fps=25.0)
    assert [(e.onset, e.offset) for e in prev.events] == [(150, 174)]  # 6 s and 7 s of the media, not 11 and 12
    assert prev.time_offset == 5.0
    assert not [n for n in prev.notes if "offsets differ" in n]


def test_a_boris7_tabular_export_converts_to_a_boris_project_with_its_offset(tmp_path):
    out = tmp_path / "out.boris"
    assert main(["convert", str(_offset_table(tmp_path, "tsv")), str(out), "--fps", "25", "--yes"]) == 0
    (obs,) = json.loads(out.read_text(encoding="utf-8"))["observations"].values()
    assert obs["time offset"] == 5.0
    assert [e[0] for e in obs["events"] if e[2] == "s"] == [11.0, 12.0]  # as BORIS stored them


def test_a_table_from_a_boris_project_states_its_media_length(tmp_path):
    src = write_boris(tmp_path / "v1.boris", {"2 video": media_observation(
        ["/home/user/video/video1.mp4"], [[15.0, "subject1", "s", "", ""], [175.0, "subject1", "s", "", ""]],
        fps=25.0, lengths=179.96, offset=5.0)}, subjects=["subject1"])
    out = tmp_path / "v1.tsv"
    assert main(["convert", str(src), str(out), "--fps", "25", "--video", "video1.mp4", "--yes"]) == 0
    with out.open(encoding="utf-8", newline="") as f:
        (row,) = csv.DictReader(f, delimiter="\t")
    assert (row["Media duration (s)"], row["Time offset (s)"], row["Start (s)"]) == ("179.960", "5.000", "15.000")
    back = read_events(out, fps=25.0)
    assert (back.media_length, back.time_offset) == (179.96, 5.0)


def test_the_video_s_frames_give_the_media_duration_before_a_stated_length():
    ev = [Event(0, 10, 12, 15, emotion="s")]
    (row,) = boris_rows(ev, Media("clip.mp4", fps=25.0, frame_count=100, length=179.96))
    assert row["Media duration (s)"] == "4.000"
    (row,) = boris_rows(ev, Media("clip.mp4", fps=25.0, length=179.96))
    assert row["Media duration (s)"] == "179.960"
    (row,) = boris_rows(ev, Media("clip.mp4", fps=25.0))
    assert row["Media duration (s)"] == ""
