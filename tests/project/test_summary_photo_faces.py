"""The summary of a photo (a one-frame input): its PNG draws each face's AU intensities as bars (a timeline of one
frame was empty axes: a line through one point draws nothing), and its CSV gives every face's values, not only a
frequency pooled over the people in it. A video's summary has no such rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from merstudio.project import Project
from merstudio.project.export import export_summary

AUS = (1, 4, 6, 12)
# three people in one photo: a smile (AU6 2.5, AU12 5.0), a neutral face, a half-smile (AU12 2.5 only)
FACES = {0: {6: 2.5, 12: 5.0}, 1: {}, 2: {12: 2.5}}
PRESENT = "#1f3b73"  # analysis.plot's colour of a bar whose AU the estimator marks present


def _photo_rows() -> list[dict]:
    out = []
    for fid, aus in FACES.items():
        r: dict = {"frame": 0, "face_id": fid, "timestamp": 0.0, "confidence": 0.95, "success": 1}
        for a in AUS:
            r[f"AU{a:02d}_r"] = aus.get(a, 0.0)
        for a in AUS:
            r[f"AU{a:02d}_c"] = int(a in aus)
        out.append(r)
    return out


@pytest.fixture
def photo_project(tmp_path):
    photo = tmp_path / "group.jpg"
    photo.write_bytes(b"\xff\xd8 not decoded by the summary")
    with Project.create(tmp_path / "photo.merproj") as proj:
        v = proj.add_video(photo, fps=30.0, frame_count=1, width=1600, height=700)
        aid = proj.begin_analysis(v.id, {}, device="cpu")
        proj.append_frames(aid, _photo_rows())
        proj.finish_analysis(aid)
        yield proj


def test_the_csv_gives_every_face_of_the_photo(photo_project, tmp_path):
    (path,) = export_summary(photo_project, 1, tmp_path / "s.csv")
    s = pd.read_csv(path, keep_default_na=False)
    got = {(m, c, f): v for m, c, v, f in zip(s["measure"], s["category"], s["value"], s["face"].astype(str),
                                                strict=True)}
    for fid, aus in FACES.items():
        for a in AUS:
            assert float(got[("au_intensity", f"face{fid}/AU{a:02d}", str(fid))]) == aus.get(a, 0.0)
            assert int(got[("au_present", f"face{fid}/AU{a:02d}", str(fid))]) == int(a in aus)
    assert sum(s["measure"] == "au_intensity") == len(FACES) * len(AUS)
    # pooled over the people in the photo (face "all"), and each face's own
    assert float(got[("au_frequency", "AU12", "all")]) == pytest.approx(2 / 3)
    assert [float(got[("au_frequency", "AU12", str(f))]) for f in FACES] == [float(12 in a) for a in FACES.values()]


def _dark_bands(png) -> list[int]:
    """Heights (px) of the horizontal bands of the image that hold present-AU bars, top to bottom: one band per
    face panel with a present AU, as tall as its tallest bar."""
    img = imread(str(png))[..., :3]
    want = np.array([int(PRESENT[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    # the bars' insides (the key's swatch is a few px tall: the bands below are tens of px)
    rows = (np.abs(img - want).max(axis=2) < 0.02).sum(axis=1) >= 8
    edges = np.flatnonzero(np.diff(np.r_[0, rows.astype(np.int8), 0]))
    return [int(b - a) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a > 20]


def test_the_png_draws_each_face_as_bars(photo_project, tmp_path):
    _, png = export_summary(photo_project, 1, tmp_path / "s.csv", tmp_path / "s.png")
    bands = _dark_bands(png)
    # faces 0 and 2 have present AUs (face 1 none), stacked in face order; face 0's tallest bar is 5.0, face 2's
    # 2.5, on one 0-5 scale
    assert len(bands) == 2
    assert bands[0] / bands[1] == pytest.approx(5.0 / 2.5, rel=0.05)


def test_a_video_summary_has_no_per_face_rows(project, tmp_path):
    (path,) = export_summary(project, 1, tmp_path / "s.csv")
    s = pd.read_csv(path)
    assert not s["measure"].isin(["au_intensity", "au_present"]).any()
