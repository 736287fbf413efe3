"""The network's input, built the same way for training (from clips) and for per-frame inference (from video).

A sample is T time steps ending at the "apex" (training) or at the current frame (inference). The step frames
are step_indices(onset, end, T, spacing), as merstudio.datasets.preprocess picks them: "even" spaces them evenly
over (onset, end], "late" evenly over the second half of it (T = 2: at 3/4 and 4/4; the same for T = 1), where a
weak movement's flow has left the noise floor (docs/model.md, "Where the steps lie"). A checkpoint records its
spacing; one saved without it used "even". Each step's channels are, by modality:
    flow       u, v, strain   flow from the onset frame to the step frame, and its optical strain
    grey       grey           the step frame, 0..1
    flow+grey  u, v, strain, grey
Flow is computed with merstudio.features.flow.compute_flow on both faces at flow_size x flow_size (the aligned face,
128 px; the onset face first brought to the step face's brightness: a change of light is not motion), then every channel is resized to size x size with area averaging. Normalisation (`normalise`):
    "minmax" (default, = the training data of merstudio.datasets.preprocess and the published 0-255 flow images):
             each flow channel min-max scaled to 0..1 over the whole sample (all T steps);
    "none":  raw flow, u and v rescaled by size / flow_size so they are pixels of the network input.
Framing (`framing`): the part of the aligned face the input shows, cropped before the resize; None = all of it.
Precomputed flow images frame the face their own way (the MEGC2019 composite's shared images: tighter and
higher); a checkpoint trained on them records their framing and per-frame inference crops video faces to it.
This module and datasets.preprocess.input_from_aligned must give identical arrays (a test checks it): training
and per-frame inference must see the same input.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from merstudio.errors import InputError
from merstudio.features.flow import as_grey_u8

MODALITY_CHANNELS: dict[str, int] = {"flow": 3, "grey": 1, "flow+grey": 4}
NORMALISATIONS = ("minmax", "none")
SPACINGS = ("even", "late")
Box = tuple[float, float, float, float]
# Named framings, as (x0, y0, x1, y1) of the aligned face (merstudio.face.align: eye centres at (0.33, 0.38) and
# (0.67, 0.38)). "megc2019": the MEGC2019 composite's shared 28 px flow images, CASME II and SMIC alike: eyes at
# y 0.25 and 1.4 times the aligned face's scale, found from where the development copy's blinks, brows and smiles move
# (docs/model.md, "Framing").
FRAMINGS: dict[str, Box | None] = {"whole": None, "megc2019": (0.143, 0.201, 0.857, 0.916)}


def parse_framing(value: Any) -> Box | None:
    """A framing from a name of FRAMINGS, "x0,y0,x1,y1" or four numbers (fractions of the aligned face, inside
    it); None or "whole" = the whole aligned face."""
    if value is None:
        return None
    given = value
    if isinstance(value, str):
        name = value.strip().lower()
        if name in FRAMINGS:
            return FRAMINGS[name]
        value = value.split(",")
    try:
        box = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        box = ()
    if len(box) != 4 or not (0.0 <= box[0] < box[2] <= 1.0 and 0.0 <= box[1] < box[3] <= 1.0) \
            or min(box[2] - box[0], box[3] - box[1]) < 0.1:
        raise InputError(f"framing {given!r}: expected {' or '.join(FRAMINGS)}, or x0,y0,x1,y1 with "
                         "0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1 (fractions of the aligned face, at least 0.1 wide)")
    return (box[0], box[1], box[2], box[3])


def crop_to_framing(a: np.ndarray, box: Box | None) -> np.ndarray:
    """The part `box` of an (H, W[, C]) image; all of it for None."""
    if box is None:
        return a
    h, w = a.shape[:2]
    return a[int(round(box[1] * h)):int(round(box[3] * h)), int(round(box[0] * w)):int(round(box[2] * w))]


@dataclass
class InputSettings:
    """How frames become network input; stored in checkpoints as meta["input"]."""

    modality: str = "flow"
    size: int = 28
    T: int = 1
    flow_method: str = "dis"
    flow_size: int = 128
    span_s: float = 0.2  # per-frame inference: the onset proxy lies this many seconds before the frame
    normalise: str = "minmax"  # "minmax" or "none" (see the module docstring)
    spacing: str = "even"  # where the T steps lie (step_indices); "even" for checkpoints saved before it existed
    framing: list[float] | None = None  # the part of the aligned face the input shows (parse_framing; None = all)

    def __post_init__(self) -> None:
        m = str(self.modality).strip().lower().replace("gray", "grey").replace("_", "+").replace(" ", "")
        self.modality = "flow+grey" if m == "grey+flow" else m
        if self.modality not in MODALITY_CHANNELS:
            raise InputError(f"input modality {self.modality!r}: expected one of {', '.join(MODALITY_CHANNELS)}")
        if int(self.size) < 28 or int(self.T) < 1 or int(self.flow_size) < 16:
            raise InputError(f"input settings: need size >= 28, T >= 1, flow_size >= 16 (got size {self.size}, "
                             f"T {self.T}, flow_size {self.flow_size})")
        if self.normalise not in NORMALISATIONS:
            raise InputError(f"input normalise {self.normalise!r}: expected one of {', '.join(NORMALISATIONS)}")
        if self.spacing not in SPACINGS:
            raise InputError(f"input spacing {self.spacing!r}: expected one of {', '.join(SPACINGS)}")
        if not float(self.span_s) > 0:
            raise InputError(f"input settings: span_s must be > 0, got {self.span_s}")
        self.size, self.T, self.flow_size, self.span_s = int(self.size), int(self.T), int(self.flow_size), float(
            self.span_s)
        box = parse_framing(self.framing)
        self.framing = None if box is None else list(box)

    @property
    def channels(self) -> int:
        return MODALITY_CHANNELS[self.modality]

    @property
    def uses_flow(self) -> bool:
        return self.modality != "grey"

    @property
    def box(self) -> Box | None:
        return parse_framing(self.framing)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> InputSettings:
        known = {f.name for f in dataclasses.fields(cls)}
        try:
            return cls(**{k: v for k, v in d.items() if k in known})
        except (TypeError, ValueError) as e:
            raise InputError(f"input settings: {e}") from None


def step_indices(onset: int, end: int, T: int, spacing: str = "even") -> list[int]:
    """Frame indices of the T steps (rounded half to even): where a training clip's steps lie (datasets.preprocess)
    and a video window's (inference). "even": evenly spaced over (onset, end]; "late": evenly over the second half,
    ((onset + end) / 2, end]. All `end` when end <= onset."""
    if spacing not in SPACINGS:
        raise InputError(f"step spacing {spacing!r}: expected one of {', '.join(SPACINGS)}")
    if end <= onset:
        return [int(end)] * T
    start = onset if spacing == "even" else (onset + end) / 2
    return [int(round(t)) for t in np.linspace(start, end, T + 1)[1:]]


def spacing_note(inp: dict[str, Any]) -> str:
    """" (late steps)" or " (evenly spaced steps)" for a checkpoint's input dict with T > 1, else ""."""
    if int(inp.get("T", 1) or 1) <= 1:
        return ""
    return " (late steps)" if inp.get("spacing", "even") == "late" else " (evenly spaced steps)"


