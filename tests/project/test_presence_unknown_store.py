"""A presence the analysis left unknown (AUxx_c None: its intensity is NaN, under a cover) is read back from the
project as unknown (NaN), written empty by the per-frame export and left out of the AU frequency; it read 0
(absent) before. Presences with nothing unknown still read back as integers."""

from __future__ import annotations

import csv

import pytest
from project_rows import rows

from merstudio.project import Project
from merstudio.project.export import export_frames_csv, summary_table

HIDDEN = range(5, 8)  # a hand over the mouth: AU12 unknown


@pytest.fixture
def covered(tmp_path, video_file):
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(video_file, fps=30.0, frame_count=20, width=320, height=240)
        aid = proj.begin_analysis(v.id)
        batch = rows(20)
        for r in batch:
            if r["frame"] in HIDDEN:
                r["AU12_r"], r["AU12_c"] = float("nan"), None
        proj.append_frames(aid, batch)
        proj.finish_analysis(aid)
        yield proj, v.id


def test_an_unknown_presence_reads_back_unknown_and_a_complete_one_as_integers(covered):
    proj, vid = covered
    df = proj.load_frames(vid)
    hidden = df["frame"].isin(HIDDEN).to_numpy()
    assert df.loc[hidden, "AU12_c"].isna().all() and df.loc[~hidden, "AU12_c"].notna().all()
    assert set(df.loc[~hidden, "AU12_c"]) <= {0, 1}
    assert str(df["AU01_c"].dtype) == "Int8"  # nothing unknown: frame_table's nullable integers all the same
    curves = proj.load_frames(vid, columns=lambda c: c.endswith("_c"))  # the app's curves
    assert curves.loc[hidden, "AU12_c"].isna().all() and curves.loc[~hidden, "AU12_c"].notna().all()


def test_the_per_frame_export_writes_it_empty_and_the_frequency_leaves_it_out(covered, tmp_path):
    proj, vid = covered
    with open(export_frames_csv(proj, vid, tmp_path / "f.csv"), newline="") as fh:
        got = {int(r["frame"]): r["AU12_c"] for r in csv.DictReader(fh)}
    assert all(got[f] == "" for f in HIDDEN)
    assert {v for f, v in got.items() if f not in HIDDEN} == {"0", "1"}  # not 0.0 / 1.0
    df = proj.load_frames(vid)
    known = df[(df["success"] == 1) & ~df["frame"].isin(HIDDEN)]
    s = summary_table(proj, vid)
    freq = s[(s["measure"] == "au_frequency") & (s["category"] == "AU12")]["value"].iloc[0]
    assert freq == pytest.approx(float(known["AU12_c"].mean()))
    assert freq != pytest.approx(float(known["AU12_c"].sum()) / int((df["success"] == 1).sum()))
