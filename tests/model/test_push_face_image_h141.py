"""FramePredictor.push with a face image it cannot use (None, a 0x0 crop, a stack of images, strings): a ValueError
naming what it was given, before the track takes the frame (a 0x0 image ended in cv2's own error, and the frame
counted as pushed: the same frame with a real face was then refused as out of order)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from support.predictors import predictor

from merstudio.errors import InputError
from merstudio.model import FramePredictor, MENet, ModelConfig


def _predictor() -> FramePredictor:
    torch.manual_seed(0)
    return predictor(MENet(ModelConfig()).eval(), device="cpu", batch_size=2, fps=30)


@pytest.mark.parametrize("image, got", [
    (None, "None"),
    (np.zeros((0, 0), np.uint8), "a uint8 array of shape (0, 0)"),
    (np.zeros((0, 0, 3), np.uint8), "a uint8 array of shape (0, 0, 3)"),
    (np.zeros((64, 0), np.float32), "a float32 array of shape (64, 0)"),
    (np.zeros((2, 64, 64), np.uint8), "a uint8 array of shape (2, 64, 64)"),
    (np.zeros((64, 64, 4), np.uint8), "a uint8 array of shape (64, 64, 4)"),
    (np.full((64, 64), "x"), "a <U1 array of shape (64, 64)"),
    (np.zeros((64, 64), bool), "a bool array of shape (64, 64)"),
])
def test_an_unusable_face_image_is_refused_by_its_shape(image, got):
    fp = _predictor()
    with pytest.raises(ValueError) as exc:
        fp.push(1, 5, image)
    assert str(exc.value) == ("track 1, frame 5: the aligned face must be a non-empty grey (H, W) or RGB (H, W, 3) "
                              f"image of numbers, got {got}")
    assert isinstance(exc.value, InputError)  # one line where the CLI and the app show it, as push's other refusals
    # the track did not take the frame: the same frame with a face is pushed as the first
    rng = np.random.default_rng(0)
    out = fp.push(1, 5, rng.integers(0, 255, (64, 64), dtype=np.uint8))
    out += fp.push(1, 6, rng.random((64, 64, 3), dtype=np.float32)) + fp.flush()
    assert sorted((p.track_id, p.frame_index) for p in out) == [(1, 5), (1, 6)]
