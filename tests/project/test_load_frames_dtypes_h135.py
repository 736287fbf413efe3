"""Project.load_frames gives each column frame_table's dtype (AUxx_c the nullable Int8, <NA> where unknown; frame,
face_id, success and blink int64; the rest float64), whatever a video holds: it gave AUxx_c int64, or float64 as
soon as one frame was unknown, and blink float64, so two videos' tables concatenated into mixed types.

On a real face (../shared/data/real-faces/smile_man.mp4: 72 frames, AU05/AU07 unknown on 2 of them; the committed
demo clip where ../shared is missing): merstudio.analysis.frame_table's table and the same analysis stored in a
project and read back have the same columns, dtypes and values (the project stores values as float32)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from project_rows import rows

from merstudio.analysis import Analysis, frame_table
from merstudio.features.aus import is_presence
from merstudio.io import open_source
from merstudio.project import Project
from merstudio.resources import demo_video

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"
CLIP = REAL if REAL.is_file() else demo_video()


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """(frame_table of the clip, the clip's analysis stored in a project and read back by load_frames)."""
    want = frame_table(CLIP)
    with open_source(CLIP) as source, Project.create(tmp_path_factory.mktemp("p") / "p.merproj") as proj:
        vid = proj.add_source(source).id
        aid = proj.begin_analysis(vid)
        proj.append_frames(aid, list(Analysis(source).rows()))
        proj.finish_analysis(aid)
        got = proj.load_frames(vid)
    return want, got


def test_the_same_columns_with_the_same_dtypes(both):
    want, got = both
    assert list(got.columns) == list(want.columns)
    assert {c: str(got[c].dtype) for c in got.columns} == {c: str(want[c].dtype) for c in want.columns}
    assert str(got["AU12_c"].dtype) == "Int8" and str(got["blink"].dtype) == "int64"


def test_the_same_values_and_the_same_unknowns(both):
    want, got = both
    assert len(got) == len(want) > 0
    if CLIP == REAL:  # what this clip holds: some presences unknown (lids), the rest known
        assert want["AU05_c"].isna().any() and want["AU12_c"].notna().all()
    for c in want.columns:
        w, g = want[c], got[c]
        assert (w.isna().to_numpy() == g.isna().to_numpy()).all(), c
        if is_presence(c) or w.dtype == np.int64:
            assert (w.dropna().to_numpy(np.int64) == g.dropna().to_numpy(np.int64)).all(), c
        elif c in ("timestamp", "confidence"):  # a column of the frames table of its own: float64 as given
            np.testing.assert_array_equal(g.to_numpy(np.float64), w.to_numpy(np.float64), c)
        else:  # the rest stored as float32: the value each float32 holds
            np.testing.assert_array_equal(g.to_numpy(np.float64), w.to_numpy(np.float64).astype(np.float32), c)


def test_two_videos_concatenate_with_one_dtype_a_column(tmp_path, video_file):
    """One video with an unknown presence, one without: their tables concatenate without a dtype change."""
    with Project.create(tmp_path / "p.merproj") as proj:
        tables = []
        for k, unknown in enumerate((False, True)):
            v = proj.add_video(tmp_path / f"v{k}.mp4", fps=30.0, frame_count=10, width=64, height=48)
            batch = rows(10)
            if unknown:
                batch[3]["AU12_r"], batch[3]["AU12_c"] = float("nan"), None
            aid = proj.begin_analysis(v.id)
            proj.append_frames(aid, batch)
            proj.finish_analysis(aid)
            tables.append(proj.load_frames(v.id))
    assert str(tables[0]["AU12_c"].dtype) == str(tables[1]["AU12_c"].dtype) == "Int8"
    both = pd.concat(tables, ignore_index=True)
    assert str(both["AU12_c"].dtype) == "Int8" and int(both["AU12_c"].isna().sum()) == 1


def test_an_unanalysed_video_has_the_base_columns_typed_alike(tmp_path):
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path / "v.mp4", fps=30.0, frame_count=10, width=64, height=48)
        df = proj.load_frames(v.id)
    assert len(df) == 0
    assert {c: str(t) for c, t in df.dtypes.items()} == {"frame": "int64", "face_id": "int64",
                                                          "timestamp": "float64", "confidence": "float64",
                                                          "success": "int64"}


def test_the_summary_of_a_presence_unknown_on_every_frame(tmp_path, video_file):
    """Int8's mean over nothing known is <NA>: the AU frequency is NaN (written empty), as with the float column."""
    from merstudio.project.export import summary_table

    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(tmp_path / "v.mp4", fps=30.0, frame_count=10, width=64, height=48)
        batch = rows(10)
        for r in batch:
            r["AU12_r"], r["AU12_c"] = float("nan"), None
        aid = proj.begin_analysis(v.id)
        proj.append_frames(aid, batch)
        proj.finish_analysis(aid)
        s = summary_table(proj, v.id)
    freq = s[(s["measure"] == "au_frequency") & (s["category"] == "AU12")]["value"].iloc[0]
    assert np.isnan(freq)
