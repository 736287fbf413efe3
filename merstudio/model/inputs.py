"""The network's input, built the same way for training (from clips) and for per-frame inference (from video).

A sample is T time steps ending at the "apex" (training) or at the current frame (inference). Step k (k = 0..T-1)
is the frame onset + round((k + 1) * (end - onset) / T); its input channels are, by modality:
    flow       u, v, strain   flow from the onset frame to the step frame, and its optical strain
    grey       grey           the step frame, 0..1
    flow+grey  u, v, strain, grey
Flow is computed with merstudio.features.flow.compute_flow on both frames resized to flow_size x flow_size (the
aligned face is 128 px), then resized to size x size with area averaging; u and v are rescaled by size / flow_size
so they stay in pixels of the network input. Strain is dimensionless and only resized.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from merstudio.errors import InputError

MODALITY_CHANNELS: dict[str, int] = {"flow": 3, "grey": 1, "flow+grey": 4}


@dataclass
class InputSettings:
    """How frames become network input; stored in checkpoints as meta["input"]."""

    modality: str = "flow"
    size: int = 28
    T: int = 1
    flow_method: str = "dis"
    flow_size: int = 128
    span_s: float = 0.2  # per-frame inference: the onset proxy lies this many seconds before the frame

    def __post_init__(self) -> None:
        m = str(self.modality).strip().lower().replace("gray", "grey").replace("_", "+").replace(" ", "")
        self.modality = "flow+grey" if m == "grey+flow" else m
        if self.modality not in MODALITY_CHANNELS:
            raise InputError(f"input modality {self.modality!r}: expected one of {', '.join(MODALITY_CHANNELS)}")
        if int(self.size) < 28 or int(self.T) < 1 or int(self.flow_size) < 16:
            raise InputError(f"input settings: need size >= 28, T >= 1, flow_size >= 16 (got size {self.size}, "
                             f"T {self.T}, flow_size {self.flow_size})")
        if not float(self.span_s) > 0:
            raise InputError(f"input settings: span_s must be > 0, got {self.span_s}")
        self.size, self.T, self.flow_size, self.span_s = int(self.size), int(self.T), int(self.flow_size), float(
            self.span_s)

    @property
    def channels(self) -> int:
        return MODALITY_CHANNELS[self.modality]

    @property
    def uses_flow(self) -> bool:
        return self.modality != "grey"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> InputSettings:
        known = {f.name for f in dataclasses.fields(cls)}
        try:
            return cls(**{k: v for k, v in d.items() if k in known})
        except (TypeError, ValueError) as e:
            raise InputError(f"input settings: {e}") from None


def step_indices(onset: int, end: int, T: int) -> list[int]:
    """Frame indices of the T steps from onset (exclusive) to end (inclusive); all `end` when end <= onset."""
    if end <= onset:
        return [end] * T
    return [onset + round((k + 1) * (end - onset) / T) for k in range(T)]


def grey_u8(img: np.ndarray, side: int) -> np.ndarray:
    """A face image as grey uint8 side x side (RGB converted, 0..1 floats scaled, resized)."""
    a = np.asarray(img)
    if a.ndim == 3 and a.shape[2] == 3:
        a = cv2.cvtColor(np.ascontiguousarray(a, dtype=np.uint8), cv2.COLOR_RGB2GRAY)
    if a.ndim != 2:
        raise InputError(f"model input: expected a grey (H, W) or RGB (H, W, 3) face image, got shape {a.shape}")
    if a.dtype != np.uint8:
        if np.issubdtype(a.dtype, np.floating) and a.size and float(np.nanmax(a)) <= 1.0:
            a = a * 255.0
        a = np.clip(np.nan_to_num(a), 0, 255).astype(np.uint8)
    if a.shape != (side, side):
        interp = cv2.INTER_AREA if a.shape[0] > side else cv2.INTER_LINEAR
        a = cv2.resize(a, (side, side), interpolation=interp)
    return np.ascontiguousarray(a)


def shrink(x: np.ndarray, size: int) -> np.ndarray:
    """Resize an (H, W[, C]) array to size x size (area averaging when shrinking)."""
    if x.shape[0] == size and x.shape[1] == size:
        return x
    interp = cv2.INTER_AREA if x.shape[0] > size else cv2.INTER_LINEAR
    return cv2.resize(x, (size, size), interpolation=interp)


def flow_to_channels(flow: np.ndarray, settings: InputSettings) -> np.ndarray:
    """(3, size, size) float32 u, v, strain from a flow field computed at flow_size."""
    from merstudio.features.flow import optical_strain

    strain = optical_strain(flow)
    scale = settings.size / flow.shape[1]
    uv = shrink(flow, settings.size) * scale
    return np.stack([uv[..., 0], uv[..., 1], shrink(strain, settings.size)]).astype(np.float32)


def flow_channels(onset_u8: np.ndarray, frame_u8: np.ndarray, settings: InputSettings) -> np.ndarray:
    """(3, size, size) float32 u, v, strain from two grey uint8 images already at flow_size."""
    from merstudio.features.flow import compute_flow

    return flow_to_channels(compute_flow(onset_u8, frame_u8, settings.flow_method), settings)


def make_input(onset: np.ndarray, steps: Sequence[np.ndarray], settings: InputSettings) -> np.ndarray:
    """(T, C, size, size) float32 network input from the onset face and the T step faces (grey or RGB, uint8
    or 0..1 float, any square-ish size: they are resized to flow_size). Use step_indices() to pick the steps."""
    if len(steps) != settings.T:
        raise InputError(f"model input: {len(steps)} step frames for T={settings.T}")
    side = settings.flow_size
    on = grey_u8(onset, side) if settings.uses_flow else None
    out = np.empty((settings.T, settings.channels, settings.size, settings.size), dtype=np.float32)
    for k, img in enumerate(steps):
        g = grey_u8(img, side)
        c = 0
        if on is not None:
            out[k, :3] = flow_channels(on, g, settings)
            c = 3
        if settings.modality != "flow":
            out[k, c] = shrink(g, settings.size).astype(np.float32) / 255.0
    return out
