"""Trainer: determinism, augmentation, inner validation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from merstudio.training.trainer import FlowAugment, TrainSettings, pick_reflect, predict, train_fold


def _state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_same_seed_same_weights_other_seed_differs(tiny_data, tiny_cfg, tiny_settings):
    data, _ = tiny_data
    a, hist = train_fold(data, tiny_cfg(), tiny_settings(seed=5))
    b, _ = train_fold(data, tiny_cfg(), tiny_settings(seed=5))
    c, _ = train_fold(data, tiny_cfg(), tiny_settings(seed=6))
    sa, sb, sc = _state(a), _state(b), _state(c)
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert any(not torch.equal(sa[k], sc[k]) for k in sa if sa[k].is_floating_point())
    assert [h["epoch"] for h in hist] == [1, 2] and all(np.isfinite(h["loss"]) for h in hist)
    probs, au = predict(a, data.X[:5])
    assert probs.shape == (5, 3) and np.allclose(probs.sum(1), 1, atol=1e-5)
    assert au is not None and au.shape == (5, 12)


def test_training_reduces_loss(tiny_data, tiny_cfg, tiny_settings):
    data, _ = tiny_data
    _, hist = train_fold(data, tiny_cfg(), tiny_settings(epochs=6, lr=1e-2, noise=0.0, rotate_deg=0, scale=0, translate=0))
    assert np.mean([h["loss"] for h in hist[-3:]]) < np.mean([h["loss"] for h in hist[:3]])


def test_inner_validation_selects_an_epoch(tiny_data, tiny_cfg, tiny_settings):
    data, _ = tiny_data
    _, hist = train_fold(data, tiny_cfg(), tiny_settings(epochs=3, val_fraction=0.34))
    assert "val_uf1" in hist[0]
    assert 1 <= hist[-1]["selected_epoch"] <= 3


def test_flip_reflects_u_only():
    x = torch.rand(4, 1, 3, 8, 8)
    s = TrainSettings(rotate_deg=0, scale=0, translate=0, noise=0, flip=True, flip_channels=(0,))
    g = torch.Generator().manual_seed(0)
    out = FlowAugment(s, 1.0, "range", g)(x)
    flipped = [i for i in range(4) if not torch.equal(out[i], x[i])]
    assert flipped  # with this seed some are flipped
    for i in flipped:
        u = x[i, :, 0]
        assert torch.allclose(out[i, :, 0], (u.min() + u.max() - u).flip(-1))
        assert torch.allclose(out[i, :, 1], x[i, :, 1].flip(-1))
        assert torch.allclose(out[i, :, 2], x[i, :, 2].flip(-1))
    out0 = FlowAugment(s, 1.0, "zero", torch.Generator().manual_seed(0))(x)
    for i in flipped:
        assert torch.allclose(out0[i, :, 0], -x[i, :, 0].flip(-1))


def test_affine_and_noise_keep_shape_and_change_values():
    x = torch.rand(2, 2, 3, 28, 28)
    out = FlowAugment(TrainSettings(flip=False), 1.0, "range", torch.Generator().manual_seed(1))(x)
    assert out.shape == x.shape and not torch.allclose(out, x)


def test_pick_reflect():
    assert pick_reflect("auto", np.ones((2, 2))) == "range"
    assert pick_reflect("auto", -np.ones((2, 2))) == "zero"
    from merstudio.errors import InputError

    with pytest.raises(InputError):
        pick_reflect("mirror", np.ones(1))


def test_cuda_request_without_cuda_is_a_clear_error(tiny_data, tiny_cfg, tiny_settings):
    if torch.cuda.is_available():
        pytest.skip("CUDA present")
    from merstudio.errors import InputError

    with pytest.raises(InputError, match="CUDA is not available"):
        train_fold(tiny_data[0], tiny_cfg(), tiny_settings(device="cuda"))
