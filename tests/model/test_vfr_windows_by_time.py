"""The model's sliding windows on a variable-rate video (a phone's recording) go by the frames' times: each window
reaches span_s back whatever the momentary rate, so frames read the same as at a constant rate. Counted in frames of
the mean rate (20 fps here: 4 frames) its windows were 0.13 s long at 30 fps and 0.27 s at 15, and read other motions
on 73 of the 74 frames compared."""

from __future__ import annotations

import cv2
import numpy as np
import torch

from merstudio.model import FramePredictor, InputSettings, MENet, ModelConfig

FPS = 30
# two steps in the window's second half, as the starter checkpoint's
META = {"input": InputSettings(modality="flow", T=2, spacing="late").to_dict()}


def _model() -> MENet:
    torch.manual_seed(0)
    return MENet(ModelConfig(T=2)).eval()


def _scene(n: int) -> list[np.ndarray]:
    """n frames at 30 fps of a noisy still texture that deforms (a zoom in and out) over frames 21-31 and 71-81."""
    rng = np.random.default_rng(4)
    noise = rng.random((128, 128)).astype(np.float32)
    base = cv2.GaussianBlur(noise, (0, 0), 2.0)
    base = (base - base.min()) / (base.max() - base.min()) * 255
    out = []
    for k in range(n):
        scale = 1.0 + 0.012 * max(0.0, 6 - abs(k - 26), 6 - abs(k - 76))
        m = cv2.getRotationMatrix2D((63.5, 63.5), 0.0, scale)
        img = cv2.warpAffine(base, m, (128, 128), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
        out.append(np.clip(img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8))
    return out


def _run(fp: FramePredictor, frames: list[np.ndarray], kept: list[int], timed: bool) -> dict:
    preds = []
    for j, k in enumerate(kept):  # a variable-rate file numbers only the frames it has
        preds += fp.push(0, j, frames[k], time=round(k * 1000 / FPS) / 1000 if timed else None)  # whole ms, as mkv
    preds += fp.flush()
    return {kept[p.frame_index]: p for p in preds}


def test_windows_span_the_same_time_when_the_rate_halves():
    n = 120
    frames = _scene(n)
    kept = list(range(40)) + list(range(40, n, 2))  # 30 fps to 1.33 s, then 15 fps, the frames at their times
    mean = (len(kept) - 1) / ((n - 2) / FPS)  # the rate such a file's header states
    cfr = _run(FramePredictor(_model(), META, device="cpu", fps=FPS), frames, list(range(n)), False)
    vfr = _run(FramePredictor(_model(), META, device="cpu", fps=mean), frames, kept, True)
    assert round(0.2 * mean) != round(0.2 * FPS)  # the mean rate's frames would not be the 30 fps stretch's 6
    # every kept frame's window reaches 0.2 s back to a kept frame (6 frames at 30 fps, 3 at 15): the same window,
    # the same motion
    later = [k for k in kept if k >= 6]
    assert all(vfr[k].motion == cfr[k].motion for k in later), [(k, vfr[k].motion, cfr[k].motion) for k in later
                                                               if vfr[k].motion != cfr[k].motion][:5]
    # the deformation stands out at both rates: the frames of its onset pass the gate, and where both ask the
    # network (the 30 fps stretch, and the 15 fps one, whose steps are frames it kept) it reads the same inputs
    assert not vfr[26].gated and not cfr[26].gated and not vfr[76].gated and not cfr[76].gated
    asked = [k for k in later if not vfr[k].gated and not cfr[k].gated]
    assert all(np.array_equal(vfr[k].probs, cfr[k].probs) for k in asked), asked
    assert any(k < 40 and k % 2 for k in asked) and any(k > 40 for k in asked), asked  # odd frames' steps round
