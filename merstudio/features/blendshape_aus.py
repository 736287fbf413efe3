"""FACS action units from MediaPipe's learned face blendshapes (plus mesh geometry where a blendshape is weak).

The blendshape model (merstudio.face.blendshapes) was trained by Google on real faces; it scores 52 ARKit-style
shapes from the mesh, absolutely (no neutral frame needed), so still photographs get AUs too. This module maps
them to OpenFace 2's 17 intensity AUs, per side where the model has sides ("Left" = the subject's left, checked
by closing one eye of a real mesh: tests/features/test_blendshape_aus.py).

Calibration to OpenFace's 0-5 scale. Each AU reads a score s (0..1, the mean of its sides, or one shape):
    intensity = 5 * clip((s - floor) / (full - floor), 0, 1)
`floor` is the score the AU's shape keeps on relaxed faces (the model gives eyeSquint 0.3-0.4 and browInnerUp
0.25-0.37 to neutral faces), `full` the score of a maximal (E) action. 0.5 is FACS's trace (A) band, the
presence threshold. docs/aus.md lists the table, where each value comes from and how reliable each AU is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from merstudio.face.blendshapes import INDEX

MAX_INTENSITY = 5.0  # top of the AU intensity scale (OpenFace's too): the one definition


@dataclass(frozen=True)
class AUMap:
    au: int
    left: str | None  # blendshape for the subject's left side (None: the AU has one, midline shape)
    right: str | None
    single: str | None = None
    floor: float = 0.1
    full: float = 0.9
    region: str = "mouth"  # face region (for occlusion): brows, eyes, nose, mouth, jaw


# The mapping, after ARKit's shape definitions and their published FACS correspondences.
AU_MAP: dict[int, AUMap] = {m.au: m for m in (
    AUMap(1, None, None, "browInnerUp", floor=0.4, full=0.95, region="brows"),
    AUMap(2, "browOuterUpLeft", "browOuterUpRight", floor=0.15, full=0.8, region="brows"),
    AUMap(4, "browDownLeft", "browDownRight", floor=0.12, full=0.8, region="brows"),
    AUMap(5, "eyeWideLeft", "eyeWideRight", floor=0.1, full=0.7, region="eyes"),
    AUMap(6, "cheekSquintLeft", "cheekSquintRight", floor=0.05, full=0.6, region="eyes"),  # + geometry
    AUMap(7, "eyeSquintLeft", "eyeSquintRight", floor=0.45, full=0.95, region="eyes"),
    AUMap(9, "noseSneerLeft", "noseSneerRight", floor=0.08, full=0.7, region="nose"),
    AUMap(10, "mouthUpperUpLeft", "mouthUpperUpRight", floor=0.1, full=0.9, region="mouth"),
    AUMap(12, "mouthSmileLeft", "mouthSmileRight", floor=0.08, full=0.9, region="mouth"),
    AUMap(14, "mouthDimpleLeft", "mouthDimpleRight", floor=0.1, full=0.7, region="mouth"),
    AUMap(15, "mouthFrownLeft", "mouthFrownRight", floor=0.08, full=0.7, region="mouth"),
    AUMap(17, None, None, "mouthShrugLower", floor=0.15, full=0.8, region="mouth"),
    AUMap(20, "mouthStretchLeft", "mouthStretchRight", floor=0.1, full=0.7, region="mouth"),
    AUMap(23, "mouthPressLeft", "mouthPressRight", floor=0.15, full=0.8, region="mouth"),
    AUMap(25, None, None, None, region="mouth"),  # lips part: geometry (inner-lip gap), below
    AUMap(26, None, None, "jawOpen", floor=0.08, full=0.7, region="mouth"),
    AUMap(45, "eyeBlinkLeft", "eyeBlinkRight", floor=0.35, full=0.75, region="eyes"),
)}
AUS: tuple[int, ...] = tuple(AU_MAP)
SIDED: tuple[int, ...] = tuple(a for a, m in AU_MAP.items() if m.left is not None)

# AU10's shape rises with a broad smile (the lip corners lift the upper lip's sides); this share of the smile
# score is the smile's, not an upper-lip raise. 0.65 since the network's scores are mirror-averaged (revision 25):
# the two real smiles (smile_man, coded 6+12+25; the demo) lift mouthUpperUp by 0.64-0.80 of mouthSmile above its
# floor, and at 0.6 the held real smile read AU10 up to 1.09, present on 29 frames; at 0.65 at most 0.81 (0.7 would
# take another 0.3 off a real AU10 that comes with a smile).
AU10_SMILE_SHARE = 0.65
# AU25 (lips part): inner-lip gap (landmarks 13-14) over the inter-ocular distance; 0.02 IOD is about 1.3 mm.
LIPS_PART_FLOOR, LIPS_PART_FULL = 0.02, 0.15
# AU6 (cheek raiser) from geometry: the cheek lifts the lower lid and narrows the eye from below. The eye
# aperture (upper-lower lid distance / IOD) of a relaxed adult eye is about 0.16 (both faces we measured);
# a narrowing of 0.05 IOD reads 5. Counted only while the lip corners rise (AU12 shape): without AU12 the same
# narrowing is lid tightening (AU7), a squint or a blink.
EYE_APERTURE_NEUTRAL = 0.16
AU6_NARROWING_FULL = 0.05
R_EYE = (33, 133, 159, 145)  # outer corner, inner corner, upper lid, lower lid
L_EYE = (263, 362, 386, 374)


def calibrate(score: float | np.ndarray, floor: float, full: float) -> np.ndarray:
    return MAX_INTENSITY * np.clip((np.asarray(score, dtype=np.float64) - floor) / (full - floor), 0.0, 1.0)


def eye_aperture(mesh: np.ndarray, eye: tuple[int, int, int, int]) -> float:
    """Upper-lower lid distance over the inter-ocular distance (eye-corner midpoints)."""
    r = mesh[[R_EYE[0], R_EYE[1]]].mean(axis=0)
    lft = mesh[[L_EYE[0], L_EYE[1]]].mean(axis=0)
    iod = max(float(np.hypot(*(lft - r))), 1e-6)
    return float(np.hypot(*(mesh[eye[2]] - mesh[eye[3]]))) / iod


def lips_gap(mesh: np.ndarray) -> float:
    r = mesh[[R_EYE[0], R_EYE[1]]].mean(axis=0)
    lft = mesh[[L_EYE[0], L_EYE[1]]].mean(axis=0)
    iod = max(float(np.hypot(*(lft - r))), 1e-6)
    return float(np.hypot(*(mesh[13] - mesh[14]))) / iod


@dataclass
class AUReading:
    intensity: dict[int, float]  # AU -> 0..5
    sides: dict[tuple[int, str], float]  # (AU, "L" | "R") -> 0..5
    blink: float  # 0..1, the larger eyeBlink score
    # AU6's two sources per side (L, R): the cheekSquint shape and the eye geometry; sides[6] is their maximum.
    # A caller with a time series filters the geometry over time (blinks) and recombines: combine_au6.
    au6_shape: tuple[float, float] = (0.0, 0.0)
    au6_eye: tuple[float, float] = (0.0, 0.0)
    # au6_eye's two factors: the eyes' narrowing (0..5, ungated) and the lip-corner gate (0..1). A time series
    # filters the narrowing and gates the result with each frame's own AU12 (AUEstimator), so that the filter
    # never carries a cheek raise past the smile.
    au6_narrow: tuple[float, float] = (0.0, 0.0)
    au6_gate: tuple[float, float] = (0.0, 0.0)


def combine_au6(reading: AUReading, eye: tuple[float, float]) -> None:
    """Set AU6 (sides and mean) of `reading` from its shape reading and the eye evidence `eye` (L, R)."""
    lr = np.maximum(np.asarray(reading.au6_shape), np.asarray(eye))
    reading.sides[(6, "L")], reading.sides[(6, "R")] = float(lr[0]), float(lr[1])
    reading.intensity[6] = float(lr.mean())


def aus_from_blendshapes(scores: np.ndarray, mesh: np.ndarray,
                         aperture_neutral: tuple[float, float] | None = None) -> AUReading:
    """AU intensities (0..5) from 52 blendshape scores and the (>= 468, 2) mesh of the same face.

    `aperture_neutral`: the person's relaxed eye apertures (right, left), when known; otherwise the adult mean.
    """
    s = np.asarray(scores, dtype=np.float64)
    out: dict[int, float] = {}
    sides: dict[tuple[int, str], float] = {}
    au6_shape = au6_eye = au6_narrow = au6_gate_lr = (0.0, 0.0)
    smile = calibrate(s[[INDEX["mouthSmileLeft"], INDEX["mouthSmileRight"]]], AU_MAP[12].floor, AU_MAP[12].full)
    for au, m in AU_MAP.items():
        if m.single is not None:
            out[au] = float(calibrate(s[INDEX[m.single]], m.floor, m.full))
        elif m.left is not None and m.right is not None:
            raw = np.array([s[INDEX[m.left]], s[INDEX[m.right]]])
            if au == 10:
                raw = raw - AU10_SMILE_SHARE * s[[INDEX["mouthSmileLeft"], INDEX["mouthSmileRight"]]]
            lr = calibrate(raw, m.floor, m.full)
            if au == 6:
                narrow, gate = au6_narrowing(mesh, aperture_neutral), au6_gate(smile)
                geo = narrow * gate
                au6_shape, au6_eye = (float(lr[0]), float(lr[1])), (float(geo[0]), float(geo[1]))
                au6_narrow, au6_gate_lr = (float(narrow[0]), float(narrow[1])), (float(gate[0]), float(gate[1]))
                lr = np.maximum(lr, geo)
            sides[(au, "L")], sides[(au, "R")] = float(lr[0]), float(lr[1])
            out[au] = float(lr.mean())
    out[25] = float(calibrate(lips_gap(mesh), LIPS_PART_FLOOR, LIPS_PART_FULL))
    blink = float(max(s[INDEX["eyeBlinkLeft"]], s[INDEX["eyeBlinkRight"]]))
    return AUReading({a: out[a] for a in AUS}, sides, blink, au6_shape, au6_eye, au6_narrow, au6_gate_lr)


def au6_narrowing(mesh: np.ndarray, neutral: tuple[float, float] | None) -> np.ndarray:
    """Per side (L, R): the eye's narrowing from the relaxed aperture on AU6's 0-5 scale, whatever the lip corners
    do (au6_gate says whether it counts)."""
    neutral_r, neutral_l = neutral if neutral is not None else (EYE_APERTURE_NEUTRAL, EYE_APERTURE_NEUTRAL)
    narrow = np.array([neutral_l - eye_aperture(mesh, L_EYE), neutral_r - eye_aperture(mesh, R_EYE)])
    return MAX_INTENSITY * np.clip(narrow / AU6_NARROWING_FULL, 0.0, 1.0)


def au6_gate(smile_lr: np.ndarray) -> np.ndarray:
    """Per side: how much of the eye narrowing counts as a cheek raise, from that side's AU12 (0 below 0.5, the
    trace band; all of it from 2, marked)."""
    return np.clip((np.asarray(smile_lr, dtype=np.float64) - 0.5) / 1.5, 0.0, 1.0)


def _au6_geometry(mesh: np.ndarray, smile_lr: np.ndarray, neutral: tuple[float, float] | None) -> np.ndarray:
    """Per side (L, R): eye narrowing from the relaxed aperture, gated by that side's lip-corner raise."""
    return au6_narrowing(mesh, neutral) * au6_gate(smile_lr)
