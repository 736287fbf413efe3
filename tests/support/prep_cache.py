"""What the preprocessing cache's tests compare against: the inputs of a table of precomputed flow images
(support.flow_tables), read from the PNGs themselves, not through merstudio."""

from __future__ import annotations

import cv2
import numpy as np


def expected_inputs(samples) -> np.ndarray:
    """(N, 1, 3, H, W) float32: each image's R, G, B = u, v, strain, 0-255 -> 0..1."""
    return np.stack([(cv2.imread(str(s.path))[:, :, ::-1].transpose(2, 0, 1) / 255.0)[None] for s in samples]
                    ).astype(np.float32)
