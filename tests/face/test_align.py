"""Alignment: head motion is removed, facial motion is kept, the canonical template is sane."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from merstudio.errors import InputError
from merstudio.face import landmarks as L
from merstudio.face.align import (
    CANONICAL_SIZE,
    AlignedFace,
    FaceAligner,
    apply_matrix,
    canonical_landmarks,
    canonical_stable_points,
    estimate_similarity,
)

STABLE = list(L.STABLE_POINTS)
INNER = (slice(16, 120), slice(16, 112))  # brows to chin, cheek to cheek: the part the AU regions use


def _moved(frame: np.ndarray, tx: float = 0, ty: float = 0, angle: float = 0, scale: float = 1.0) -> np.ndarray:
    m = cv2.getRotationMatrix2D((320, 240), angle, scale)
    m[:, 2] += (tx, ty)
    return cv2.warpAffine(frame, m, (640, 480), flags=cv2.INTER_LINEAR, borderValue=(90, 90, 90))


@pytest.fixture(scope="module")
def still(face_big, compose):
    """The astronaut centred in a 640x480 frame."""
    return compose([(face_big, 320 - face_big.shape[1] // 2, 240 - face_big.shape[0] // 2)])


def test_canonical_template_layout() -> None:
    t = canonical_landmarks()
    assert t.shape == (468, 2) and np.all(np.isfinite(t))
    # Every mesh point of the neutral face fits in the crop except the upper forehead.
    assert np.all((t[:, 0] > 0) & (t[:, 0] < CANONICAL_SIZE))
    for i in (L.R_MOUTH_CORNER, L.L_MOUTH_CORNER, *L.R_BROW, *L.L_BROW):
        assert 4 < t[i, 1] < CANONICAL_SIZE - 4, i
    # The refined mesh (irises) puts the chin tip ~3 px above the crop's bottom; the chin region the
    # micro-motion lane reads (chin boss, 199/200/175) sits higher.
    assert 2 < t[L.CHIN, 1] < CANONICAL_SIZE - 2
    assert t[[199, 200, 175, 208, 428], 1].max() < CANONICAL_SIZE - 6  # patch half-size ~3 px
    right = (t[L.R_EYE_OUTER] + t[L.R_EYE_INNER]) / 2
    left = (t[L.L_EYE_OUTER] + t[L.L_EYE_INNER]) / 2
    assert right[0] == pytest.approx(0.33 * CANONICAL_SIZE, abs=0.5)
    assert left[0] == pytest.approx(0.67 * CANONICAL_SIZE, abs=0.5)
    assert right[1] == pytest.approx(0.38 * CANONICAL_SIZE, abs=0.5) and left[1] == pytest.approx(right[1], abs=0.1)
    # Upright and symmetric: brows above eyes above nose tip above mouth above chin; mirror pairs mirror.
    assert t[L.R_BROW_INNER, 1] < right[1] < t[L.NOSE_TIP, 1] < t[L.R_MOUTH_CORNER, 1] < t[L.CHIN, 1]
    for a, b in [(L.R_MOUTH_CORNER, L.L_MOUTH_CORNER), (L.R_BROW_OUTER, L.L_BROW_OUTER), (L.R_CHEEK, L.L_CHEEK)]:
        assert t[a, 0] + t[b, 0] == pytest.approx(CANONICAL_SIZE, abs=0.2)
        assert t[a, 1] == pytest.approx(t[b, 1], abs=0.2)
    # Scales with the crop size.
    np.testing.assert_allclose(canonical_landmarks(256), t * 2, atol=1e-9)
    np.testing.assert_allclose(canonical_stable_points(), t[STABLE])


def test_similarity_estimate_recovers_a_known_transform() -> None:
    rng = np.random.default_rng(1)
    src = rng.uniform(0, 400, (6, 2))
    a = 1.7 * np.exp(1j * 0.4)
    true = np.array([[a.real, -a.imag, 12.0], [a.imag, a.real, -30.0]])
    np.testing.assert_allclose(estimate_similarity(src, apply_matrix(true, src)), true, atol=1e-9)
    with pytest.raises(InputError):
        estimate_similarity(np.zeros((6, 2)), src)


def test_aligned_face_fields(still, still_detector) -> None:
    obs = still_detector.detect(still)[0]
    af = FaceAligner(size=96, keep_rgb=True).align(3, obs.landmarks, still)
    assert isinstance(af, AlignedFace)
    assert af.image.shape == (96, 96) and af.image.dtype == np.uint8
    assert af.rgb is not None and af.rgb.shape == (96, 96, 3) and af.rgb.dtype == np.uint8
    assert af.landmarks.shape == (468, 2) and af.matrix.shape == (2, 3)
    np.testing.assert_allclose(af.landmarks, apply_matrix(af.matrix, obs.landmarks.astype(np.float64)), atol=1e-3)
    # The stable points land on the template (the residual is the astronaut's deviation from the mean face).
    assert af.residual < 3.0
    assert FaceAligner().align(0, obs.landmarks, still).rgb is None


def test_bad_input_is_a_one_line_input_error(still) -> None:
    al = FaceAligner()
    with pytest.raises(InputError, match="landmarks"):
        al.align(0, np.zeros((68, 2)), still)
    with pytest.raises(InputError, match="frame"):
        al.align(0, canonical_landmarks(), still.astype(np.float32))
    with pytest.raises(InputError, match="smoothing"):
        FaceAligner(smoothing=1.0)


@pytest.mark.parametrize("motion", [dict(tx=45, ty=-30), dict(angle=14), dict(scale=0.8), dict(scale=1.2),
                                    dict(tx=-30, ty=20, angle=-9, scale=0.85)],
                         ids=["translate", "rotate", "shrink", "grow", "all"])
def test_head_motion_is_removed(still, still_detector, motion) -> None:
    al = FaceAligner(smoothing=0.0)  # single images: nothing to smooth
    ref = al.align(0, still_detector.detect(still)[0].landmarks, still)
    moved = _moved(still, **motion)
    obs = still_detector.detect(moved)[0]
    af = al.align(1, obs.landmarks, moved)
    diff = np.abs(af.image.astype(np.float64) - ref.image)[INNER].mean()
    # Yardstick: the same reference shifted by one pixel. Alignment must do better than that.
    one_px = np.abs(np.roll(ref.image.astype(np.float64), 1, axis=1) - ref.image)[INNER].mean()
    # And without alignment (the same crop window in the moved frame) the faces would not match at all.
    unaligned = cv2.warpAffine(cv2.cvtColor(moved, cv2.COLOR_RGB2GRAY), ref.matrix, (128, 128))
    assert diff < 0.6 * one_px, (diff, one_px)
    assert np.abs(unaligned.astype(np.float64) - ref.image)[INNER].mean() > 3 * diff
    stable_move = np.linalg.norm(af.landmarks[STABLE] - ref.landmarks[STABLE], axis=1)
    all_move = np.linalg.norm(af.landmarks - ref.landmarks, axis=1)
    # In aligned pixels (the eyes are 43.5 apart): MediaPipe's own jitter is most of what is left.
    assert stable_move.mean() < 0.4 and all_move.mean() < 1.0, (stable_move.mean(), all_move.mean())


def _displace(img: np.ndarray, at: np.ndarray, shift: np.ndarray, sigma: float) -> np.ndarray:
    """Move the skin around `at` by `shift` pixels (a Gaussian-weighted local warp, as the synthetic AUs do)."""
    h, w = img.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    g = np.exp(-((xs - at[0]) ** 2 + (ys - at[1]) ** 2) / (2 * sigma**2))
    map_x = (xs - shift[0] * g).astype(np.float32)
    map_y = (ys - shift[1] * g).astype(np.float32)
    return cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _moved_by_field(shift: np.ndarray, sigma: float) -> np.ndarray:
    """How far the point at the centre of _displace's field actually moves (d = shift * g(d), a fixed point)."""
    d = shift.copy()
    for _ in range(50):
        d = shift * math.exp(-float(d @ d) / (2 * sigma**2))
    return d


