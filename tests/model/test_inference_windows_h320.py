"""The model is asked only about windows that span about what it was trained on (span_s, 0.2 s): not about a face
back from a gap (hidden behind another face, or not found), whose window reached back to its frame before the gap
(up to stale_after), nor about a track's first span, whose windows were shorter (frame 0's an all-zero flow), with
the motion gate or without. Those windows teach the noise floor nothing either. (a116 findings 1 and 5)"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import torch

from merstudio.model import FramePredictor, InputSettings, MENet, ModelConfig

FPS = 30
META = {"input": InputSettings(modality="flow", T=2, spacing="late").to_dict()}  # as the starter checkpoint's


def _model() -> MENet:
    torch.manual_seed(0)
    return MENet(ModelConfig(T=2)).eval()


@cache
def _texture(scale: float) -> np.ndarray:
    noise = np.random.default_rng(4).random((128, 128)).astype(np.float32)
    base = cv2.GaussianBlur(noise, (0, 0), 2.0)
    base = (base - base.min()) / (base.max() - base.min()) * 255
    m = cv2.getRotationMatrix2D((63.5, 63.5), 0.0, scale)
    return cv2.warpAffine(base, m, (128, 128), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)


def _face(k: int, scale: float, rng: np.random.Generator) -> np.ndarray:
    """A noisy still texture zoomed by `scale` (a face that deforms), with frame k's camera noise."""
    img = _texture(scale)
    return np.clip(img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8)


def _push(fp: FramePredictor, frames: list[int], scale=lambda k: 1.0, fps: float = FPS, timed: bool = False) -> dict:
    rng = np.random.default_rng(1)
    preds = []
    for k in frames:
        preds += fp.push(0, k, _face(k, scale(k), rng), time=round(k * 1000 / fps) / 1000 if timed else None)
    preds += fp.flush()
    return {p.frame_index: p for p in preds}


def _asked(preds: dict) -> set[int]:
    return {k for k, p in preds.items() if np.isfinite(p.probs).all()}


def test_a_face_back_from_a_gap_is_not_asked_until_it_has_a_frame_a_span_back():
    # frames 40-54 missing (the face hidden): the window of 55 reached back to 39, 16 frames where the span is 6
    frames = [*range(40), *range(55, 75)]
    for timed in (False, True):  # by frame index, and by the frames' times (a variable-rate video)
        preds = _push(FramePredictor(_model(), META, device="cpu", fps=FPS, motion_threshold=0), frames, timed=timed)
        asked = _asked(preds)
        assert not asked & set(range(55, 61)), sorted(asked & set(range(55, 61)))
        assert set(range(61, 75)) <= asked  # from 55 + span on, windows 6 frames long again
        assert all(preds[k].no_onset and np.isnan(preds[k].au_probs).all() for k in range(55, 61))


def test_a_face_that_moved_while_hidden_is_not_asked_nor_teaches_the_floor_from_before_the_gap():
    # the face deformed while hidden (40-54) and holds it: its windows back to 39 read the change over 0.5-0.7 s,
    # far above its noise floor, and were asked; from 61 on the window (55 on) sees it held, nothing to ask
    frames = [*range(40), *range(55, 75)]
    fp = FramePredictor(_model(), META, device="cpu", fps=FPS)
    preds = _push(fp, frames[:40])
    floor = list(fp._tracks[0].motions)
    preds.update(_push(fp, frames[40:46], scale=lambda k: 1.08))
    assert not _asked(preds), sorted(_asked(preds))
    assert list(fp._tracks[0].motions) == floor  # the gap's windows taught the floor nothing
    assert all(np.isnan(preds[k].motion) for k in range(55, 61))


def test_one_missed_frame_is_within_the_slack_and_the_slack_goes_by_time():
    # a frame the tracker missed: the window one frame longer (7 at 30 fps) is still asked
    preds = _push(FramePredictor(_model(), META, device="cpu", fps=FPS, motion_threshold=0),
                  [k for k in range(20) if k != 12])
    assert {18, 19} <= _asked(preds)  # 18's onset is 11 (7 back), 19's 13
    # at 60 fps (span 12 frames) the slack is 0.05 s, 3 frames: 15 frames back is asked, 16 is not
    fps = 60
    for missing, ok in ((range(5, 8), True), (range(4, 8), False)):
        frames = [k for k in range(24) if k not in missing]
        preds = _push(FramePredictor(_model(), META, device="cpu", fps=fps, motion_threshold=0), frames, fps=fps)
        assert (19 in _asked(preds)) == ok, (list(missing), sorted(_asked(preds)))  # 19's onset: 4 (15 back), 3 (16)


def test_the_first_span_of_a_track_is_not_asked_without_the_gate_either():
    # frame 0's window was itself (an all-zero flow) and 1-5 shorter than the span: read as classes with --no-model-gate
    for timed in (False, True):
        preds = _push(FramePredictor(_model(), META, device="cpu", fps=FPS, motion_threshold=0), list(range(12)),
                      timed=timed)
        assert _asked(preds) == set(range(6, 12)), sorted(_asked(preds))
        assert all(preds[k].no_onset for k in range(6))


def test_the_noise_floor_learns_from_whole_windows_only():
    fp = FramePredictor(_model(), META, device="cpu", fps=FPS)
    _push(fp, list(range(12)))
    assert len(fp._tracks[0].motions) == 6  # frames 6-11: the first span's shorter windows are not the floor's
