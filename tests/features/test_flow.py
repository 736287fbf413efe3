"""Dense flow methods recover a known sub-pixel shift of a real texture; optical strain of known fields."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from merstudio.errors import InputError
from merstudio.features.flow import FLOW_METHODS, FlowComputer, compute_flow, flow_computer, optical_strain


@pytest.fixture(scope="module")
def texture() -> np.ndarray:
    from skimage import data

    grey = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2GRAY)
    return cv2.resize(grey[40:240, 150:350], (128, 128), interpolation=cv2.INTER_AREA)


def _shifted(img: np.ndarray, dx: float, dy: float) -> np.ndarray:
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(img, m, img.shape[::-1], flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT101)


@pytest.mark.parametrize("method", ["dis", "farneback", "tvl1"])
def test_recovers_subpixel_shift(texture, method):
    flow = compute_flow(texture, _shifted(texture, 1.5, -0.75), method=method)
    assert flow.shape == (128, 128, 2) and flow.dtype == np.float32
    inner = flow[24:-24, 24:-24].reshape(-1, 2)
    np.testing.assert_allclose(np.median(inner, axis=0), [1.5, -0.75], atol=0.2)


def test_fast_dis_and_identity(texture):
    assert "dis_fast" in FLOW_METHODS
    zero = compute_flow(texture, texture, "dis_fast")
    assert np.abs(zero[16:-16, 16:-16]).max() < 0.05
    shift = compute_flow(texture, _shifted(texture, 2.0, 0.0), "dis_fast")
    assert np.median(shift[24:-24, 24:-24, 0]) == pytest.approx(2.0, abs=0.35)


def test_local_motion_stays_local(texture):
    """A 3 px movement of one small patch shows there and not on the far side of the image."""
    d = np.zeros((128, 128, 2), np.float32)
    yy, xx = np.mgrid[0:128, 0:128]
    d[..., 1] = -3.0 * np.exp(-((xx - 40) ** 2 + (yy - 40) ** 2) / (2 * 6.0**2))
    my, mx = (yy - d[..., 1]).astype(np.float32), (xx - d[..., 0]).astype(np.float32)
    moved = cv2.remap(texture, mx, my, cv2.INTER_CUBIC)
    flow = compute_flow(texture, moved)
    assert flow[38:43, 38:43, 1].mean() < -1.5
    assert np.abs(flow[90:110, 90:110]).max() < 0.3


def test_cached_per_method_and_inputs(texture):
    assert flow_computer("dis") is flow_computer("DIS")
    assert flow_computer("dis") is not flow_computer("farneback")
    rgb = np.repeat(texture[:, :, None], 3, axis=2)
    np.testing.assert_allclose(compute_flow(rgb, rgb), 0.0, atol=0.05)
    as_float = texture.astype(np.float32) / 255.0
    assert compute_flow(as_float, as_float).shape == (128, 128, 2)
    with pytest.raises(InputError, match="unknown"):
        FlowComputer("lucas")
    with pytest.raises(InputError, match="shapes differ"):
        compute_flow(texture, texture[:100])
    with pytest.raises(InputError):
        compute_flow(np.zeros((4, 4, 4), np.uint8), np.zeros((4, 4, 4), np.uint8))


def test_optical_strain_of_known_fields():
    yy, xx = np.mgrid[0:64, 0:64].astype(np.float32)
    translation = np.stack([np.full_like(xx, 2.0), np.full_like(xx, -1.0)], axis=2)
    assert np.abs(optical_strain(translation)).max() < 1e-6
    theta = 0.01  # small rotation: u = -theta*y, v = theta*x -> antisymmetric gradient, no strain
    rotation = np.stack([-theta * yy, theta * xx], axis=2)
    assert np.abs(optical_strain(rotation)).max() < 1e-6
    s = 0.02  # uniform expansion: e_xx = e_yy = s -> |e| = s*sqrt(2)
    expansion = np.stack([s * xx, s * yy], axis=2)
    np.testing.assert_allclose(optical_strain(expansion), s * np.sqrt(2.0), rtol=1e-5)
    g = 0.03  # simple shear u = g*y: e_xy = g/2 -> |e| = sqrt(2*(g/2)^2)
    shear = np.stack([g * yy, np.zeros_like(xx)], axis=2)
    np.testing.assert_allclose(optical_strain(shear), np.sqrt(2 * (g / 2) ** 2), rtol=1e-5)
    assert optical_strain(shear).shape == (64, 64) and optical_strain(shear).dtype == np.float32
    with pytest.raises(InputError):
        optical_strain(np.zeros((8, 8)))


def test_a_change_of_light_is_not_motion_and_a_movement_under_it_still_is(texture):
    """The astronaut's face 12 % darker (a flicker's dip, as in the bundled demo), sensor noise on each frame:
    without matching, DIS reads strain over the face well above that of the same frame twice; brought to the same
    brightness first, less than half that excess is left (what is left: the darker frame's weaker contrast against
    the same noise). A real local movement in the darker frame keeps its strain. Means over 6 noise draws."""
    zoomed = texture.astype(np.float32).copy()  # the middle zoomed by 4 %: a local deformation
    m = cv2.getRotationMatrix2D((31.5, 31.5), 0.0, 1.04)
    zoomed[32:96, 32:96] = cv2.warpAffine(zoomed[32:96, 32:96].copy(), m, (64, 64), flags=cv2.INTER_CUBIC,
                                          borderMode=cv2.BORDER_REFLECT101)
    raw = FlowComputer("dis")

    def strain(flow: np.ndarray) -> float:
        return float(optical_strain(flow)[16:-16, 16:-16].mean())

    runs = []
    for seed in range(6):
        rng = np.random.default_rng(seed)

        def noisy(img: np.ndarray) -> np.ndarray:
            return np.clip(img + rng.normal(0, 1.5, img.shape), 0, 255).astype(np.uint8)  # noqa: B023

        a, same, dark = noisy(texture), noisy(texture), noisy(texture * 0.88)
        moved, moved_dark = noisy(zoomed), noisy(zoomed * 0.88)
        runs.append([strain(compute_flow(a, same)), strain(raw(a, dark)), strain(compute_flow(a, dark)),
                     strain(compute_flow(a, moved)), strain(compute_flow(a, moved_dark))])
    quiet, unmatched, matched, movement, movement_dark = np.mean(runs, axis=0)
    assert unmatched - quiet > 0.25 * quiet
    assert matched - quiet < 0.5 * (unmatched - quiet)
    assert movement > 2 * quiet
    assert movement_dark == pytest.approx(movement, rel=0.1)


def test_match_brightness_scales_to_the_other_mean(texture):
    from merstudio.features.flow import match_brightness

    out = match_brightness(texture, (texture * 0.8).astype(np.uint8))
    assert out.dtype == np.uint8 and abs(float(out.mean()) - float((texture * 0.8).astype(np.uint8).mean())) < 0.5
    assert match_brightness(texture, texture) is texture  # equal means: untouched
    black = np.zeros_like(texture)
    assert match_brightness(black, texture) is black  # nothing to scale