def framing_note(inp: dict[str, Any]) -> str:
    """", framed as megc2019" (or the box) for a checkpoint's input dict with a framing, else ""."""
    try:
        box = parse_framing(inp.get("framing"))
    except InputError:
        return ", framing unreadable"
    if box is None:
        return ""
    name = next((k for k, v in FRAMINGS.items() if v == box), None)
    return f", framed as {name}" if name else ", framed to " + ",".join(f"{v:g}" for v in box) + " of the aligned face"


def grey_u8(img: np.ndarray, side: int) -> np.ndarray:
    """A face image as grey uint8 side x side (RGB converted, 0..1 floats scaled, resized)."""
    a = as_grey_u8(img, "model input: face image")
    if a.shape != (side, side):
        interp = cv2.INTER_AREA if a.shape[0] > side else cv2.INTER_LINEAR
        a = cv2.resize(a, (side, side), interpolation=interp)
    return np.ascontiguousarray(a)


def shrink(x: np.ndarray, size: int, box: Box | None = None) -> np.ndarray:
    """The part `box` of an (H, W[, C]) float array (all of it for None), resized to size x size with area
    averaging (datasets.preprocess uses it too)."""
    x = crop_to_framing(x, box)
    if x.shape[0] == size and x.shape[1] == size:
        return x
    return cv2.resize(np.ascontiguousarray(x, dtype=np.float32), (size, size), interpolation=cv2.INTER_AREA)