def test_mouth_corner_motion_is_kept(still, still_detector) -> None:
    al = FaceAligner(smoothing=0.0)
    obs = still_detector.detect(still)[0]
    ref = al.align(0, obs.landmarks, still)
    corner = obs.landmarks[L.L_MOUTH_CORNER].astype(np.float64)
    shift, sigma = np.array([8.0, -6.0]), 12.0  # outwards and up, like AU12, in frame pixels
    smiled = _displace(still, corner, shift, sigma)
    obs2 = still_detector.detect(smiled)[0]
    af = al.align(0, obs2.landmarks, smiled)
    # The head transform did not absorb the smile: the stable points stay put.
    assert np.linalg.norm(af.landmarks[STABLE] - ref.landmarks[STABLE], axis=1).max() < 0.3
    # Expected motion in the aligned face: the true displacement through the alignment's rotation and scale.
    expected = ref.matrix[:, :2] @ _moved_by_field(shift, sigma)
    # (1) The aligned image is the aligned reference with the same displacement applied (alignment commutes with
    # the local warp), and clearly not the unmoved reference.
    scale = math.hypot(*ref.matrix[:, 0])
    want = _displace(ref.image, ref.landmarks[L.L_MOUTH_CORNER].astype(np.float64), ref.matrix[:, :2] @ shift,
                     sigma * scale)
    cx, cy = np.round(ref.landmarks[L.L_MOUTH_CORNER]).astype(int)
    win = (slice(cy - 12, cy + 12), slice(cx - 12, cx + 12))
    err_moved = np.abs(af.image.astype(np.float64) - want)[win].mean()
    err_still = np.abs(af.image.astype(np.float64) - ref.image)[win].mean()
    assert err_moved < 0.35 * err_still, (err_moved, err_still)
    # (2) The corner, followed by Lucas-Kanade in the aligned images, moves by about the expected amount.
    p0 = ref.landmarks[L.L_MOUTH_CORNER].reshape(1, 1, 2).astype(np.float32)
    p1, ok, _ = cv2.calcOpticalFlowPyrLK(ref.image, af.image, p0, None, winSize=(11, 11), maxLevel=2)
    moved = (p1 - p0).ravel()
    assert ok.ravel()[0] == 1
    assert np.linalg.norm(moved - expected) < 0.3 * np.linalg.norm(expected), (moved, expected)
    # (3) MediaPipe's own corner landmark follows in direction, though it underestimates small local motion
    # (its mesh is regularised): AU measurement must use image motion, not landmark motion (docs/face.md).
    lm_moved = af.landmarks[L.L_MOUTH_CORNER] - ref.landmarks[L.L_MOUTH_CORNER]
    cos = float(lm_moved @ expected) / (np.linalg.norm(lm_moved) * np.linalg.norm(expected))
    assert cos > 0.8 and np.linalg.norm(lm_moved) > 0.2 * np.linalg.norm(expected), (lm_moved, expected)
    # The other mouth corner, outside the warp, looks the same as before.
    ox, oy = np.round(ref.landmarks[L.R_MOUTH_CORNER]).astype(int)
    other = (slice(oy - 12, oy + 12), slice(ox - 12, ox + 12))
    assert np.abs(af.image.astype(np.float64) - ref.image)[other].mean() < 0.5 * err_still


