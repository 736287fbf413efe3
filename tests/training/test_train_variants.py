"""Training variants measured on 2026-12-05 (docs/model.md): camera-resolution jitter and sharpness-aware
minimisation. What each option does (shapes, statistics, weights), not what it gains."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from merstudio.errors import InputError
from merstudio.training.trainer import (
    FlowAugment,
    TrainSettings,
    fit_model,
    gaussian_blur,
    sam_ascent,
    train_fold,
)

_PLAIN = dict(rotate_deg=0, scale=0, translate=0, noise=0, flip=False, erase=0.0)


def _roughness(x: torch.Tensor) -> torch.Tensor:
    """Mean squared difference of horizontal and vertical neighbours, per sample: high-frequency energy."""
    dx = (x[..., :, 1:] - x[..., :, :-1]).pow(2).flatten(1).mean(1)
    dy = (x[..., 1:, :] - x[..., :-1, :]).pow(2).flatten(1).mean(1)
    return dx + dy


def test_gaussian_blur_spreads_a_point_by_sigma_and_keeps_flat_images():
    for sigma in (0.3, 0.6, 1.0):
        img = torch.zeros(1, 1, 21, 21)
        img[0, 0, 10, 10] = 1.0
        out = gaussian_blur(img, sigma)[0, 0]
        assert float(out.sum()) == pytest.approx(1.0, abs=1e-5)
        row = out.sum(0)
        sd = float(((torch.arange(21.0) - 10) ** 2 * row).sum().sqrt())
        assert sd == pytest.approx(sigma, rel=0.02)  # also below a pixel
    flat = torch.full((2, 3, 28, 28), 0.7)
    torch.testing.assert_close(gaussian_blur(flat, 1.0), flat)


def test_resolution_jitter_smooths_about_p_of_the_samples_alike_at_every_step():
    torch.manual_seed(0)
    step = torch.rand(64, 1, 3, 28, 28)
    x = step.repeat(1, 2, 1, 1, 1)  # two identical steps
    s = TrainSettings(**_PLAIN, resolution_jitter=0.5)
    out = FlowAugment(s, 1.0, "range", torch.Generator().manual_seed(0))(x)
    assert out.shape == x.shape
    hit = (out != x).flatten(1).any(1)
    assert 16 <= int(hit.sum()) <= 48  # about half the samples
    assert torch.equal(out[~hit], x[~hit])
    assert torch.equal(out[:, 0], out[:, 1])  # the same filter at every step of a sample
    # smoother: less high-frequency energy, every hit sample; the per-channel means barely move
    assert bool((_roughness(out[hit]) < 0.8 * _roughness(x[hit])).all())
    torch.testing.assert_close(out[hit].mean(dim=(3, 4)), x[hit].mean(dim=(3, 4)), atol=0.03, rtol=0)


def test_resolution_jitter_uses_both_blur_and_resampling():
    x = torch.rand(200, 1, 3, 28, 28)
    s = TrainSettings(**_PLAIN, resolution_jitter=1.0)
    aug = FlowAugment(s, 1.0, "range", torch.Generator().manual_seed(1))
    g = aug.g.get_state()
    hit = torch.rand(200, generator=aug.g) < 1.0
    blur = torch.rand(200, generator=aug.g) < 0.5
    amount = torch.rand(200, generator=aug.g)
    aug.g.set_state(g)
    out = aug(x)
    assert bool(hit.all()) and 0 < int(blur.sum()) < 200
    i = int(blur.nonzero()[0])
    torch.testing.assert_close(out[i], gaussian_blur(x[i], 0.3 + 0.7 * float(amount[i])))
    j = int((~blur).nonzero()[0])
    assert not torch.allclose(out[j], gaussian_blur(x[j], 0.3 + 0.7 * float(amount[j])))
    assert bool((_roughness(out[j]) < _roughness(x[j])).all())


def test_resolution_jitter_off_draws_nothing_and_changes_nothing():
    x = torch.rand(8, 2, 3, 28, 28)
    aug = FlowAugment(TrainSettings(**_PLAIN), 1.0, "range", torch.Generator().manual_seed(0))
    before = aug.g.get_state()
    assert torch.equal(aug(x), x)
    assert torch.equal(aug.g.get_state(), before)  # the defaults' random stream is the one they had before


class _Tiny(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(4, 3)
        self.bn = nn.BatchNorm1d(3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.lin(x))


def test_sam_ascent_moves_the_weights_rho_along_the_gradient_and_back():
    torch.manual_seed(0)
    m = _Tiny().train()
    x = torch.randn(16, 4)
    m(x).pow(2).sum().backward()
    w0 = {k: v.detach().clone() for k, v in m.state_dict().items()}
    g = [p.grad.clone() for p in m.parameters()]
    gnorm = float(torch.cat([t.ravel() for t in g]).norm())
    with sam_ascent(m, 0.05):
        moved = [p.detach() - w0[k] for k, p in m.named_parameters()]
        assert float(torch.cat([t.ravel() for t in moved]).norm()) == pytest.approx(0.05, rel=1e-4)
        for d, gi in zip(moved, g, strict=True):  # along the gradient
            torch.testing.assert_close(d, gi * 0.05 / gnorm)
        for p in m.parameters():
            p.grad = None
        m(x * 2).pow(2).sum().backward()  # a forward in train mode: BatchNorm statistics would move
        inner = [p.grad.clone() for p in m.parameters()]
    for k, v in m.state_dict().items():  # weights and BatchNorm statistics as before
        torch.testing.assert_close(v, w0[k])
    for p, gi in zip(m.parameters(), inner, strict=True):  # the gradient taken inside is kept for the optimiser
        torch.testing.assert_close(p.grad, gi)


def test_sam_trains_another_model_and_bad_values_are_refused(tiny_data, tiny_cfg, tiny_settings):
    data, _ = tiny_data
    plain, _ = train_fold(data, tiny_cfg(), tiny_settings())
    sam, hist = train_fold(data, tiny_cfg(), tiny_settings(sam_rho=0.05))
    assert all(np.isfinite(h["loss"]) for h in hist)
    assert any(not torch.equal(v, sam.state_dict()[k]) for k, v in plain.state_dict().items() if v.is_floating_point())
    jit, hist = train_fold(data, tiny_cfg(), tiny_settings(resolution_jitter=0.5))
    assert all(np.isfinite(h["loss"]) for h in hist)
    for bad, message in ((dict(sam_rho=-0.1), "sam_rho"), (dict(resolution_jitter=1.5), "resolution_jitter")):
        with pytest.raises(InputError, match=message):
            fit_model(None, None, TrainSettings(**bad), None)  # type: ignore[arg-type]  # refused before training


def test_variants_are_off_by_default_and_recorded():
    s = TrainSettings()
    assert s.resolution_jitter == 0.0 and s.sam_rho == 0.0
    d = TrainSettings(resolution_jitter=0.5, sam_rho=0.05).to_dict()
    assert d["resolution_jitter"] == 0.5 and d["sam_rho"] == 0.05
    assert TrainSettings.from_dict(d) == TrainSettings(resolution_jitter=0.5, sam_rho=0.05)


@pytest.mark.parametrize("mixup", [0.0, 0.2])
def test_sam_moves_the_centres_and_batchnorm_statistics_once_per_step(tiny_data, tiny_cfg, tiny_settings, monkeypatch,
                                                                      mixup):
    # SAM evaluates each batch twice (at the weights and uphill of them); the second pass must not count it again
    from merstudio.model import losses

    data, _ = tiny_data
    calls: list[int] = []
    real = losses.update_ema_centers
    monkeypatch.setattr(losses, "update_ema_centers", lambda f, y, *a: (calls.append(len(y)), real(f, y, *a)))
    model, _ = train_fold(data, tiny_cfg(), tiny_settings(mixup=mixup, sam_rho=0.05, average="none"))
    steps = 2 * (len(data) // 8)
    assert calls == [8] * steps
    tracked = [int(m.num_batches_tracked) for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    assert tracked and all(n == steps for n in tracked)