def _minmax(x: np.ndarray) -> np.ndarray:
    lo = x.min(axis=(0, 2, 3), keepdims=True)
    hi = x.max(axis=(0, 2, 3), keepdims=True)
    return ((x - lo) / np.maximum(hi - lo, 1e-8)).astype(np.float32)


def assemble(flows: Sequence[np.ndarray], greys: Sequence[np.ndarray], settings: InputSettings,
             strains: Sequence[np.ndarray] | None = None) -> np.ndarray:
    """(T, C, size, size) float32 from the T onset -> step flows (flow_size, empty for grey) and the T step faces
    (grey uint8 at flow_size, may be empty for flow); `strains`: optical_strain of each flow if already known."""
    from merstudio.features.flow import optical_strain

    t, s, box = settings.T, settings.size, settings.box
    x = np.empty((t, settings.channels, s, s), dtype=np.float32)
    for k in range(t):
        c = 0
        if settings.uses_flow:
            f = flows[k]
            x[k, 0] = shrink(f[..., 0], s, box)
            x[k, 1] = shrink(f[..., 1], s, box)
            x[k, 2] = shrink(strains[k] if strains else optical_strain(f), s, box)
            c = 3
        if settings.modality != "flow":
            x[k, c] = shrink(np.asarray(greys[k], dtype=np.float32), s, box) / 255.0
    if settings.uses_flow:
        if settings.normalise == "minmax":
            x[:, :3] = _minmax(x[:, :3])
        else:  # pixels of the network input: the cropped width became s pixels
            x[:, :2] *= s / crop_to_framing(flows[0], box).shape[1]
    return x


def hide(x: np.ndarray, regions: Sequence[Box], box: Box | None = None) -> np.ndarray:
    """x (T, C, size, size) with the parts `regions` of the aligned face (where the input's framing `box` shows
    them) filled with each channel's mean over the steps and pixels of x as given: what random erasing puts in its
    rectangles in training (merstudio.training.trainer), so the network has seen such a hidden part. Every part
    gets the same fill, taken before any is hidden. A copy; x itself is left as it is."""
    bx0, by0, bx1, by1 = box if box is not None else (0.0, 0.0, 1.0, 1.0)
    s = x.shape[-1]

    def span(a: float, b: float, lo: float, hi: float) -> slice:
        a, b = (min(max((v - lo) / (hi - lo), 0.0), 1.0) for v in (a, b))
        return slice(int(np.floor(a * s)), int(np.ceil(b * s)))

    out = x.copy()
    fill = x.mean(axis=(0, 2, 3))[None, :, None, None]
    for x0, y0, x1, y1 in regions:
        out[:, :, span(y0, y1, by0, by1), span(x0, x1, bx0, bx1)] = fill
    return out


def make_input(onset: np.ndarray, steps: Sequence[np.ndarray], settings: InputSettings) -> np.ndarray:
    """(T, C, size, size) float32 network input from the onset face and the T step faces (grey or RGB, uint8
    or 0..1 float; resized to flow_size when they are not). Use step_indices() to pick the steps."""
    from merstudio.features.flow import compute_flow

    if len(steps) != settings.T:
        raise InputError(f"model input: {len(steps)} step frames for T={settings.T}")
    side = settings.flow_size
    greys = [grey_u8(img, side) for img in steps]
    flows = []
    if settings.uses_flow:
        on = grey_u8(onset, side)
        flows = [compute_flow(on, g, settings.flow_method) for g in greys]
    return assemble(flows, greys, settings)
