"""A summary of a video analysed part-way (a run cancelled, interrupted or still going) records which frames its
measures are of: rows frames/analysed_first and frames/analysed_last beside frames/total, and the timeline PNG's
title and Description say "analysed frames a-b of N only" (audit h147: the report of 20 frames of 40 read as the
whole video's). A whole analysis writes the report as before, without those rows."""

from __future__ import annotations

import pandas as pd
import pytest
from PIL import Image
from project_rows import rows

from merstudio.project import Project
from merstudio.project.export import analysed_part, export_summary, partial_line, summary_data


def _rows(path) -> dict[tuple[str, str], object]:
    s = pd.read_csv(path, keep_default_na=False)
    return {(m, c): v for m, c, v in zip(s["measure"], s["category"], s["value"], strict=True)}


@pytest.mark.parametrize("status", ["cancelled", "running"])
def test_a_part_analysed_summary_says_which_frames(tmp_path, video_file, status):
    with Project.create(tmp_path / "study.merproj") as proj:
        v = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240)
        aid = proj.begin_analysis(v.id, {"flow": "dis"}, device="cpu")
        proj.append_frames(aid, rows(20))
        if status != "running":
            proj.finish_analysis(aid, status=status)
        assert analysed_part(proj, v.id) == 20
        csv_path, png = export_summary(proj, v.id, tmp_path / "s.csv", tmp_path / "s.png")
    lines = csv_path.read_text().splitlines()
    assert lines[1:4] == ["interview.avi,frames,total,40,,", "interview.avi,frames,analysed_first,0,,",
                          "interview.avi,frames,analysed_last,19,,"]
    assert list(pd.read_csv(csv_path).columns) == ["video", "measure", "category", "value", "coder", "face"]
    with Image.open(png) as im:
        assert im.info.get("Description") == "video interview.avi: analysed frames 0-19 of 40 only"


def test_a_whole_analysis_writes_no_such_rows(project, tmp_path):
    assert analysed_part(project, 1) is None
    csv_path, png = export_summary(project, 1, tmp_path / "s.csv", tmp_path / "s.png")
    got = _rows(csv_path)
    assert ("frames", "total") in got and ("frames", "analysed_first") not in got
    assert ("frames", "analysed_last") not in got
    with Image.open(png) as im:
        assert "Description" not in im.info
    assert summary_data(project, 1).partial == ""


def test_no_frame_analysed_leaves_both_empty(tmp_path, video_file):
    with Project.create(tmp_path / "study.merproj") as proj:
        v = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240)
        proj.finish_analysis(proj.begin_analysis(v.id, {}, device="cpu"), status="cancelled")
        (csv_path,) = export_summary(proj, v.id, tmp_path / "s.csv")
        assert summary_data(proj, v.id).partial == "video interview.avi: no frame of 40 analysed"
    got = _rows(csv_path)
    assert got[("frames", "analysed_first")] == "" and got[("frames", "analysed_last")] == ""


def test_the_line_names_the_video_and_the_frames():
    assert partial_line("a.mp4", 267, 600) == "video a.mp4: analysed frames 0-266 of 600 only"
    assert partial_line("a.mp4", None, 600) == ""
