"""A face cut off by the frame's bottom edge at the mouth: the mesh fitted to its upper half moves the brows'
blendshapes (the real smile clip's neutral face read AU1 up to 3.05 cut there), so the brows read unknown with the
mouth; cut at the chin, with the mouth in view, they read as before (merstudio.face.occlusion.outside_regions)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.analysis.pipeline import Analysis
from merstudio.face.align import canonical_landmarks
from merstudio.face.occlusion import COVERED_FRACTION, outside_regions
from merstudio.io import open_source


def test_the_brows_take_the_share_of_the_mouth_beyond_the_edge():
    mesh = canonical_landmarks(256)
    w = h = 256
    at_mouth = int(mesh[[13, 14], 1].mean())  # the bottom edge between the lips
    cut = outside_regions(mesh, (w, at_mouth))
    assert cut["mouth"] >= COVERED_FRACTION and cut["brows"] == cut["mouth"] and cut["eyes"] == 0.0
    at_chin = int(mesh[152, 1]) - 2
    assert outside_regions(mesh, (w, at_chin))["brows"] == 0.0
    assert set(outside_regions(mesh, (w, h)).values()) == {0.0}


def test_a_portrait_cut_at_the_mouth_reads_its_brows_unknown_and_its_eyes(tmp_path):
    from support.occluders import astronaut_face

    from merstudio.face.detector import FaceMeshDetector

    face = astronaut_face()
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        lm = det.detect(face)[0].landmarks
    rows = {}
    for name, bottom in (("mouth", int(lm[[13, 14], 1].mean())), ("chin", int(lm[152, 1]) - 10)):
        photo = tmp_path / f"{name}.png"
        cv2.imwrite(str(photo), cv2.cvtColor(np.ascontiguousarray(face[:bottom]), cv2.COLOR_RGB2BGR))
        with open_source(photo) as src:
            (rows[name],) = [r for r in Analysis(src).rows() if r["success"]]
    for au in (1, 2, 4, 12):
        assert np.isnan(rows["mouth"][f"AU{au:02d}_r"]), au
    for au in (1, 2, 4, 12):
        assert np.isfinite(rows["chin"][f"AU{au:02d}_r"]), au
    for au in (5, 7, 45):
        assert np.isfinite(rows["mouth"][f"AU{au:02d}_r"]), au


REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/real-faces/smile_man.mp4 is absent")
def test_the_real_clip_cut_at_the_mouth_reads_no_brow_raise(tmp_path):
    """The auditor's `crop=640:240:0:0`: the neutral frames 0-10 read AU1 up to 3.05 and AU2 1.06."""
    with open_source(REAL) as src:
        frames = [np.ascontiguousarray(rgb[:240]) for _, rgb in src.iter_frames(0, 12)]
    path = tmp_path / "cut.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (640, 240))
    for rgb in frames:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    with open_source(path) as src:
        rows = [r for r in Analysis(src).rows() if r["success"]]
    assert len(rows) == 12
    for au in (1, 2, 4):
        assert all(not r[f"AU{au:02d}_r"] >= 0.5 for r in rows), au  # unknown (NaN), not a raise
