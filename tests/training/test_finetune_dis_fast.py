"""A checkpoint whose input.flow_method is dis_fast (a method inference computes and loads) is fine-tuned, its
inputs rebuilt with that method: datasets.preprocess accepted dis, tvl1 and farneback only, and fine-tuning refused
it at the start ("bad input settings (flow: 'dis_fast' is not one of dis, tvl1, farneback)")."""

from __future__ import annotations

import numpy as np
import pytest
from support.finetune_project import project_fixtures

import merstudio.training.finetune as F

built, cache, proj = project_fixtures("ftdisfast")


def _dis_fast_parent(ckpt, out, with_preprocess: bool):
    """The support project's tiny checkpoint re-saved with dis_fast flow: in its input settings, and in its
    preprocess block when it has one."""
    from merstudio.model import load_checkpoint, save_checkpoint

    model, meta = load_checkpoint(ckpt)
    inp = {**meta["input"], "flow_method": "dis_fast"}
    if with_preprocess:
        inp["preprocess"] = {**inp["preprocess"], "flow": "dis_fast"}
    else:
        inp.pop("preprocess", None)
    return save_checkpoint(out, model, {"input": inp, "training_data": meta["training_data"]})


@pytest.mark.parametrize("with_preprocess", [True, False])
def test_a_dis_fast_checkpoint_is_fine_tuned_with_dis_fast_inputs(proj, cache, with_preprocess):
    from merstudio.model import load_checkpoint

    path, ckpt = proj
    parent = _dis_fast_parent(ckpt, path.parent / "fast.pt", with_preprocess)
    _model, pmeta = load_checkpoint(parent)  # inference loads it
    settings = F.preprocess_settings(pmeta, _model.cfg, str(parent))
    assert settings.flow == "dis_fast"
    res = F.finetune(path, parent, epochs=1, cache_dir=cache)
    assert res.after["n"] == res.holdout["n"] > 0
    _new, meta = load_checkpoint(res.checkpoint)
    assert meta["input"]["flow_method"] == "dis_fast"  # inference on the new model computes what it trained on


def test_the_input_is_the_stock_fast_dis_flow():
    """The dis_fast input is OpenCV's DIS at its FAST preset (the method's definition), not the tuned dis."""
    import cv2

    from merstudio.datasets.preprocess import PreprocessSettings, input_from_aligned
    from merstudio.features.flow import optical_strain

    rng = np.random.default_rng(0)
    g0 = cv2.GaussianBlur(rng.integers(0, 255, (128, 128), dtype=np.uint8), (7, 7), 2)
    g1 = np.roll(g0, 2, axis=1)  # a 2 px shift to the right
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
    flow = dis.calc(g0, g1, None)
    x = input_from_aligned(g0, [g1], PreprocessSettings(flow="dis_fast", size=128))
    want = np.stack([flow[..., 0], flow[..., 1], optical_strain(flow)]).astype(np.float32)
    lo, hi = want.min(axis=(1, 2), keepdims=True), want.max(axis=(1, 2), keepdims=True)  # per channel, to 0..1
    np.testing.assert_allclose(x[0], (want - lo) / (hi - lo), atol=1e-5)
    # and not the tuned dis: the two differ on this pair
    assert not np.allclose(x, input_from_aligned(g0, [g1], PreprocessSettings(flow="dis", size=128)), atol=1e-3)
