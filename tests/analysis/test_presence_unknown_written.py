"""An AU's presence is unknown where its intensity is: a patch over the mouth leaves AU12_c empty in the CSV (a
null in Parquet), not 0, which says "absent" to a spreadsheet, the agreement's kappa and every reader."""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.analysis.files import analyze_file
from merstudio.analysis.outputs import read_table

FPS = 15
ON, OFF = FPS, 2 * FPS  # the mouth covered for one second, after one second bare


@pytest.fixture(scope="module")
def patched_clip(tmp_path_factory) -> Path:
    from support.occluders import astronaut_face, paint_patch

    from merstudio.face.detector import FaceMeshDetector

    face = astronaut_face()
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        lm = det.detect(face)[0].landmarks
    covered = paint_patch(face, lm)
    path = tmp_path_factory.mktemp("patch") / "patch.avi"
    h, w = face.shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (w, h))
    for i in range(3 * FPS):
        writer.write(cv2.cvtColor(covered if ON <= i < OFF else face, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def test_a_covered_mouth_writes_an_empty_presence_where_its_intensity_is_unknown(patched_clip, tmp_path):
    out = analyze_file(patched_clip, tmp_path, "x")
    with open(out.paths.csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    unknown = [int(r["frame"]) for r in rows if r["AU12_r"] == ""]  # an unknown intensity is empty too, not "nan"
    assert unknown == list(range(ON, OFF))
    assert "nan" not in out.paths.csv.read_text()
    for r in rows:  # empty exactly where the intensity is unknown, 0/1 elsewhere
        assert (r["AU12_c"] == "") == (r["AU12_r"] == ""), r["frame"]
        assert r["AU12_c"] in ("", "0", "1")
        assert r["AU05_c"] in ("0", "1")  # the eyes, in view, keep their presence (the brows: aus.ALSO_HIDDEN)
    df = read_table(out.paths.csv)  # read back: unknown (NaN), never 0
    covered = df["frame"].between(ON, OFF - 1)
    assert df.loc[covered, "AU12_c"].isna().all() and df.loc[~covered, "AU12_c"].notna().all()


def test_the_parquet_table_holds_a_null_presence_there(patched_clip, tmp_path):
    pytest.importorskip("pyarrow")
    out = analyze_file(patched_clip, tmp_path, "x", fmt="parquet")
    df = read_table(out.paths.csv)
    covered = df["frame"].between(ON, OFF - 1)
    assert df.loc[covered, "AU12_r"].isna().all()
    assert df.loc[covered, "AU12_c"].isna().all() and set(df.loc[~covered, "AU12_c"]) <= {0, 1}
    assert np.isfinite(df.loc[~covered, "AU12_c"].to_numpy(float)).all()