def test_smoothing_removes_jitter_and_follows_motion(still, still_detector) -> None:
    """Landmarks with MediaPipe-like noise on a head that is still for 30 frames, then moves steadily: the smoothed
    transform is steadier than the per-frame one while still, and does not lag behind the motion."""
    rng = np.random.default_rng(7)
    base = still_detector.detect(still)[0].landmarks.astype(np.float64)
    raw_al, smooth_al = FaceAligner(smoothing=0.0), FaceAligner()
    raw_pts, smooth_pts, lag = [], [], []
    for i in range(60):
        k = max(0, i - 30)
        tx, angle = 3.0 * k, math.radians(0.4 * k)  # 3 px and 0.4 degrees per frame once moving
        rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        true = (base - (320, 240)) @ rot.T + (320 + tx, 240)
        noisy = true + rng.normal(0, 0.5, true.shape)
        # What the image sees: where each transform puts the noise-free face.
        raw_pts.append(apply_matrix(raw_al.align(0, noisy, still, frame_index=i).matrix, true[STABLE]))
        smooth_pts.append(apply_matrix(smooth_al.align(0, noisy, still, frame_index=i).matrix, true[STABLE]))
        ideal = apply_matrix(raw_al.raw_matrix(true), true[STABLE])
        lag.append(np.linalg.norm(smooth_pts[-1] - ideal, axis=1).mean())
    raw_pts, smooth_pts = np.array(raw_pts), np.array(smooth_pts)
    still_part = slice(5, 30)
    raw_jitter = np.linalg.norm(np.diff(raw_pts[still_part], axis=0), axis=2).mean()
    smooth_jitter = np.linalg.norm(np.diff(smooth_pts[still_part], axis=0), axis=2).mean()
    assert smooth_jitter < 0.6 * raw_jitter, (smooth_jitter, raw_jitter)
    # While moving (3 px/frame in the frame, about 1.6 px/frame in aligned pixels) the lag stays small.
    assert max(lag[31:]) < 0.6, np.round(lag[28:], 2)


def test_seek_and_reset_restart_smoothing(still, still_detector) -> None:
    lm = still_detector.detect(still)[0].landmarks.astype(np.float64)
    al = FaceAligner(smoothing=0.8, beta=0.0)  # plain exponential smoothing: easy to see
    al.align(5, lm, still, frame_index=0)
    shifted = lm + (30.0, 0.0)
    raw = al.raw_matrix(shifted)
    # Consecutive frame: smoothing holds the transform back.
    lagged = al.align(5, shifted, still, frame_index=1).matrix
    assert abs(lagged[0, 2] - raw[0, 2]) > 3
    # A seek (non-consecutive index) starts afresh: the transform is this frame's own.
    np.testing.assert_allclose(al.align(5, shifted, still, frame_index=100).matrix, raw, atol=1e-9)
    al.align(5, lm, still, frame_index=101)
    al.reset(5)
    np.testing.assert_allclose(al.align(5, shifted, still, frame_index=102).matrix, raw, atol=1e-9)
    # Other tracks keep their own state.
    al.align(6, lm, still, frame_index=102)
    assert abs(al.align(6, shifted, still, frame_index=103).matrix[0, 2] - raw[0, 2]) > 3
