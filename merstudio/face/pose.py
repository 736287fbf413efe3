"""Head pose (pose_Rx, pose_Ry, pose_Rz in radians) from the 3D Face Mesh, in OpenFace's convention.

OpenFace reports the head's rotation in camera axes (x right, y down, z away from the camera) as Euler angles of
R = Rx(pitch) @ Ry(yaw) @ Rz(roll). We fit the rotation (Kabsch) that takes an upright template of
16 rigid mesh points (forehead, nose dorsum and tip, eye corners, cheekbones, temples; none moves with the jaw or
the brows) onto the face's 3D mesh. A frontal, upright face reads within a few degrees of 0 (faces differ in
shape, and we do not correct that with a per-person offset).
Signs (camera axes, right-handed): pose_Rx > 0 the chin moves away from the camera (head tilts back),
pose_Ry > 0 the face turns towards the image's left (the subject's right), pose_Rz > 0 the head rolls clockwise
in the image. Checked by rotating a real mesh by known angles (tests/face/test_pose.py). Depth from a single
camera is MediaPipe's estimate, so expect a few degrees of error.
"""

from __future__ import annotations

import numpy as np

# A frontal, upright head's rigid points (forehead, nose dorsum, nose tip, eye corners, cheekbones, temples) in
# head axes (x to the subject's left eye, y down, z away from the camera), inter-ocular distance 1: the
# demo face's mesh (public domain), mirror-averaged; its nose-tip-to-forehead line leans PITCH_TILT_DEG back.
RIGID = (10, 151, 9, 168, 6, 197, 195, 1, 33, 133, 362, 263, 234, 454, 127, 356)
_RAW = np.array([
    [0.0, -0.528, -0.325], [0.0, -0.357, -0.314], [0.0, -0.185, -0.291], [0.0, -0.008, -0.23],
    [0.0, 0.092, -0.254], [0.0, 0.185, -0.288], [0.0, 0.271, -0.326], [0.0, 0.537, -0.325],
    [-0.5, -0.008, 0.02], [-0.19, 0.029, -0.03], [0.19, 0.029, -0.03], [0.5, -0.008, 0.02],
    [-0.758, 0.057, 0.64], [0.758, 0.057, 0.64], [-0.765, -0.082, 0.548], [0.765, -0.082, 0.548]])
PITCH_TILT_DEG = 11.5  # measured on two real frontal faces (-12.7 and -10.2 degrees before this correction)


def _rx(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


TEMPLATE = _RAW @ _rx(-np.radians(PITCH_TILT_DEG)).T
TEMPLATE = TEMPLATE - TEMPLATE.mean(axis=0)


def rotation(landmarks: np.ndarray, z: np.ndarray) -> np.ndarray:
    """3x3 rotation taking the upright template into the face (camera axes), fitted by least squares (Kabsch)
    to the rigid points, from (N, 2) pixels and (N,) depth."""
    p = np.column_stack([np.asarray(landmarks, dtype=np.float64)[list(RIGID), :2],
                         np.asarray(z, dtype=np.float64)[list(RIGID)]])
    p = p - p.mean(axis=0)
    u, _, vt = np.linalg.svd(TEMPLATE.T @ p)
    d = np.sign(np.linalg.det(u @ vt))
    return (u @ np.diag([1.0, 1.0, d]) @ vt).T


def euler(r: np.ndarray) -> tuple[float, float, float]:
    """(Rx, Ry, Rz) with r = Rx @ Ry @ Rz."""
    ry = float(np.arcsin(np.clip(r[0, 2], -1.0, 1.0)))
    rx = float(np.arctan2(-r[1, 2], r[2, 2]))
    rz = float(np.arctan2(-r[0, 1], r[0, 0]))
    return rx, ry, rz


def head_pose(landmarks: np.ndarray, z: np.ndarray | None) -> tuple[float, float, float]:
    """(pose_Rx, pose_Ry, pose_Rz) in radians; NaNs without depth."""
    if z is None:
        return (float("nan"),) * 3
    return euler(rotation(landmarks, z))
