"""The numpy port of MediaPipe's blendshape model against LiteRT's own outputs (an independent reference made by
scripts/port_blendshapes.py with Google's interpreter), the vendored file's checksum, and the side convention."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from merstudio.face import blendshapes as bs

REF = Path(__file__).parent / "data" / "blendshapes_reference.npz"


def test_vendored_model_files_are_present_and_verified():
    # A committed resource: a missing file is a failure, never a skip.
    path = bs.model_path()
    assert path.is_file()
    assert (path.parent / "face_blendshapes.tflite").is_file()
    assert (path.parent / "LICENSE-MediaPipe-Apache-2.0.txt").is_file()
    assert bs._sha256(path) == bs.MODEL_SHA256
    assert REF.is_file()


def test_port_matches_litert_on_real_meshes():
    ref = np.load(REF)
    model = bs.shared_model()
    assert ref["points"].shape[1:] == (146, 2) and ref["scores"].shape[1] == 52
    for pts, want in zip(ref["points"], ref["scores"], strict=True):
        got = model.run_subset(pts)
        np.testing.assert_allclose(got, want, atol=1e-4)


def test_scale_and_translation_do_not_change_scores():
    # The model centres and scales its input, so the frame size must not matter (pixels of any resolution).
    pts = np.load(REF)["points"][0].astype(np.float64)
    model = bs.shared_model()
    a = model.run_subset(pts)
    b = model.run_subset(pts * 2.5 + 40.0)
    np.testing.assert_allclose(a, b, atol=1e-4)


def _subset_pos(index: int) -> int:
    return int(np.flatnonzero(bs.SUBSET == index)[0])


def test_left_means_the_subjects_left():
    # Close the subject's LEFT eye (mesh 386 upper lid onto 374 lower lid; on the image's right): eyeBlinkLeft.
    pts = np.load(REF)["points"][0].astype(np.float64).copy()
    lower_y = pts[_subset_pos(374), 1]
    for i in (386, 385, 387, 384, 388, 398, 466):
        pts[_subset_pos(i), 1] = lower_y
    s = bs.shared_model().run_subset(pts)
    assert s[bs.INDEX["eyeBlinkLeft"]] > 0.5
    assert s[bs.INDEX["eyeBlinkRight"]] < 0.2


def test_a_replaced_model_file_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / "models" / "face_blendshapes.npz"
    bad.parent.mkdir()
    shutil.copy(bs.model_path(), bad)
    with open(bad, "r+b") as f:
        f.seek(200)
        f.write(b"\x00\x01\x02\x03")
    monkeypatch.setenv("MERSTUDIO_RESOURCES", str(tmp_path))
    with pytest.raises(bs.BlendshapeModelError, match="checksum"):
        bs.BlendshapeModel()
    bad.unlink()
    with pytest.raises(bs.BlendshapeModelError, match="missing"):
        bs.BlendshapeModel()


def test_plain_mesh_without_irises_is_refused():
    with pytest.raises(ValueError, match="478"):
        bs.shared_model()(np.zeros((468, 2)))


def test_a_tilted_head_is_the_same_expression():
    """The model centres and scales its input but does not undo a roll; `BlendshapeModel` turns each mesh upright
    first, so a real mesh turned by any angle (a tilted head, an upside-down camera) scores as it does upright."""
    import cv2
    from skimage import data

    from merstudio.face.detector import FaceMeshDetector

    crop = cv2.resize(data.astronaut()[0:300, 100:400], (600, 600), interpolation=cv2.INTER_CUBIC)
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        mesh = det.detect(crop)[0].refined.astype(np.float64)
    model = bs.shared_model()
    want = model(mesh)
    for deg in (25, 90, 180, -60):
        t = np.deg2rad(deg)
        rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        np.testing.assert_allclose(model((mesh - 300) @ rot.T + 450), want, atol=1e-4)
    assert model(np.stack([mesh, (mesh - 300) @ -np.eye(2) + 300])).shape == (2, 52)  # a batch, each on its own
