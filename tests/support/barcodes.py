"""Frames that carry their number: a 12-bit barcode in the top 16 rows, so a test can tell which frame a decoder
gave it, independently of any decoder."""

from __future__ import annotations

import numpy as np

BAR = 13  # barcode cell width (px): 12 cells in the top 16 rows (a frame at least 156 px wide)


def stamp(img: np.ndarray, i: int) -> np.ndarray:
    """Write `i` as the barcode of `img` (in place; returned)."""
    for b in range(12):
        img[0:16, b * BAR:(b + 1) * BAR] = 255 if (i >> b) & 1 else 0
    return img


def read_code(img: np.ndarray) -> int:
    """The number barcoded in a decoded frame (RGB or BGR: the cells are grey)."""
    bits = [img[4:12, b * BAR + 3:(b + 1) * BAR - 3].mean() > 127 for b in range(12)]
    return sum(1 << b for b, v in enumerate(bits) if v)
