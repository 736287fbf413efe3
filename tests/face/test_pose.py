"""Head pose: a real 3D mesh rotated by known angles must read those angles (expected values from the rotation
we apply, not from the estimator)."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.face.pose import head_pose


@pytest.fixture(scope="module")
def mesh3d():
    import cv2
    from skimage import data

    from merstudio.face.detector import FaceMeshDetector

    crop = cv2.resize(data.astronaut()[0:300, 100:400], (600, 600), interpolation=cv2.INTER_CUBIC)
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        obs = det.detect(crop)[0]
    return np.column_stack([obs.landmarks, obs.z]).astype(np.float64)


def _rotate(p: np.ndarray, axis: str, deg: float) -> np.ndarray:
    t = np.radians(deg)
    c, s = np.cos(t), np.sin(t)
    r = {"x": [[1, 0, 0], [0, c, -s], [0, s, c]], "y": [[c, 0, s], [0, 1, 0], [-s, 0, c]],
         "z": [[c, -s, 0], [s, c, 0], [0, 0, 1]]}[axis]
    centre = p.mean(axis=0)
    return (p - centre) @ np.array(r).T + centre


def test_frontal_portrait_reads_near_zero(mesh3d):
    rx, ry, rz = np.degrees(head_pose(mesh3d[:, :2], mesh3d[:, 2]))
    assert abs(rx) < 10 and abs(ry) < 10 and abs(rz) < 10


@pytest.mark.parametrize("axis,k", [("x", 0), ("y", 1), ("z", 2)])
@pytest.mark.parametrize("deg", [-25.0, 15.0])
def test_known_rotations_are_recovered(mesh3d, axis, k, deg):
    base = np.degrees(head_pose(mesh3d[:, :2], mesh3d[:, 2]))
    moved = _rotate(mesh3d, axis, deg)
    got = np.degrees(head_pose(moved[:, :2], moved[:, 2])) - base
    assert got[k] == pytest.approx(deg, abs=2.0)
    others = np.delete(got, k)
    assert np.all(np.abs(others) < 3.0), got


def test_no_depth_gives_nan():
    assert all(np.isnan(v) for v in head_pose(np.zeros((468, 2)), None))
